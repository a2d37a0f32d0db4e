namespace FunctionsRouter.Gateway.Usage.Reports;

/// <summary>How a usage report is written (<c>format</c>): JSON (<see cref="UsageReportView"/>) unless CSV is asked for.</summary>
public enum UsageReportFormat
{
    /// <summary>The report as JSON: <see cref="UsageReportJsonContext"/>.</summary>
    Json,

    /// <summary>RFC 4180 CSV with a header row: <see cref="UsageReportCsv"/>.</summary>
    Csv,
}
