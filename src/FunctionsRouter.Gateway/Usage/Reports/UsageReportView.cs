namespace FunctionsRouter.Gateway.Usage.Reports;

/// <summary>
/// A usage report as the HTTP route and the command line's <c>--json</c> give it: what it covers, the currency of its
/// costs, one line per group (ordered by the group's key), and the total over every line.
/// </summary>
public sealed record UsageReportView(
    string From,
    string To,
    string GroupBy,
    string? Caller,
    string? Alias,
    string Currency,
    IReadOnlyList<UsageReportLine> Lines,
    UsageReportLine Total);
