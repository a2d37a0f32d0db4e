using System.Globalization;
using Azure.Data.Tables;
using FunctionsRouter.Gateway.Configuration;
using FunctionsRouter.Gateway.Tests.Support;
using FunctionsRouter.Gateway.Usage;
using FunctionsRouter.Testing;

namespace FunctionsRouter.Gateway.Tests.Usage;

/// <summary>Records for the ledger's tests, the clients to write and read them, and the check that a row equals its record.</summary>
internal static class UsageTestRecords
{
    public static readonly DateTimeOffset Day = DateTimeOffset.Parse("2026-11-24T10:00:00Z", CultureInfo.InvariantCulture);

    public static UsageRecord Minimal(string requestId, string alias = "alpha", DateTimeOffset? at = null, Guid? id = null) => new()
    {
        RecordId = id ?? Guid.NewGuid(),
        Timestamp = at ?? Day,
        RequestId = requestId,
        Caller = "anonymous",
        Alias = alias,
        Operation = "chat.completions",
        HttpStatus = 200,
        Tokens = new TokenUsage(3, 4, 7),
    };

    /// <summary>Every column set, with values that test types: an integral latency (still a double), a non-UTC time.</summary>
    public static UsageRecord Full(string requestId, string alias = "Chat-Default") => new()
    {
        RecordId = Guid.NewGuid(),
        Timestamp = new DateTimeOffset(2026, 11, 24, 23, 30, 15, 123, TimeSpan.FromHours(-5)).AddTicks(4567),
        RequestId = requestId,
        Caller = "key:team-a",
        Alias = alias,
        Operation = "chat.completions",
        Target = "primary",
        Deployment = "gpt-4o-mini",
        Endpoint = "default",
        HttpStatus = 502,
        ErrorCode = "upstream_error",
        Tokens = new TokenUsage(91, 27, 118) { CachedTokens = 64, ReasoningTokens = 12 },
        Cost = 0.000347125m,
        UsageExact = false,
        Streamed = true,
        LatencyMs = 812,
        TimeToFirstByteMs = 143.4567,
        UpstreamRequestId = "5d0f1a3c-1c8e-4f7a-9a51-0e0f3f3b9e21",
        Attempts = 2,
    };

    /// <summary>A record id whose shard is <paramref name="shard"/>, so that tests can fill one partition.</summary>
    public static Guid IdInShard(int shard)
    {
        while (true)
        {
            var id = Guid.NewGuid();
            if (UsageRecordKeys.Partition(Minimal("x", id: id)).Shard == shard)
            {
                return id;
            }
        }
    }

    public static UsageTableClient Client(AzuriteFixture azurite, string table, ScriptedTableTransport? transport = null, TimeSpan? tryTimeout = null) =>
        UsageTableClient.Create(new TableStorageLocation(azurite.ConnectionString, null), table, () => throw new InvalidOperationException("Shared Key only."), transport, tryTimeout);

    public static async Task<List<TableEntity>> ReadAllAsync(TableClient table)
    {
        var rows = new List<TableEntity>();
        try
        {
            await foreach (var row in table.QueryAsync<TableEntity>())
            {
                rows.Add(row);
            }
        }
        catch (Azure.RequestFailedException ex) when (ex.Status == 404)
        {
            // Not created yet: no row.
        }

        return rows;
    }

    /// <summary>The row holds every field of the record, with the type Azure.Data.Tables gives it, and nothing else.</summary>
    public static void AssertRowEquals(UsageRecord r, TableEntity row)
    {
        Assert.Equal(UsageRecordKeys.PartitionKey(r), row.PartitionKey);
        Assert.Equal(UsageRecordKeys.RowKey(r), row.RowKey);
        var expected = new Dictionary<string, object?>
        {
            ["RequestTime"] = r.Timestamp.ToUniversalTime(),
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
            ["Target"] = r.Target,
            ["Deployment"] = r.Deployment,
            ["Endpoint"] = r.Endpoint,
            ["ErrorCode"] = r.ErrorCode,
            ["UpstreamRequestId"] = r.UpstreamRequestId,
            ["PromptTokens"] = r.Tokens.PromptTokens,
            ["CompletionTokens"] = r.Tokens.CompletionTokens,
            ["TotalTokens"] = r.Tokens.TotalTokens,
            ["CachedTokens"] = r.Tokens.CachedTokens,
            ["ReasoningTokens"] = r.Tokens.ReasoningTokens,
            ["TimeToFirstByteMs"] = r.TimeToFirstByteMs is { } t ? Math.Round(t, 3) : null,
            ["Cost"] = r.Cost is { } cost ? (double)cost : null,
        };
        var present = expected.Where(p => p.Value is not null).ToDictionary();
        var actual = row.Keys.Where(k => k is not ("PartitionKey" or "RowKey" or "Timestamp" or "odata.etag")).ToDictionary(k => k, k => row[k]);
        Assert.Equal(present.Keys.Order(StringComparer.Ordinal), actual.Keys.Order(StringComparer.Ordinal));
        foreach (var (column, value) in present)
        {
            Assert.Equal(value!.GetType(), actual[column]!.GetType());
            Assert.Equal(value, actual[column]);
        }
    }
}
