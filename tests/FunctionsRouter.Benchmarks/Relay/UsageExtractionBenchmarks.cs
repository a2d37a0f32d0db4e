using System.Text;
using BenchmarkDotNet.Attributes;
using FunctionsRouter.Gateway.Relay;

namespace FunctionsRouter.Benchmarks.Relay;

/// <summary>
/// Reading usage from upstream answers as they pass: a non-streamed JSON body (<see cref="JsonBodyUsageScanner"/>, fed
/// in one piece and in 64-byte pieces) and a 20-chunk SSE stream relayed by <see cref="SseEventRelay"/> from a
/// <see cref="MemoryStream"/> into <see cref="Stream.Null"/>.
/// </summary>
[MemoryDiagnoser]
public class UsageExtractionBenchmarks
{
    private const string Chunk =
        """data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1700000000,"model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"delta":{"content":" token"},"finish_reason":null}],"usage":null}""";

    private byte[] _json = [];
    private byte[] _sse = [];
    private MemoryStream _upstream = new();

    [GlobalSetup]
    public void Setup()
    {
        _json = Encoding.UTF8.GetBytes(
            """{"id":"chatcmpl-1","object":"chat.completion","created":1700000000,"model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"message":{"role":"assistant","content":"Paris is the capital of France. The Seine runs through it, dividing the city into the Left Bank and the Right Bank.","refusal":null},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":91,"completion_tokens":27,"total_tokens":118,"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0}},"system_fingerprint":"fp_0aa8d3e20b"}""");

        var sse = new StringBuilder(": keep-alive\n\n");
        for (var i = 0; i < 19; i++)
        {
            sse.Append(Chunk).Append("\n\n");
        }

        sse.Append("""data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1700000000,"model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":null}""").Append("\n\n");
        sse.Append("""data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1700000000,"model":"gpt-4o-mini-2024-07-18","choices":[],"usage":{"prompt_tokens":91,"completion_tokens":20,"total_tokens":111}}""").Append("\n\n");
        sse.Append("data: [DONE]\n\n");
        _sse = Encoding.UTF8.GetBytes(sse.ToString());
        _upstream = new MemoryStream(_sse, writable: false);
    }

    [Benchmark]
    public int? JsonBodyWhole()
    {
        using var scanner = new JsonBodyUsageScanner();
        scanner.Append(_json);
        return scanner.Reader.Usage.TotalTokens;
    }

    [Benchmark]
    public int? JsonBodyIn64ByteReads()
    {
        using var scanner = new JsonBodyUsageScanner();
        for (var offset = 0; offset < _json.Length; offset += 64)
        {
            scanner.Append(_json.AsSpan(offset, Math.Min(64, _json.Length - offset)));
        }

        return scanner.Reader.Usage.TotalTokens;
    }

    [Benchmark]
    public async Task<int?> SseStream()
    {
        _upstream.Position = 0;
        var usage = new UsageJsonReader();
        var relay = new SseEventRelay(usage, forwardUsageOnlyChunk: false);
        await relay.RelayAsync(_upstream, Stream.Null, static () => { }, CancellationToken.None);
        return usage.Usage.TotalTokens;
    }
}
