using System.Text.Json;
using FunctionsRouter.Gateway.Errors;

namespace FunctionsRouter.Gateway.Relay;

/// <summary>
/// Chat completion streams (OpenAI and Azure AI Model Inference): <c>data:</c> chunks ending with <c>data: [DONE]</c>.
/// Reads usage and finish reasons from the chunks that can carry them; drops the usage-only chunk the gateway asked for
/// on the caller's behalf unless the caller asked for it too.
/// </summary>
internal sealed class ChatStreamInspector(UsageJsonReader usage, bool forwardUsageOnlyChunk) : ISseEventInspector
{
    public IUsageReader Usage => usage;

    /// <summary>
    /// Chunks that carried generated text (non-empty <c>content</c>, <c>refusal</c> or tool-call <c>arguments</c>): each
    /// is about one token, so they estimate the usage of a cut stream. The role-only first chunk and empty chunks do not count.
    /// </summary>
    public int ContentChunks { get; private set; }

    public bool Completed { get; private set; }

    public bool Inspect(ReadOnlySpan<byte> sseEvent)
    {
        var payload = SseEvents.DataOf(sseEvent);
        if (payload.IsEmpty)
        {
            return true;
        }

        if (payload.SequenceEqual("[DONE]"u8))
        {
            Completed = true;
            return true;
        }

        if (!SseEvents.HasValue(payload, "\"usage\""u8, (byte)'{') && !SseEvents.HasValue(payload, "\"finish_reason\""u8, (byte)'"'))
        {
            CountIfGenerated(payload);
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

        var usageOnly = usage.UsageInValue && usage.ChoicesInValue == 0;
        if (!usageOnly)
        {
            CountIfGenerated(payload);
        }

        return forwardUsageOnlyChunk || !usageOnly;
    }

    private void CountIfGenerated(ReadOnlySpan<byte> payload)
    {
        if (SseEvents.HasText(payload, "\"content\""u8) || SseEvents.HasText(payload, "\"arguments\""u8) || SseEvents.HasText(payload, "\"refusal\""u8))
        {
            ContentChunks++;
        }
    }

    /// <summary>Not <c>[DONE]</c>: an event carrying the error, so SDKs raise instead of ending cleanly.</summary>
    public byte[] ErrorEvent(GatewayError error) => GatewayErrors.ToChatErrorEvent(error);
}
