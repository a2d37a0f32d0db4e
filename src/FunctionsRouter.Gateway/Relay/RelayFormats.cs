using FunctionsRouter.Gateway.Requests;

namespace FunctionsRouter.Gateway.Relay;

/// <summary>Which wire format an operation's answer has: the reader of a JSON body and the inspector of a stream.</summary>
internal static class RelayFormats
{
    /// <param name="operation">What was asked.</param>
    /// <param name="responseIdSeen">Responses only: called with the response id as soon as it is read.</param>
    public static IUsageReader BodyReader(GatewayOperation operation, Action<string>? responseIdSeen) =>
        operation == GatewayOperation.Responses ? new ResponsesUsageReader(streamEvents: false, responseIdSeen) : new UsageJsonReader();

    /// <param name="operation">What was asked.</param>
    /// <param name="callerRequestedUsage">Chat: the caller asked for the usage-only chunk itself (else it is not forwarded).</param>
    /// <param name="responseIdSeen">Responses only: called with the response id as soon as it is read.</param>
    public static ISseEventInspector StreamInspector(GatewayOperation operation, bool callerRequestedUsage, Action<string>? responseIdSeen) =>
        operation == GatewayOperation.Responses
            ? new ResponsesStreamInspector(new ResponsesUsageReader(streamEvents: true, responseIdSeen))
            : new ChatStreamInspector(new UsageJsonReader(), callerRequestedUsage);
}
