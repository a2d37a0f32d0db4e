using System.Globalization;
using System.Text;
using FunctionsRouter.Cli.CommandLine;
using FunctionsRouter.Gateway.Usage.Reports;

namespace FunctionsRouter.Cli.Usage;

/// <summary>
/// How <c>usage report</c> prints the gateway's <see cref="UsageReportView"/>: aligned readable lines, the CSV of
/// <see cref="UsageReportCsv"/> with <c>--format csv</c>, or the JSON the <c>/api/manage/usage</c> route answers.
/// </summary>
internal static class UsageOutputs
{
    public static CommandOutput Report(UsageReportView report, UsageReportFormat format) =>
        CommandOutput.Create(report, UsageReportJsonContext.Default.UsageReportView, format == UsageReportFormat.Csv ? UsageReportCsv.Write(report).TrimEnd('\r', '\n') : Text(report));

    private static string Text(UsageReportView report)
    {
        var heading = $"Usage from {report.From} to {report.To} (not included), by {report.GroupBy}" +
            (report.Caller is null ? string.Empty : $", caller {report.Caller}") +
            (report.Alias is null ? string.Empty : $", alias {report.Alias}") +
            $"; cost in {report.Currency}.";
        if (report.Lines.Count == 0)
        {
            return heading + Environment.NewLine + "No usage in this range.";
        }

        string[] header = [report.GroupBy, "requests", "errors", "prompt", "completion", "total", "cost"];
        var rows = report.Lines.Select(line => Cells(GroupOf(line, report.GroupBy), line)).Append(Cells("total", report.Total)).ToList();
        var widths = header.Select((h, i) => rows.Max(r => r[i].Length) is var w && w > h.Length ? w : h.Length).ToArray();
        var text = new StringBuilder(heading).AppendLine();
        foreach (var row in rows.Prepend(header))
        {
            text.AppendLine(string.Join("  ", row.Select((cell, i) => i == 0 ? cell.PadRight(widths[i]) : cell.PadLeft(widths[i]))).TrimEnd());
        }

        return text.ToString().TrimEnd();
    }

    private static string GroupOf(UsageReportLine line, string groupBy) => groupBy switch
    {
        "caller" => line.Caller!,
        "alias" => line.Alias!,
        "deployment" => string.IsNullOrEmpty(line.Deployment) ? "(none)" : line.Endpoint + "/" + line.Deployment,
        _ => line.Day!,
    };

    private static string[] Cells(string group, UsageReportLine line) =>
    [
        group,
        Number(line.Requests),
        Number(line.Errors),
        Number(line.PromptTokens),
        Number(line.CompletionTokens),
        Number(line.TotalTokens),
        line.Cost is { } cost
            ? cost.ToString("0.00####", CultureInfo.InvariantCulture) + (line.PricedRequests < line.Requests ? $" ({line.PricedRequests} priced)" : string.Empty)
            : "-",
    ];

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}
