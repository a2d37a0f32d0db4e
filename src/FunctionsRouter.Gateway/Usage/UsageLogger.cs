using FunctionsRouter.Gateway.Diagnostics;
using Microsoft.Extensions.Logging;

namespace FunctionsRouter.Gateway.Usage;

/// <summary>Writes a usage record as one structured log event (category <c>FunctionsRouter.Usage</c>).</summary>
internal static class UsageLogger
{
    public const string Category = "FunctionsRouter.Usage";

    public static void Log(ILogger logger, UsageRecord r) =>
        GatewayLog.UsageRecorded(logger, r.RequestId, r.Caller, r.Alias, r.Target, r.Deployment, r.Endpoint, r.Operation, r.HttpStatus, r.ErrorCode,
            r.Tokens.PromptTokens, r.Tokens.CompletionTokens, r.Tokens.TotalTokens, r.Tokens.CachedTokens, r.Cost, r.UsageExact, r.Streamed, r.LatencyMs, r.TimeToFirstByteMs, r.UpstreamRequestId);
}
