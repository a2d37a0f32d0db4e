using System.Globalization;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using CsvHelper;
using FunctionsRouter.Gateway.Aliases;
using FunctionsRouter.Gateway.Tests.Integration;
using FunctionsRouter.Gateway.Usage.Reports;
using Microsoft.Extensions.DependencyInjection;

namespace FunctionsRouter.Gateway.Tests.Usage.Reports;

/// <summary>
/// Usage reports against rows written by real gateway calls (fake upstream, real Azurite): the report read from the
/// rollup must say what the usage rows say, in JSON and in CSV parsed back. Over real HTTP, as an admin.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class UsageReportHandlerTests(IntegrationFixture fixture) : IAsyncLifetime
{
    /// <summary>The day before the test ran: the reports' range starts here and ends after tomorrow, so a run across midnight UTC still falls in it.</summary>
    private static readonly string From = DateTime.UtcNow.AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private string _adminKey = null!;

    public async Task InitializeAsync() => (_, _adminKey) = await fixture.Gateway.CreateKeyCallerAsync("usage admin", admin: true);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Report_NoCredential_401()
    {
        using var response = await fixture.Gateway.Http.GetAsync($"/api/manage/usage?from={From}&to={To}");

        Assert.Equal(401, (int)response.StatusCode);
        AssertError(await response.Content.ReadAsStringAsync(), "missing_credentials", string.Empty);
    }

    [Fact]
    public async Task Report_NonAdminKey_403AdminRequired()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/manage/usage?from={From}&to={To}");
        request.Headers.Add("api-key", fixture.CallerKey);

        using var response = await fixture.Gateway.Http.SendAsync(request);

        Assert.Equal(403, (int)response.StatusCode);
        AssertError(await response.Content.ReadAsStringAsync(), "admin_required", string.Empty);
    }

    [Fact]
    public async Task Report_AfterRealGatewayCalls_EqualsTheUsageRows()
    {
        await using var gateway = await fixture.StartGatewayAsync(new Dictionary<string, string?> { ["Router:Currency"] = "EUR" });
        await SeedPricedAsync(gateway, "priced-chat", "a", "dep-chat", "default", new TargetPrice(2.5m, 1.25m, 10m));
        await SeedPricedAsync(gateway, "priced-oai", "a", "dep-oai", "oai", new TargetPrice(3m, 0.5m, 12m));
        await gateway.SeedAsync("rejected", "a", "fail-422");
        var key = fixture.CallerKey;
        var calls = new List<(string Path, string Body, string? Key, int Status)>
        {
            ("/api/v1/chat/completions", Chat("priced-chat"), key, 200),
            ("/api/v1/chat/completions", Chat("priced-chat"), key, 200),
            ("/api/v1/chat/completions", Chat("priced-chat"), null, 200),
            ("/api/v1/responses", """{"model":"priced-oai","input":"hi"}""", null, 200),
            ("/api/v1/responses", """{"model":"priced-oai","input":"hi"}""", key, 200),
            ("/api/v1/chat/completions", Chat("rejected"), key, 422),
            ("/api/v1/chat/completions", Chat("no,such \\\"alias\\\""), null, 404),
        };

        var requestIds = new List<string>();
        foreach (var (path, body, callerKey, expectedStatus) in calls)
        {
            var requestId = "report-" + Guid.NewGuid().ToString("N");
            using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            request.Headers.Add("x-request-id", requestId);
            if (callerKey is not null)
            {
                request.Headers.Add("api-key", callerKey);
            }

            using var response = await gateway.Http.SendAsync(request);
            Assert.Equal(expectedStatus, (int)response.StatusCode);
            requestIds.Add(requestId);
        }

        var rows = new List<TableEntity>();
        foreach (var requestId in requestIds)
        {
            rows.Add(Assert.Single(await gateway.WaitForUsageAsync(requestId)));
        }

        // The rows carry each request's cost from its target's price, cached input at the cached price; no price, no cost.
        Assert.Equal(0.0000975, Assert.Single(rows, r => r.GetString("Alias") == "priced-chat" && r.GetString("Caller") == "anonymous").GetDouble("Cost"));
        Assert.Equal(0.0001095, Assert.Single(rows, r => r.GetString("Alias") == "priced-oai" && r.GetString("Caller") == "anonymous").GetDouble("Cost"));
        Assert.All(rows.Where(r => r.GetString("Alias") is "rejected" or "no,such \"alias\""), r => Assert.False(r.ContainsKey("Cost")));

        var byCaller = await WaitForReportAsync(gateway, $"?from={From}&to={To}&groupBy=caller", rows.Count);
        Assert.Equal("EUR", byCaller.GetProperty("currency").GetString());
        AssertLinesEqualRows(byCaller, rows, "caller", r => r.GetString("Caller")!);

        var (status, csv, contentType) = await GetAsync(gateway, $"?from={From}&to={To}&groupBy=alias&format=csv");
        Assert.Equal(200, status);
        Assert.Equal("text/csv; charset=utf-8", contentType);
        var byAliasJson = await WaitForReportAsync(gateway, $"?from={From}&to={To}&groupBy=alias", rows.Count);
        AssertLinesEqualRows(byAliasJson, rows, "alias", r => r.GetString("Alias")!);
        AssertCsvEqualsJson(csv, byAliasJson, "alias");

        var byDeployment = await WaitForReportAsync(gateway, $"?from={From}&to={To}&groupBy=deployment", rows.Count);
        AssertLinesEqualRows(byDeployment, rows, "deployment", r => r.GetString("Deployment") ?? string.Empty);

        // A slice: one caller's days, one alias's.
        var callerId = "key:" + fixture.CallerId;
        var oneCaller = await WaitForReportAsync(gateway, $"?from={From}&to={To}&caller={Uri.EscapeDataString(callerId)}", rows.Count(r => r.GetString("Caller") == callerId));
        AssertLinesEqualRows(oneCaller, [.. rows.Where(r => r.GetString("Caller") == callerId)], "day", r => r.GetDateTimeOffset("RequestTime")!.Value.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        var oneAlias = await WaitForReportAsync(gateway, $"?from={From}&to={To}&alias=PRICED-OAI&groupBy=caller", 2);
        AssertLinesEqualRows(oneAlias, [.. rows.Where(r => r.GetString("Alias") == "priced-oai")], "caller", r => r.GetString("Caller")!);
    }

    [Fact]
    public async Task Report_Exactly92Days_200WithoutLines()
    {
        var (status, body, _) = await GetAsync(fixture.Gateway, "?from=2026-01-01&to=2026-04-03");

        Assert.Equal(200, status);
        using var json = JsonDocument.Parse(body);
        Assert.Equal(0, json.RootElement.GetProperty("lines").GetArrayLength());
        Assert.Equal(0, json.RootElement.GetProperty("total").GetProperty("requests").GetInt64());
    }

    [Theory]
    [InlineData("?from=2026-01-01&to=2026-04-04", "is 93 days; a report covers at most 92")]
    [InlineData("?from=2026-01-01&to=2027-01-01", "is 365 days; a report covers at most 92")]
    [InlineData("", "'from' is missing")]
    [InlineData("?to=2026-01-02", "'from' is missing")]
    [InlineData("?from=2026-13-01&to=2026-12-02", "'from' must be a UTC day as yyyy-MM-dd")]
    [InlineData("?from=yesterday&to=2026-12-02", "'from' must be a UTC day")]
    [InlineData("?from=2026-01-01T00:00:00Z&to=2026-01-02", "'from' must be a UTC day")]
    [InlineData("?from=2026-01-05&to=2026-01-05", "must be after 'from'")]
    [InlineData("?from=2026-01-05&to=2026-01-01", "must be after 'from'")]
    [InlineData("?from=2026-01-01&to=2026-01-02&groupBy=week", "'groupBy' must be one of day, caller, alias, deployment")]
    [InlineData("?from=2026-01-01&to=2026-01-02&format=xml", "'format' must be json or csv")]
    [InlineData("?from=2026-01-01&from=2026-01-02&to=2026-01-03", "'from' is given 2 times")]
    [InlineData("?from=2026-01-01&to=2026-01-02&caller=a%01b", "'caller' must be 1 to 512")]
    public async Task Report_BadInputOrPast92Days_400NamingIt(string query, string expected)
    {
        var (status, body, _) = await GetAsync(fixture.Gateway, query);

        Assert.Equal(400, status);
        AssertError(body, "invalid_usage_query", expected);
    }

    [Fact]
    public async Task Report_SeveralProblems_AllNamedAtOnce()
    {
        var (status, body, _) = await GetAsync(fixture.Gateway, "?from=bad&to=worse&groupBy=week&format=pdf");

        Assert.Equal(400, status);
        AssertError(body, "invalid_usage_query", "'from' must be");
        AssertError(body, "invalid_usage_query", "'to' must be");
        AssertError(body, "invalid_usage_query", "'groupBy'");
        AssertError(body, "invalid_usage_query", "'format'");
    }

    private static string To => DateTime.UtcNow.AddDays(2).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Chat(string alias) => $$"""{"model":"{{alias}}","messages":[{"role":"user","content":"hi"}]}""";

    private static async Task SeedPricedAsync(GatewayHost gateway, string alias, string target, string deployment, string endpoint, TargetPrice price)
    {
        await gateway.Aliases.UpsertEntityAsync(new TableEntity(alias, target)
        {
            [AliasRowReader.DeploymentColumn] = deployment,
            [AliasRowReader.EndpointColumn] = endpoint,
            [AliasRowReader.InputPriceColumn] = (double)price.InputPerMillion,
            [AliasRowReader.CachedInputPriceColumn] = (double)price.CachedInputPerMillion,
            [AliasRowReader.OutputPriceColumn] = (double)price.OutputPerMillion,
        });
        gateway.Services.GetRequiredService<IAliasCatalog>().Invalidate();
    }

    /// <summary>The rollup is merged off the request path: waits until the report counts <paramref name="requests"/>.</summary>
    private async Task<JsonElement> WaitForReportAsync(GatewayHost gateway, string query, int requests)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var (status, body, _) = await GetAsync(gateway, query);
            Assert.Equal(200, status);
            using var json = JsonDocument.Parse(body);
            var total = json.RootElement.GetProperty("total").GetProperty("requests").GetInt64();
            if (total >= requests || DateTime.UtcNow > deadline)
            {
                Assert.Equal(requests, total);
                return json.RootElement.Clone();
            }

            await Task.Delay(100);
        }
    }

    private static void AssertLinesEqualRows(JsonElement report, IReadOnlyList<TableEntity> rows, string groupBy, Func<TableEntity, string> groupOf)
    {
        var lines = report.GetProperty("lines").EnumerateArray().ToList();
        var groups = rows.GroupBy(groupOf).ToList();
        Assert.Equal(groups.Count, lines.Count);
        foreach (var group in groups)
        {
            var line = Assert.Single(lines, l => KeyOf(l, groupBy) == group.Key);
            Assert.Equal(group.LongCount(), line.GetProperty("requests").GetInt64());
            Assert.Equal(group.LongCount(r => r.GetInt32("HttpStatus") >= 400), line.GetProperty("errors").GetInt64());
            Assert.Equal(group.Sum(r => (long)(r.GetInt32("PromptTokens") ?? 0)), line.GetProperty("promptTokens").GetInt64());
            Assert.Equal(group.Sum(r => (long)(r.GetInt32("CompletionTokens") ?? 0)), line.GetProperty("completionTokens").GetInt64());
            Assert.Equal(group.Sum(r => (long)(r.GetInt32("TotalTokens") ?? 0)), line.GetProperty("totalTokens").GetInt64());
            var priced = group.Where(r => r.GetDouble("Cost") is not null).ToList();
            Assert.Equal(priced.Count, line.GetProperty("pricedRequests").GetInt64());
            if (priced.Count == 0)
            {
                Assert.False(line.TryGetProperty("cost", out _));
            }
            else
            {
                Assert.Equal(priced.Sum(r => (decimal)r.GetDouble("Cost")!.Value), line.GetProperty("cost").GetDecimal());
            }
        }

        Assert.Equal(rows.Count, report.GetProperty("total").GetProperty("requests").GetInt64());
        Assert.Equal(rows.Sum(r => r.GetDouble("Cost") is { } c ? (decimal)c : 0m), report.GetProperty("total").GetProperty("cost").GetDecimal());
    }

    private static string KeyOf(JsonElement line, string groupBy) => line.GetProperty(groupBy).GetString()!;

    private static void AssertCsvEqualsJson(string csv, JsonElement report, string groupBy)
    {
        Assert.Contains("\r\n", csv, StringComparison.Ordinal);
        using var reader = new CsvReader(new StringReader(csv), CultureInfo.InvariantCulture);
        Assert.True(reader.Read());
        reader.ReadHeader();
        Assert.Equal([groupBy, "requests", "errors", "promptTokens", "completionTokens", "totalTokens", "cachedTokens", "pricedRequests", "cost", "currency"], reader.HeaderRecord!);
        var lines = report.GetProperty("lines").EnumerateArray().ToList();
        var read = 0;
        while (reader.Read())
        {
            var line = lines[read++];
            Assert.Equal(KeyOf(line, groupBy), reader.GetField(groupBy));
            foreach (var column in new[] { "requests", "errors", "promptTokens", "completionTokens", "totalTokens", "cachedTokens", "pricedRequests" })
            {
                Assert.Equal(line.GetProperty(column).GetInt64(), long.Parse(reader.GetField(column)!, CultureInfo.InvariantCulture));
            }

            var cost = reader.GetField("cost");
            decimal? expectedCost = line.TryGetProperty("cost", out var c) ? c.GetDecimal() : null;
            decimal? actualCost = string.IsNullOrEmpty(cost) ? null : decimal.Parse(cost, CultureInfo.InvariantCulture);
            Assert.Equal(expectedCost, actualCost);
            Assert.Equal("EUR", reader.GetField("currency"));
        }

        Assert.Equal(lines.Count, read);
        Assert.Contains(lines, l => KeyOf(l, groupBy) == "no,such \"alias\""); // quoted and read back whole
    }

    private static void AssertError(string body, string code, string expected)
    {
        using var json = JsonDocument.Parse(body);
        var error = json.RootElement.GetProperty("error");
        Assert.Equal(code, error.GetProperty("code").GetString());
        Assert.Contains(expected, error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    /// <summary>GET /api/manage/usage with a query string, as an admin.</summary>
    private async Task<(int Status, string Body, string? ContentType)> GetAsync(GatewayHost gateway, string query)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/manage/usage" + query);
        request.Headers.Add("api-key", _adminKey);
        using var response = await gateway.Http.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(), response.Content.Headers.ContentType?.ToString());
    }
}
