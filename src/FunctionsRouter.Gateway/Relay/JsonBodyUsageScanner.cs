using System.Text.Json;
using FunctionsRouter.Gateway.Requests;

namespace FunctionsRouter.Gateway.Relay;

/// <summary>
/// Reads usage from a JSON response body as its chunks pass to the caller. Only an unfinished token is kept between
/// chunks, never the body. Malformed JSON stops the scan (the body still passes unchanged).
/// </summary>
internal sealed class JsonBodyUsageScanner(IUsageReader usageReader) : IDisposable
{
    private readonly PooledBuffer _pending = new(4096);
    private JsonReaderState _state = new(new JsonReaderOptions { MaxDepth = 256 });
    private bool _failed;

    /// <summary>A scanner of chat and embeddings responses.</summary>
    public JsonBodyUsageScanner()
        : this(new UsageJsonReader())
    {
    }

    public IUsageReader Reader { get; } = usageReader;

    public void Append(ReadOnlySpan<byte> chunk)
    {
        if (_failed)
        {
            return;
        }

        _pending.EnsureCapacity(chunk.Length);
        chunk.CopyTo(_pending.Array.AsSpan(_pending.Length));
        _pending.Length += chunk.Length;
        try
        {
            var reader = new Utf8JsonReader(_pending.Span, isFinalBlock: false, _state);
            Reader.Read(ref reader);
            _state = reader.CurrentState;
            var consumed = (int)reader.BytesConsumed;
            _pending.Array.AsSpan(consumed, _pending.Length - consumed).CopyTo(_pending.Array);
            _pending.Length -= consumed;
        }
        catch (JsonException)
        {
            _failed = true;
        }
    }

    public void Dispose() => _pending.Dispose();
}
