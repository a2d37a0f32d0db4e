using System.Globalization;

namespace FunctionsRouter.Gateway.Limits;

/// <summary>
/// The shared count table's layout (<c>Router__Limits__CountTable</c>, default <c>CallerUsageCounts</c>):
/// <list type="bullet">
/// <item>PartitionKey = the count key (<c>key:&lt;id&gt;</c>, <c>entra:&lt;oid&gt;</c>, <c>role-&lt;role&gt;|entra:&lt;oid&gt;</c>):
/// one partition per caller, so a sync reads all of a counter's rows with one query.</item>
/// <item>RowKey = scope <c>|</c> slot: scope <c>*</c> for all of the caller's requests or <c>a:&lt;alias&gt;</c>
/// (lower-cased, URL-escaped) for one alias; slot <c>m0</c>–<c>m3</c> (minute mod 4), <c>d0</c>/<c>d1</c> (UTC day mod 2),
/// <c>M0</c>/<c>M1</c> (month mod 2). Slots are reused: a row whose <c>Index</c> is older than the period written is
/// replaced, so a caller never has more than eight rows per scope and nothing needs deleting.</item>
/// <item>Columns: <c>Index</c> (the minute, day or month number), <c>Period</c> (the same, readable), <c>Requests</c>,
/// <c>Tokens</c>: the totals of every instance. Instances add to them with read-modify-write under <c>If-Match</c>, so
/// no increment is lost to a concurrent writer.</item>
/// </list>
/// </summary>
internal static class LimitCountKeys
{
    public const string IndexColumn = "Index";
    public const string PeriodColumn = "Period";
    public const string RequestsColumn = "Requests";
    public const string TokensColumn = "Tokens";

    private const string OwnScope = "*";

    public static string Scope(string? alias) => alias is null ? OwnScope : "a:" + Uri.EscapeDataString(alias);

    /// <summary>The first RowKey of a scope's rows, and the first after them, for a range query.</summary>
    public static (string From, string To) ScopeRange(string scope) => (scope + "|", scope + "}");

    public static string RowKey(string scope, LimitBucketKind kind, long index) => scope + "|" + Slot(kind, index);

    public static string Slot(LimitBucketKind kind, long index) => kind switch
    {
        LimitBucketKind.Minute or LimitBucketKind.PreviousMinute => "m" + (index % 4).ToString(CultureInfo.InvariantCulture),
        LimitBucketKind.Day => "d" + (index % 2).ToString(CultureInfo.InvariantCulture),
        _ => "M" + (index % 2).ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>The period in a readable form: <c>2026-12-04T09:15Z</c>, <c>2026-12-04</c>, <c>2026-12</c>.</summary>
    public static string Period(LimitBucketKind kind, long index) => kind switch
    {
        LimitBucketKind.Minute or LimitBucketKind.PreviousMinute => DateTimeOffset.FromUnixTimeMilliseconds(index * LimitWindows.MinuteMs).ToString("yyyy-MM-dd'T'HH:mm'Z'", CultureInfo.InvariantCulture),
        LimitBucketKind.Day => DateTimeOffset.FromUnixTimeMilliseconds(index * 86_400_000).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        _ => string.Create(CultureInfo.InvariantCulture, $"{index / 12:0000}-{(index % 12) + 1:00}"),
    };
}
