using Microsoft.Extensions.Logging;

namespace FunctionsRouter.Gateway.Management;

/// <summary>The management surfaces' log events (8xxx). Ids and names only: never a key, a hash or a token.</summary>
internal static partial class ManagementLog
{
    [LoggerMessage(8001, LogLevel.Warning, "The key of new caller {CallerId} could not be stored, and its caller row could not be removed either; it admits nobody. Remove it with `callers delete {CallerId}`.")]
    public static partial void KeylessCallerLeft(ILogger logger, string callerId);
}
