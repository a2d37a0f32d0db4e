using Azure.Data.Tables;

namespace FunctionsRouter.Gateway.Usage;

/// <summary>The table row of a <see cref="UsageRecord"/>: one column per field, numbers as numbers.</summary>
internal static class UsageEntity
{
    public static TableEntity From(UsageRecord r)
    {
        var entity = new TableEntity(UsageRecordKeys.PartitionKey(r), UsageRecordKeys.RowKey(r))
        {
            ["RequestTime"] = r.Timestamp,
            ["RecordId"] = r.RecordId,
            ["RequestId"] = r.RequestId,
            ["Caller"] = r.Caller,
            ["Alias"] = r.Alias,
            ["Operation"] = r.Operation,
            ["HttpStatus"] = r.HttpStatus,
            ["Streamed"] = r.Streamed,
            ["UsageExact"] = r.UsageExact,
            ["LatencyMs"] = Math.Round(r.LatencyMs, 3),
            ["Attempts"] = r.Attempts,
        };
        Set(entity, "Target", r.Target);
        Set(entity, "Deployment", r.Deployment);
        Set(entity, "Endpoint", r.Endpoint);
        Set(entity, "ErrorCode", r.ErrorCode);
        Set(entity, "UpstreamRequestId", r.UpstreamRequestId);
        Set(entity, "PromptTokens", r.Tokens.PromptTokens);
        Set(entity, "CompletionTokens", r.Tokens.CompletionTokens);
        Set(entity, "TotalTokens", r.Tokens.TotalTokens);
        Set(entity, "CachedTokens", r.Tokens.CachedTokens);
        Set(entity, "ReasoningTokens", r.Tokens.ReasoningTokens);
        Set(entity, "TimeToFirstByteMs", r.TimeToFirstByteMs is { } ttfb ? Math.Round(ttfb, 3) : null);
        return entity;
    }

    private static void Set(TableEntity entity, string column, object? value)
    {
        if (value is not null)
        {
            entity[column] = value;
        }
    }
}
