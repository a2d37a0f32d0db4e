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

    /// <summary>The longest RowKey: a 200-character alias prefix, '|', 19 digits of ticks, '|', 32 hex digits.</summary>
    internal const int MaxRowKeyLength = MaxAliasKeyLength + 1 + 19 + 1 + 32;

    private const int MaxAliasKeyLength = 200;

    public static string PartitionKey(UsageRecord record) => Partition(record).ToString();

    public static string RowKey(UsageRecord record) => AliasKey(record.Alias) + "|" + record.Timestamp.UtcTicks.ToString("D19", CultureInfo.InvariantCulture) + "|" + record.RecordId.ToString("N");

    internal static UsagePartitionKey Partition(UsageRecord record)
    {
        // Record ids are random (version 4 GUIDs): their first byte spreads records evenly over the shards.
        Span<byte> id = stackalloc byte[16];
        record.RecordId.TryWriteBytes(id);
        return new UsagePartitionKey(DateOnly.FromDateTime(record.Timestamp.UtcDateTime), id[0] % ShardCount);
    }

    /// <summary>The alias as its RowKeys begin: lower case, key-safe, at most 200 characters.</summary>
    internal static string AliasKey(string alias) => KeySafe(alias.ToLowerInvariant());

    /// <summary>Writes the RowKey into <paramref name="destination"/> (at least <see cref="MaxRowKeyLength"/> long) without allocating, given <see cref="AliasKey"/> of the record's alias.</summary>
    internal static int FormatRowKey(UsageRecord record, string aliasKey, Span<char> destination)
    {
        aliasKey.CopyTo(destination);
        var length = aliasKey.Length;
        destination[length++] = '|';
        record.Timestamp.UtcTicks.TryFormat(destination[length..], out var written, "D19", CultureInfo.InvariantCulture);
        length += written;
        destination[length++] = '|';
        record.RecordId.TryFormat(destination[length..], out written, "N");
        return length + written;
    }

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
        var builder = new StringBuilder(Math.Min(value.Length, MaxAliasKeyLength));
        foreach (var c in value.AsSpan(0, Math.Min(value.Length, MaxAliasKeyLength)))
        {
            builder.Append(c is '/' or '\\' or '#' or '?' or '|' || char.IsControl(c) ? '_' : c);
        }

        return builder.ToString();
    }
}
