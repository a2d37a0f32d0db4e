using System.Globalization;
using System.Text.Json;
using CsvHelper;
using FunctionsRouter.Cli.CommandLine;
using FunctionsRouter.Gateway.Configuration;
using FunctionsRouter.Gateway.Usage;
using FunctionsRouter.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace FunctionsRouter.Cli.Tests.Usage;

/// <summary><c>usage report</c> against a rollup written by the gateway's own rollup writer in Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class UsageCommandTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset Day = new(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);

    private readonly string _tableName = azurite.CreateTableName("rollup");

    [Fact]
    public async Task Report_JsonByCaller_SumsTheRollup()
    {
        await WriteRollupAsync();

        var run = await RunAsync("--from", "2026-11-24", "--to", "2026-11-26", "--group-by", "caller", "--json");

        Assert.True(run.ExitCode == CliExitCodes.Succeeded, run.ToString());
        using var json = JsonDocument.Parse(run.Output);
        var root = json.RootElement;
        Assert.Equal("EUR", root.GetProperty("currency").GetString());
        Assert.Equal("caller", root.GetProperty("groupBy").GetString());
        var lines = root.GetProperty("lines").EnumerateArray().ToList();
        Assert.Equal(["anonymous", "key:team-a"], lines.Select(l => l.GetProperty("caller").GetString()));
        var teamA = lines[1];
        Assert.Equal(4, teamA.GetProperty("requests").GetInt64());
        Assert.Equal(1, teamA.GetProperty("errors").GetInt64());
        Assert.Equal(4_000, teamA.GetProperty("promptTokens").GetInt64());
        Assert.Equal(800, teamA.GetProperty("completionTokens").GetInt64());
        Assert.Equal(4_800, teamA.GetProperty("totalTokens").GetInt64());
        Assert.Equal(0.0150m, teamA.GetProperty("cost").GetDecimal());
        Assert.False(lines[0].TryGetProperty("cost", out _)); // no request of it had a price
        Assert.Equal(6, root.GetProperty("total").GetProperty("requests").GetInt64());
    }

    [Fact]
    public async Task Report_Csv_ParsesBackToTheJsonLines()
    {
        await WriteRollupAsync();

        var csvRun = await RunAsync("--from", "2026-11-24", "--to", "2026-11-26", "--group-by", "deployment", "--format", "csv");
        var jsonRun = await RunAsync("--from", "2026-11-24", "--to", "2026-11-26", "--group-by", "deployment", "--json");

        Assert.True(csvRun.ExitCode == CliExitCodes.Succeeded, csvRun.ToString());
        using var json = JsonDocument.Parse(jsonRun.Output);
        var lines = json.RootElement.GetProperty("lines").EnumerateArray().ToList();
        using var reader = new CsvReader(new StringReader(csvRun.Output), CultureInfo.InvariantCulture);
        var records = reader.GetRecords<dynamic>().Cast<IDictionary<string, object>>().ToList();
        Assert.Equal(lines.Count, records.Count);
        for (var i = 0; i < lines.Count; i++)
        {
            Assert.Equal(lines[i].GetProperty("deployment").GetString(), records[i]["deployment"]);
            Assert.Equal(lines[i].GetProperty("endpoint").GetString(), records[i]["endpoint"]);
            Assert.Equal(lines[i].GetProperty("requests").GetInt64().ToString(CultureInfo.InvariantCulture), records[i]["requests"]);
            Assert.Equal(lines[i].TryGetProperty("cost", out var cost) ? cost.GetDecimal() : null, records[i]["cost"] is string { Length: > 0 } c ? decimal.Parse(c, CultureInfo.InvariantCulture) : (decimal?)null);
            Assert.Equal("EUR", records[i]["currency"]);
        }
    }

    [Fact]
    public async Task Report_TextForOneCaller_ItsDaysAndATotal()
    {
        await WriteRollupAsync();

        var run = await RunAsync("--from", "2026-11-24", "--to", "2026-11-26", "--caller", "key:team-a");

        Assert.True(run.ExitCode == CliExitCodes.Succeeded, run.ToString());
        var lines = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
        Assert.Contains("caller key:team-a; cost in EUR", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("day ", lines[1], StringComparison.Ordinal);
        Assert.Matches(@"^2026-11-24\s+3\s+1\s+3000\s+600\s+3600\s+0\.01125$", lines[2]);
        Assert.Matches(@"^2026-11-25\s+1\s+0\s+1000\s+200\s+1200\s+0\.00375$", lines[3]);
        Assert.Matches(@"^total\s+4\s+1\s+4000\s+800\s+4800\s+0\.015$", lines[4]);
    }

    [Fact]
    public async Task Report_NoRollupTableYet_NoUsage()
    {
        var run = await RunAsync("--from", "2026-11-24", "--to", "2026-11-25");

        Assert.True(run.ExitCode == CliExitCodes.Succeeded, run.ToString());
        Assert.Contains("No usage in this range.", run.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2026-01-01", "2026-04-04", "at most 92")]
    [InlineData("2026-01-01", "01/02/2026", "'to' must be a UTC day as yyyy-MM-dd")]
    [InlineData("2026-01-05", "2026-01-01", "must be after 'from'")]
    public async Task Report_BadRange_Exit1NamingIt(string from, string to, string expected)
    {
        var run = await RunAsync("--from", from, "--to", to);

        Assert.Equal(CliExitCodes.InvalidArguments, run.ExitCode);
        Assert.Contains(expected, run.Error, StringComparison.Ordinal);
        Assert.Empty(run.Output);
    }

    [Fact]
    public async Task Report_JsonAndCsv_Exit1()
    {
        var run = await RunAsync("--from", "2026-01-01", "--to", "2026-01-02", "--format", "csv", "--json");

        Assert.Equal(CliExitCodes.InvalidArguments, run.ExitCode);
        Assert.Contains("not both", run.Error, StringComparison.Ordinal);
    }

    /// <summary>
    /// Through the gateway's rollup writer: key:team-a has 3 priced requests (one a 429) on the 24th and 1 on the 25th;
    /// anonymous 2 unpriced on the 24th.
    /// </summary>
    private async Task WriteRollupAsync()
    {
        var client = UsageTableClient.Create(new TableStorageLocation(azurite.ConnectionString, null), _tableName, () => throw new InvalidOperationException("Shared Key only."));
        var writer = new UsageRollupWriter(client, "EUR", TimeProvider.System, NullLogger<UsageRollupWriter>.Instance);
        writer.Add(
        [
            Record("key:team-a", Day, 200, priced: true),
            Record("key:team-a", Day, 429, priced: true),
            Record("key:team-a", Day, 200, priced: true),
            Record("key:team-a", Day.AddDays(1), 200, priced: true),
            Record("anonymous", Day, 200, priced: false),
            Record("anonymous", Day, 200, priced: false),
        ]);
        await writer.FlushAsync(CancellationToken.None);
    }

    private static UsageRecord Record(string caller, DateTimeOffset at, int status, bool priced) => new()
    {
        RecordId = Guid.NewGuid(),
        Timestamp = at,
        RequestId = Guid.NewGuid().ToString("N"),
        Caller = caller,
        Alias = "chat",
        Operation = "chat.completions",
        Target = "primary",
        Deployment = priced ? "gpt-4o-mini" : "free",
        Endpoint = "default",
        HttpStatus = status,
        Tokens = new TokenUsage(1_000, 200, 1_200) { CachedTokens = 600 },
        Cost = priced ? 0.00375m : null,
    };

    private Task<CliRun> RunAsync(params string[] args) =>
        CliRun.RunAsync(["usage", "report", .. args, "--connection-string", azurite.ConnectionString, "--table", _tableName]);
}
