using System.Globalization;
using System.Text.Json;

namespace FunctionsRouter.Gateway.Usage;

/// <summary>
/// A rollup cell as the Table service's JSON: its key's values as columns (<c>Day</c>, <c>Caller</c>, <c>Alias</c>,
/// <c>Endpoint</c>, <c>Deployment</c>), the counts as <c>Edm.Int64</c>, <c>Cost</c> as <c>Edm.Double</c> for people
/// reading the table (reports sum the exact <c>CostNanos</c>), <c>Currency</c>, and <c>AppliedFlushes</c>: the ids of the
/// last <see cref="MaxAppliedFlushes"/> merges into it, which make a retried merge a no-op.
/// </summary>
internal static class UsageRollupRow
{
    /// <summary>How many merge ids a cell remembers (33 bytes each).</summary>
    internal const int MaxAppliedFlushes = 256;

    public const string DayColumn = "Day";
    public const string CallerColumn = "Caller";
    public const string AliasColumn = "Alias";
    public const string EndpointColumn = "Endpoint";
    public const string DeploymentColumn = "Deployment";
    public const string CurrencyColumn = "Currency";
    public const string RequestsColumn = "Requests";
    public const string ErrorsColumn = "Errors";
    public const string PromptTokensColumn = "PromptTokens";
    public const string CompletionTokensColumn = "CompletionTokens";
    public const string TotalTokensColumn = "TotalTokens";
    public const string CachedTokensColumn = "CachedTokens";
    public const string PricedRequestsColumn = "PricedRequests";
    public const string CostNanosColumn = "CostNanos";
    public const string CostColumn = "Cost";
    public const string AppliedFlushesColumn = "AppliedFlushes";

    /// <summary>Reads the counts and merge ids of a cell as <see cref="UsageTableClient.GetEntityAsync"/> returned it.</summary>
    public static (UsageRollupCounts Counts, string Applied) Read(JsonElement row)
    {
        var counts = new UsageRollupCounts
        {
            Requests = Int64(row, RequestsColumn),
            Errors = Int64(row, ErrorsColumn),
            PromptTokens = Int64(row, PromptTokensColumn),
            CompletionTokens = Int64(row, CompletionTokensColumn),
            TotalTokens = Int64(row, TotalTokensColumn),
            CachedTokens = Int64(row, CachedTokensColumn),
            PricedRequests = Int64(row, PricedRequestsColumn),
            CostNanos = Int64(row, CostNanosColumn),
        };
        var applied = row.TryGetProperty(AppliedFlushesColumn, out var a) && a.ValueKind == JsonValueKind.String ? a.GetString()! : string.Empty;
        return (counts, applied);
    }

    /// <summary>Whether the merge <paramref name="flushId"/> is among <paramref name="applied"/>.</summary>
    public static bool HasApplied(string applied, string flushId)
    {
        foreach (var range in applied.AsSpan().Split(' '))
        {
            if (applied.AsSpan()[range].SequenceEqual(flushId))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary><paramref name="applied"/> with <paramref name="flushId"/> added last, the oldest dropped beyond <see cref="MaxAppliedFlushes"/>.</summary>
    public static string AddApplied(string applied, string flushId)
    {
        var ids = applied.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var kept = ids.Length >= MaxAppliedFlushes ? ids[(ids.Length - MaxAppliedFlushes + 1)..] : ids;
        return kept.Length == 0 ? flushId : string.Join(' ', kept) + " " + flushId;
    }

    public static byte[] Write(UsageRollupKey key, in UsageRollupCounts counts, string currency, string applied)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(1024 + applied.Length);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("PartitionKey"u8, key.PartitionKey);
            json.WriteString("RowKey"u8, key.RowKey);
            json.WriteString(DayColumn, key.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            json.WriteString(CallerColumn, key.Caller);
            json.WriteString(AliasColumn, key.Alias);
            json.WriteString(EndpointColumn, key.Endpoint);
            json.WriteString(DeploymentColumn, key.Deployment);
            json.WriteString(CurrencyColumn, currency);
            Int64(json, RequestsColumn, counts.Requests);
            Int64(json, ErrorsColumn, counts.Errors);
            Int64(json, PromptTokensColumn, counts.PromptTokens);
            Int64(json, CompletionTokensColumn, counts.CompletionTokens);
            Int64(json, TotalTokensColumn, counts.TotalTokens);
            Int64(json, CachedTokensColumn, counts.CachedTokens);
            Int64(json, PricedRequestsColumn, counts.PricedRequests);
            Int64(json, CostNanosColumn, counts.CostNanos);
            json.WriteString(CostColumn + "@odata.type", "Edm.Double");
            json.WriteNumber(CostColumn, (double)counts.Cost);
            json.WriteString(AppliedFlushesColumn, applied);
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Int64 travels as a string with its type annotated; read leniently (a hand-edited cell may hold an Int32).</summary>
    private static long Int64(JsonElement row, string column)
    {
        if (!row.TryGetProperty(column, out var value))
        {
            return 0;
        }

        return value.ValueKind switch
        {
            JsonValueKind.Number when value.TryGetInt64(out var n) => n,
            JsonValueKind.String when long.TryParse(value.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) => n,
            _ => 0,
        };
    }

    private static void Int64(Utf8JsonWriter json, string column, long value)
    {
        json.WriteString(column + "@odata.type", "Edm.Int64");
        json.WriteString(column, value.ToString(CultureInfo.InvariantCulture));
    }
}
