using System.Globalization;
using FunctionsRouter.Gateway.Errors;
using FunctionsRouter.Gateway.Management;

namespace FunctionsRouter.Gateway.Usage.Reports;

/// <summary>
/// What a usage report covers: UTC days from <see cref="From"/> up to, not including, <see cref="To"/> (at most
/// <see cref="MaxDays"/>), optionally one caller and/or one alias, grouped by <see cref="GroupBy"/>, written as <see cref="Format"/>.
/// </summary>
public sealed record UsageReportQuery(DateOnly From, DateOnly To, string? Caller, string? Alias, UsageReportGrouping GroupBy, UsageReportFormat Format = UsageReportFormat.Json)
{
    /// <summary>The longest range a report reads: about a quarter, 92 partitions of the rollup.</summary>
    public const int MaxDays = 92;

    private const int MaxNameLength = 512;

    /// <summary>The names <c>groupBy</c> takes, as the HTTP route and the command line spell them.</summary>
    public static IReadOnlyList<string> GroupingNames { get; } = ["day", "caller", "alias", "deployment"];

    public int Days => To.DayNumber - From.DayNumber;

    /// <summary>
    /// Reads a query as the HTTP route and the command line receive it; throws <see cref="ManagementException"/>
    /// (<see cref="GatewayErrorCode.InvalidUsageQuery"/>, 400) naming every problem at once.
    /// </summary>
    /// <param name="from">The first UTC day, <c>yyyy-MM-dd</c>.</param>
    /// <param name="to">The UTC day after the last, <c>yyyy-MM-dd</c> (exclusive).</param>
    /// <param name="caller">Only this caller id, when given.</param>
    /// <param name="alias">Only this alias (any case), when given.</param>
    /// <param name="groupBy"><c>day</c> (when not given), <c>caller</c>, <c>alias</c> or <c>deployment</c>.</param>
    /// <param name="format"><c>json</c> (when not given) or <c>csv</c>.</param>
    public static UsageReportQuery Parse(string? from, string? to, string? caller, string? alias, string? groupBy, string? format = null)
    {
        var problems = new List<string>();
        var start = ReadDay(from, "from", problems);
        var end = ReadDay(to, "to", problems);
        if (start is { } s && end is { } e)
        {
            if (e <= s)
            {
                problems.Add($"'to' ({e:yyyy-MM-dd}) must be after 'from' ({s:yyyy-MM-dd}): 'to' is the first day not included.");
            }
            else if (e.DayNumber - s.DayNumber > MaxDays)
            {
                problems.Add($"The range from {s:yyyy-MM-dd} to {e:yyyy-MM-dd} is {e.DayNumber - s.DayNumber} days; a report covers at most {MaxDays}.");
            }
        }

        var grouping = UsageReportGrouping.Day;
        if (!string.IsNullOrEmpty(groupBy) && !TryParseGrouping(groupBy, out grouping))
        {
            problems.Add($"'groupBy' must be one of {string.Join(", ", GroupingNames)}; got '{Shorten(groupBy)}'.");
        }

        var output = format?.Trim().ToLowerInvariant() switch
        {
            null or "" or "json" => UsageReportFormat.Json,
            "csv" => UsageReportFormat.Csv,
            _ => (UsageReportFormat?)null,
        };
        if (output is null)
        {
            problems.Add($"'format' must be json or csv; got '{Shorten(format!)}'.");
        }

        var callerId = ReadName(caller, "caller", problems);
        var aliasName = ReadName(alias, "alias", problems);
        if (problems.Count > 0)
        {
            throw new ManagementException(GatewayErrorCode.InvalidUsageQuery, string.Join(" ", problems), problems.Count == 1 ? ParamOf(problems[0]) : null);
        }

        return new UsageReportQuery(start!.Value, end!.Value, callerId, aliasName, grouping, output!.Value);
    }

    public static bool TryParseGrouping(string text, out UsageReportGrouping grouping)
    {
        var index = GroupingNames.ToList().FindIndex(n => n.Equals(text.Trim(), StringComparison.OrdinalIgnoreCase));
        grouping = index < 0 ? UsageReportGrouping.Day : (UsageReportGrouping)index;
        return index >= 0;
    }

    public static string NameOf(UsageReportGrouping grouping) => GroupingNames[(int)grouping];

    private static DateOnly? ReadDay(string? text, string name, List<string> problems)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            problems.Add($"'{name}' is missing: give a UTC day as yyyy-MM-dd.");
            return null;
        }

        if (DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return day;
        }

        problems.Add($"'{name}' must be a UTC day as yyyy-MM-dd; got '{Shorten(text)}'.");
        return null;
    }

    private static string? ReadName(string? text, string name, List<string> problems)
    {
        if (text is null)
        {
            return null;
        }

        var trimmed = text.Trim();
        if (trimmed.Length is 0 or > MaxNameLength || trimmed.Any(char.IsControl))
        {
            problems.Add($"'{name}' must be 1 to {MaxNameLength} printable characters when given.");
            return null;
        }

        return trimmed;
    }

    private static string? ParamOf(string problem) => problem.StartsWith('\'') ? problem[1..problem.IndexOf('\'', 1)] : null;

    private static string Shorten(string text) => text.Length <= 64 ? text : text[..64] + "…";
}
