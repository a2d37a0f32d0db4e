using System.Globalization;
using System.Text;
using Azure.Data.Tables;

namespace FunctionsRouter.Gateway.Usage;

/// <summary>
/// How a usage record is keyed in its table.
/// <list type="bullet">
/// <item>PartitionKey <c>yyyyMMdd-SS</c>: the UTC day, and a shard <c>00</c>–<c>0f</c> from the record id, so that heavy
/// traffic spreads over <see cref="ShardCount"/> partitions (each serves ~2,000 entities/s) instead of one.</item>
/// <item>RowKey <c>{alias}|{ticks:D19}|{recordId:N}</c>: one alias's day is a RowKey range in each of the day's
/// partitions; the record id makes it unique and makes a retried write an idempotent upsert of the same row.</item>
/// </list>
/// One day of one alias: <c>PartitionKey ge 'yyyyMMdd' and PartitionKey lt 'yyyyMMdd.' and RowKey ge 'alias|' and RowKey lt 'alias}'</c>.
/// One day of one caller: the same PartitionKey range with <c>Caller eq '…'</c>: only that day's partitions are read.
/// </summary>
public static class UsageRecordKeys
{
    public const int ShardCount = 16;

    public static string PartitionKey(UsageRecord record)
    {
        // Record ids are random (version 4 GUIDs): their first byte spreads records evenly over the shards.
        Span<byte> id = stackalloc byte[16];
        record.RecordId.TryWriteBytes(id);
        var shard = id[0] % ShardCount;
        return record.Timestamp.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture) + "-" + shard.ToString("x2", CultureInfo.InvariantCulture);
    }

    public static string RowKey(UsageRecord record) =>
        KeySafe(record.Alias.ToLowerInvariant()) + "|" + record.Timestamp.UtcTicks.ToString("D19", CultureInfo.InvariantCulture) + "|" + record.RecordId.ToString("N");

    /// <summary>The filter for one UTC day of one alias (across all shards).</summary>
    public static string AliasDayFilter(DateOnly day, string alias)
    {
        var prefix = KeySafe(alias.ToLowerInvariant());
        return TableClient.CreateQueryFilter($"PartitionKey ge {DayText(day)} and PartitionKey lt {DayText(day) + "."} and RowKey ge {prefix + "|"} and RowKey lt {prefix + "}"}");
    }

    /// <summary>The filter for one UTC day of one caller (across all shards).</summary>
    public static string CallerDayFilter(DateOnly day, string caller) =>
        TableClient.CreateQueryFilter($"PartitionKey ge {DayText(day)} and PartitionKey lt {DayText(day) + "."} and Caller eq {caller}");

    private static string DayText(DateOnly day) => day.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    /// <summary>Keys may not hold / \ # ? or control characters, and are at most 1 KiB: alias text is made to fit.</summary>
    private static string KeySafe(string value)
    {
        var builder = new StringBuilder(Math.Min(value.Length, 200));
        foreach (var c in value.AsSpan(0, Math.Min(value.Length, 200)))
        {
            builder.Append(c is '/' or '\\' or '#' or '?' or '|' || char.IsControl(c) ? '_' : c);
        }

        return builder.ToString();
    }
}
