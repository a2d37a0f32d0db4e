using System.Text.Json;
using FunctionsRouter.Gateway.Errors;

namespace FunctionsRouter.Gateway.Relay;

/// <summary>
/// Responses API streams: <c>event:</c> + <c>data:</c> pairs, each event's JSON carrying its <c>type</c> and
/// <c>sequence_number</c>, no <c>[DONE]</c>. Complete once <c>response.completed</c>, <c>response.incomplete</c>,
/// <c>response.failed</c> (or the upstream's own <c>error</c>) has passed; usage is read from the <c>response</c> those
/// carry. Every event is forwarded as it came.
/// </summary>
internal sealed class ResponsesStreamInspector(ResponsesUsageReader usage) : ISseEventInspector
{
    public IUsageReader Usage => usage;

    public int ContentChunks { get; private set; }

    public bool Completed { get; private set; }

    public bool Inspect(ReadOnlySpan<byte> sseEvent)
    {
        var payload = SseEvents.DataOf(sseEvent);
        if (payload.IsEmpty)
        {
            return true;
        }

        // Deltas are most of a stream: counted (an estimate for a cut stream) without being parsed.
        if (payload.IndexOf("\"response.output_text.delta\""u8) >= 0 && !SseEvents.HasValue(payload, "\"response\""u8, (byte)'{'))
        {
            ContentChunks++;
            ReadSequenceNumber(payload);
            return true;
        }

        usage.BeginValue();
        try
        {
            var reader = new Utf8JsonReader(payload);
            usage.Read(ref reader);
        }
        catch (JsonException)
        {
            return true;
        }

        Completed |= usage.IsTerminalEvent;
        return true;
    }

    /// <summary>An <c>error</c> event numbered after the last event relayed, as the API's reference and SDKs want it.</summary>
    public byte[] ErrorEvent(GatewayError error) => GatewayErrors.ToResponsesErrorEvent(error, usage.SequenceNumber + 1);

    private void ReadSequenceNumber(ReadOnlySpan<byte> payload)
    {
        var at = payload.IndexOf("\"sequence_number\""u8);
        if (at < 0)
        {
            return;
        }

        var rest = payload[(at + "\"sequence_number\""u8.Length)..].TrimStart(" \t:"u8);
        if (System.Buffers.Text.Utf8Parser.TryParse(rest, out long sequence, out _) && sequence > usage.SequenceNumber)
        {
            usage.SequenceNumber = sequence;
        }
    }
}
