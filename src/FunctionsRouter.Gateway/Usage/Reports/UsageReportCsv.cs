using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;

namespace FunctionsRouter.Gateway.Usage.Reports;

/// <summary>
/// A usage report as RFC 4180 CSV (written by CsvHelper: CRLF line ends, a field quoted when it holds a comma, quote or
/// line break, quotes doubled): a header row, then one row per line of the report; no total row, so that every row is a
/// group. The group columns are those of the grouping (<c>day</c>; <c>caller</c>; <c>alias</c>; <c>endpoint</c> and
/// <c>deployment</c>), then the counts, <c>cost</c> (empty when no request of the group had a price) and <c>currency</c>.
/// </summary>
public static class UsageReportCsv
{
    public const string ContentType = "text/csv; charset=utf-8";

    private static readonly CsvConfiguration Configuration = new(CultureInfo.InvariantCulture) { NewLine = "\r\n" };

    public static string Write(UsageReportView report)
    {
        ArgumentNullException.ThrowIfNull(report);
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var csv = new CsvWriter(text, Configuration))
        {
            var groupColumns = GroupColumns(report.GroupBy);
            foreach (var column in groupColumns)
            {
                csv.WriteField(column);
            }

            foreach (var column in new[] { "requests", "errors", "promptTokens", "completionTokens", "totalTokens", "cachedTokens", "pricedRequests", "cost", "currency" })
            {
                csv.WriteField(column);
            }

            csv.NextRecord();
            foreach (var line in report.Lines)
            {
                foreach (var column in groupColumns)
                {
                    csv.WriteField(column switch
                    {
                        "day" => line.Day,
                        "caller" => line.Caller,
                        "alias" => line.Alias,
                        "endpoint" => line.Endpoint,
                        _ => line.Deployment,
                    });
                }

                csv.WriteField(line.Requests);
                csv.WriteField(line.Errors);
                csv.WriteField(line.PromptTokens);
                csv.WriteField(line.CompletionTokens);
                csv.WriteField(line.TotalTokens);
                csv.WriteField(line.CachedTokens);
                csv.WriteField(line.PricedRequests);
                csv.WriteField(line.Cost?.ToString(CultureInfo.InvariantCulture) ?? string.Empty);
                csv.WriteField(report.Currency);
                csv.NextRecord();
            }
        }

        return text.ToString();
    }

    private static string[] GroupColumns(string groupBy) => groupBy switch
    {
        "caller" => ["caller"],
        "alias" => ["alias"],
        "deployment" => ["endpoint", "deployment"],
        _ => ["day"],
    };
}
