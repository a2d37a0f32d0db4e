using Microsoft.Extensions.Logging;

namespace FunctionsRouter.Gateway.Limits;

/// <summary>The limits stage's log events (9xxx). Caller ids and limit names only: never a key or prompt text.</summary>
internal static partial class LimitLog
{
    [LoggerMessage(9001, LogLevel.Warning, "Request refused: {ErrorCode} for {Caller} ({Limit} {Value}, alias limit {Alias}); retry after {RetryAfterSeconds} s.")]
    public static partial void Limited(ILogger logger, string errorCode, string caller, LimitKind limit, long value, string? alias, long retryAfterSeconds);

    [LoggerMessage(9002, LogLevel.Warning, "Limit counts could not be exchanged with table {Table} for {Failed} of {Total} counters; deciding on this instance's counts until it can.")]
    public static partial void SyncFailed(ILogger logger, string table, int failed, int total, Exception? exception);

    [LoggerMessage(9003, LogLevel.Information, "Limit counts exchanged with table {Table} again after a failure.")]
    public static partial void SyncRecovered(ILogger logger, string table);
}
