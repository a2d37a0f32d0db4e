using Microsoft.Extensions.Logging;

namespace FunctionsRouter.Gateway.Management;

/// <summary>The management surfaces' log events (8xxx). Ids and names only: never a key, a hash or a token.</summary>
internal static partial class ManagementLog
{
    [LoggerMessage(8001, LogLevel.Warning, "The key of new caller {CallerId} could not be stored, and its caller row could not be removed either; it admits nobody. Remove it with `callers delete {CallerId}`.")]
    public static partial void KeylessCallerLeft(ILogger logger, string callerId);

    [LoggerMessage(8002, LogLevel.Error, "Audit entry for {Entity} ({Action} by {Caller}, request {RequestId}) could not be written; the change itself was made.")]
    public static partial void AuditWriteFailed(ILogger logger, string entity, string action, string caller, string requestId, Exception exception);

    [LoggerMessage(8003, LogLevel.Warning, "Management call {Method} {Path} by {Caller} failed on Table Storage; answered 503.")]
    public static partial void StoreFailed(ILogger logger, string method, string path, string caller, Exception exception);
}
