using Microsoft.Extensions.Logging;

namespace FunctionsRouter.Gateway.Responses;

/// <summary>The response-affinity store's log events (ids never carry a prompt or a key).</summary>
internal static partial class ResponseAffinityLog
{
    [LoggerMessage(6001, LogLevel.Warning, "Response affinity for {ResponseId} could not be written after {Attempts} attempts; only this instance knows where it lives.")]
    public static partial void WriteFailed(ILogger logger, string responseId, int attempts, Exception? exception);

    [LoggerMessage(6003, LogLevel.Warning, "The response affinity queue is full; {ResponseId} is remembered by this instance only.")]
    public static partial void QueueFull(ILogger logger, string responseId);
}
