using FunctionsRouter.Gateway.Errors;

namespace FunctionsRouter.Gateway.Relay;

/// <summary>
/// One streamed API's wire format, as <see cref="SseEventRelay"/> meets it: reads each event as it passes, says whether
/// it is forwarded, knows when the stream is complete, and how to end one the gateway cannot finish.
/// </summary>
internal interface ISseEventInspector
{
    /// <summary>The usage, model and finish reasons read so far.</summary>
    IUsageReader Usage { get; }

    /// <summary>Events that carried content (each is about one token: used to estimate usage of a cut stream).</summary>
    int ContentChunks { get; }

    /// <summary>The stream's last event passed (chat: <c>[DONE]</c>; Responses: <c>response.completed</c> and kin).</summary>
    bool Completed { get; }

    /// <summary>Reads one whole event (its lines and the blank line that ends it); returns whether it is forwarded.</summary>
    bool Inspect(ReadOnlySpan<byte> sseEvent);

    /// <summary>The event that ends a stream the gateway cannot finish, in this API's own error shape.</summary>
    byte[] ErrorEvent(GatewayError error);
}
