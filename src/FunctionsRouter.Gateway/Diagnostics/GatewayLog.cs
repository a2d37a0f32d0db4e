using Microsoft.Extensions.Logging;

namespace FunctionsRouter.Gateway.Diagnostics;

/// <summary>
/// Every log event of the gateway, source-generated. Never a prompt, a completion or a key: only names, counts and codes.
/// Nothing here is logged per request at Information on the request path (the usage writer logs records off it).
/// </summary>
internal static partial class GatewayLog
{
    [LoggerMessage(1001, LogLevel.Information, "Alias catalog read from table {Table}: {AliasCount} aliases, {SkippedRows} rows skipped, {ElapsedMs} ms.")]
    public static partial void AliasCatalogLoaded(ILogger logger, string table, int aliasCount, int skippedRows, double elapsedMs);

    [LoggerMessage(1002, LogLevel.Warning, "Alias row {Alias}/{Target} skipped: {Problem}.")]
    public static partial void AliasRowSkipped(ILogger logger, string alias, string target, string problem);

    [LoggerMessage(2001, LogLevel.Warning, "Upstream attempt failed: alias {Alias}, target {Target}, deployment {Deployment}, endpoint {Endpoint}, status {Status}, reason {Reason}.")]
    public static partial void UpstreamAttemptFailed(ILogger logger, string alias, string target, string deployment, string endpoint, int status, string reason, Exception? exception);

    [LoggerMessage(2002, LogLevel.Warning, "Upstream stream failed after the response started: alias {Alias}, deployment {Deployment}, reason {Reason}.")]
    public static partial void UpstreamStreamFailed(ILogger logger, string alias, string deployment, string reason, Exception? exception);

    [LoggerMessage(2003, LogLevel.Warning, "Deployment {Endpoint}/{Deployment} out of rotation for {Seconds} s: {Reason}.")]
    public static partial void DeploymentCoolingDown(ILogger logger, string endpoint, string deployment, string reason, double seconds);

    [LoggerMessage(2004, LogLevel.Warning, "Health table {Table} could not be read; other instances' cooldowns are not seen until it can be.")]
    public static partial void DeploymentHealthReadFailed(ILogger logger, string table, Exception exception);

    [LoggerMessage(2005, LogLevel.Warning, "Health table {Table} could not be written for {Endpoint}/{Deployment}; the cooldown holds on this instance only.")]
    public static partial void DeploymentHealthWriteFailed(ILogger logger, string table, string endpoint, string deployment, Exception exception);

    [LoggerMessage(2006, LogLevel.Debug, "All deployments of alias {Alias} are cooling down; answered 429 with Retry-After {RetryAfterSeconds} s after {Attempts} attempts.")]
    public static partial void AllDeploymentsBusy(ILogger logger, string alias, int retryAfterSeconds, int attempts);

    [LoggerMessage(2007, LogLevel.Information, "Deployment {Endpoint}/{Deployment} back in rotation: a probe through its open circuit was answered.")]
    public static partial void DeploymentCircuitClosed(ILogger logger, string endpoint, string deployment);

    [LoggerMessage(2008, LogLevel.Warning, "No Microsoft Entra ID token for the upstream could be fetched; an unexpired token is held and still sent: {StillHeld}.")]
    public static partial void UpstreamTokenUnavailable(ILogger logger, bool stillHeld, Exception exception);

    // 3001 UsageRecorded: Usage/UsageLogger.cs (hand-written: its message names fewer fields than it carries).
    [LoggerMessage(3002, LogLevel.Error, "Usage queue full ({CapacityBytes} bytes); record {RequestId} for alias {Alias} not queued for the table ({Dropped} dropped so far). It is in this log.")]
    public static partial void UsageQueueFull(ILogger logger, long capacityBytes, string requestId, string alias, long dropped);

    [LoggerMessage(3003, LogLevel.Warning, "Usage batch of {Count} records to partition {Partition} failed (attempt {Attempt}); retrying in {DelayMs} ms.")]
    public static partial void UsageWriteRetry(ILogger logger, int count, string partition, int attempt, double delayMs, Exception exception);

    [LoggerMessage(3004, LogLevel.Error, "Usage record for partition {Partition} refused by the table (status {Status}); it remains in this log only.")]
    public static partial void UsageWriteRefused(ILogger logger, string partition, int status, Exception exception);

    [LoggerMessage(3005, LogLevel.Warning, "Usage writer stopped with {Count} records unwritten: shutdown ran out of time.")]
    public static partial void UsageShutdownIncomplete(ILogger logger, int count);

    [LoggerMessage(3006, LogLevel.Warning, "Usage rollup merge of {Groups} groups failed (attempt {Attempt}); retrying in {DelayMs} ms. Reports lag until it lands.")]
    public static partial void UsageRollupRetry(ILogger logger, int groups, int attempt, double delayMs, Exception? exception);

    [LoggerMessage(3007, LogLevel.Error, "Usage rollup row {Partition}/{Row} refused by the table (status {Status}); its {Requests} requests are in the usage rows but not in reports.")]
    public static partial void UsageRollupRefused(ILogger logger, string partition, string row, int status, long requests, Exception exception);

    [LoggerMessage(3008, LogLevel.Warning, "Usage rollup stopped with {Requests} requests not merged: shutdown ran out of time. They are in the usage rows but not in reports.")]
    public static partial void UsageRollupShutdownIncomplete(ILogger logger, long requests);

    [LoggerMessage(3009, LogLevel.Error, "Usage rollup holds {Groups} unmerged groups, its bound: a request of caller {Caller} alias {Alias} is in the usage rows but not in reports.")]
    public static partial void UsageRollupFull(ILogger logger, int groups, string caller, string alias);

    [LoggerMessage(3010, LogLevel.Warning, "A control-table call {Outcome} ({ElapsedMs} ms): the usage ledger, which shares their storage account, sends one call at a time until a control call answers within a second.")]
    public static partial void ControlTablesStrained(ILogger logger, string outcome, double elapsedMs);

    [LoggerMessage(3011, LogLevel.Information, "Control tables answer again ({ElapsedMs} ms): the usage ledger writes at full pace.")]
    public static partial void ControlTablesRecovered(ILogger logger, double elapsedMs);

    [LoggerMessage(4001, LogLevel.Warning, "Request refused: {ErrorCode} for {Who} on {Path}.")]
    public static partial void CallerRefused(ILogger logger, string errorCode, string who, string path);

    [LoggerMessage(4002, LogLevel.Warning, "Caller table row {Partition}/{Row} skipped: {Problem}.")]
    public static partial void CallerRowSkipped(ILogger logger, string partition, string row, string problem);

    [LoggerMessage(4003, LogLevel.Warning, "A table read for a cached {What} failed; a value is held and served: {HasCached}.")]
    public static partial void CachedReadFailed(ILogger logger, string what, bool hasCached, Exception exception);

    [LoggerMessage(4004, LogLevel.Warning, "Token issuer metadata {Address} could not be read; keys cached: {HasCached}.")]
    public static partial void TokenKeysUnavailable(ILogger logger, string address, bool hasCached, Exception exception);

    [LoggerMessage(4005, LogLevel.Information, "Admin call by {Caller}: {Method} {Path}.")]
    public static partial void AdminCallAdmitted(ILogger logger, string caller, string method, string path);
}
