using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace FunctionsRouter.Gateway.Usage;

/// <summary>
/// One cell of the usage rollup (table <c>Router__UsageRollupTable</c>, default <c>UsageRollup</c>): a caller's requests
/// to one alias served by one deployment on one UTC day.
/// <list type="bullet">
/// <item>PartitionKey <c>yyyyMMdd</c>, the UTC day: a report is bounded by a day range (at most 92 days), so it reads at
/// most that many partitions, each holding one row per caller × alias × deployment seen that day (hundreds, not the
/// day's millions of usage rows).</item>
/// <item>RowKey <c>{caller}|{alias}|{endpoint}|{deployment}</c>, each part escaped (<c>%XX</c> for <c>/ \ # ? | %</c> and
/// control characters, so distinct values never share a key) and cut to <see cref="MaxPartLength"/> with a hash of the
/// whole when longer. Endpoint and deployment are empty for a request that reached none (unknown alias, all busy).</item>
/// </list>
/// One caller's days: <c>PartitionKey ge 'from' and PartitionKey lt 'to' and RowKey ge '{caller}|' and RowKey lt '{caller}}'</c>.
/// One alias's days: the same PartitionKey range with <c>Alias eq '…'</c>; only the range's partitions are read.
/// Grouping by day, caller, alias or deployment is done on the rows read, never on the usage table.
/// </summary>
internal readonly record struct UsageRollupKey(DateOnly Day, string Caller, string Alias, string Endpoint, string Deployment)
{
    internal const int MaxPartLength = 240;

    public static UsageRollupKey Of(UsageRecord record) => new(
        DateOnly.FromDateTime(record.Timestamp.UtcDateTime), record.Caller, record.Alias, record.Endpoint ?? string.Empty, record.Deployment ?? string.Empty);

    public string PartitionKey => DayKey(Day);

    public string RowKey => Part(Caller) + "|" + Part(Alias) + "|" + Part(Endpoint) + "|" + Part(Deployment);

    public static string DayKey(DateOnly day) => day.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    /// <summary>The RowKey prefix of every row of a caller; the range ends before <c>prefix[..^1] + '}'</c>.</summary>
    public static string CallerPrefix(string caller) => Part(caller) + "|";

    /// <summary>A key part: escaped so that no two values share it, and cut to fit a key with a hash of the whole.</summary>
    internal static string Part(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            if (c is '/' or '\\' or '#' or '?' or '|' or '%' || char.IsControl(c))
            {
                builder.Append('%').Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }

        if (builder.Length <= MaxPartLength)
        {
            return builder.ToString();
        }

        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(value)).AsSpan(0, 8));
        return builder.ToString(0, MaxPartLength - hash.Length - 1) + "~" + hash;
    }
}
