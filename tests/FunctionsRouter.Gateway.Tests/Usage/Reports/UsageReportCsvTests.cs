using System.Globalization;
using CsvHelper;
using FunctionsRouter.Gateway.Usage.Reports;

namespace FunctionsRouter.Gateway.Tests.Usage.Reports;

public sealed class UsageReportCsvTests
{
    [Fact]
    public void Write_NamesWithCommasQuotesAndLineBreaks_ParseBackWhole()
    {
        string[] callers = ["key:plain", "key:a,b", "key:say \"hi\"", "key:two\r\nlines", "=1+1"];
        var report = new UsageReportView(
            "2026-11-01",
            "2026-11-02",
            "caller",
            null,
            null,
            "EUR",
            [.. callers.Select((c, i) => new UsageReportLine { Caller = c, Requests = i + 1, Errors = i, PromptTokens = 10 * i, Cost = i == 0 ? null : 0.000000001m * i })],
            new UsageReportLine());

        var csv = UsageReportCsv.Write(report);

        Assert.EndsWith("\r\n", csv, StringComparison.Ordinal);
        using var reader = new CsvReader(new StringReader(csv), CultureInfo.InvariantCulture);
        var rows = reader.GetRecords<dynamic>().Cast<IDictionary<string, object>>().ToList();
        Assert.Equal(callers, rows.Select(r => (string)r["caller"]));
        Assert.Equal(["1", "2", "3", "4", "5"], rows.Select(r => (string)r["requests"]));
        Assert.Equal(["", "0.000000001", "0.000000002", "0.000000003", "0.000000004"], rows.Select(r => (string)r["cost"]));
        Assert.All(rows, r => Assert.Equal("EUR", r["currency"]));
    }

    [Theory]
    [InlineData("day", "day,requests")]
    [InlineData("alias", "alias,requests")]
    [InlineData("deployment", "endpoint,deployment,requests")]
    public void Write_Grouping_HeaderStartsWithItsColumns(string groupBy, string expected)
    {
        var csv = UsageReportCsv.Write(new UsageReportView("2026-11-01", "2026-11-02", groupBy, null, null, "USD", [], new UsageReportLine()));

        Assert.StartsWith(expected, csv, StringComparison.Ordinal);
        Assert.EndsWith(",pricedRequests,cost,currency\r\n", csv, StringComparison.Ordinal);
    }
}
