using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net;
using System.Text;
using Azure;
using Azure.AI.Inference;
using Azure.Data.Tables;
using FunctionsRouter.Gateway.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenAI;
using OpenAI.Chat;

namespace FunctionsRouter.Gateway.Tests.Integration;

/// <summary>
/// Failover, cooldowns and the all-busy answer, through real HTTP and the real SDKs, against the fault-injecting fake.
/// Each test makes deployments of its own (<c>fail-429.&lt;id&gt;</c>), so cooldowns never leak between tests.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class FailoverTests(IntegrationFixture fixture)
{
    private readonly string _id = Guid.NewGuid().ToString("N")[..10];

    private string Alias => "fo-" + _id;

    public static TheoryData<string, string> Failures => new()
    {
        { "fail-429+s", "default" },
        { "fail-429+ms", "default" },
        { "fail-429+date", "default" },
        { "fail-429+reset", "default" },
        { "fail-429+none", "default" },
        { "fail-408", "default" },
        { "fail-500", "default" },
        { "fail-502", "default" },
        { "fail-503", "default" },
        { "fail-504", "default" },
        { "slow", "default" },
        { "refused", "dead" },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task Post_PrimaryFails_BackupServesSameBodyAndAttemptsAreCounted(string behaviour, string endpoint)
    {
        var (primary, backup) = await SeedPrimaryAndBackupAsync(fixture.Gateway, behaviour, endpoint);
        var body = $$$"""{"messages":[{"role":"user","content":"hi"}],"model":"{{{Alias}}}","temperature":0.25,"x-extra":{"kept":[1,2]}}""";
        var requestId = "fo-" + Guid.NewGuid().ToString("N");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/chat/completions") { Content = PassThroughTests.Json(body) };
        request.Headers.Add("x-request-id", requestId);

        using var response = await fixture.Gateway.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(backup, response.Headers.GetValues("x-router-deployment").Single());
        Assert.Equal("2", response.Headers.GetValues("x-router-attempts").Single());
        Assert.Equal(body.Replace(Alias, backup, StringComparison.Ordinal), fixture.Upstream.LastFor(backup).BodyText);
        if (endpoint != "dead")
        {
            Assert.Equal(body.Replace(Alias, primary, StringComparison.Ordinal), fixture.Upstream.LastFor(primary).BodyText);
        }

        var row = Assert.Single(await fixture.Gateway.WaitForUsageAsync(requestId));
        Assert.Equal(2, row.GetInt32("Attempts"));
        Assert.Equal("backup", row.GetString("Target"));
        Assert.Equal(backup, row.GetString("Deployment"));
        Assert.Equal(200, row.GetInt32("HttpStatus"));
        Assert.Equal(FakeUpstream.CompletionTokens, row.GetInt32("CompletionTokens"));
    }

    [Theory]
    [InlineData("fail-429+s", 7.0)]
    [InlineData("fail-429+ms", 1.5)]
    [InlineData("fail-429+date", 20.0)]
    [InlineData("fail-429+reset", 60.0)]
    [InlineData("fail-429+none", 10.0)]
    [InlineData("fail-503", 10.0)]
    public async Task Post_PrimaryThrottled_CoolsDownForWhatItSaidAndIsSkippedMeanwhile(string behaviour, double expectedSeconds)
    {
        var (primary, backup) = await SeedPrimaryAndBackupAsync(fixture.Gateway, behaviour);
        var before = DateTimeOffset.UtcNow;

        using var first = await PostAsync(Alias);
        using var second = await PostAsync(Alias);

        Assert.Equal("2", first.Headers.GetValues("x-router-attempts").Single());
        Assert.Equal("1", second.Headers.GetValues("x-router-attempts").Single());
        Assert.Equal(backup, second.Headers.GetValues("x-router-deployment").Single());
        Assert.Equal(1, fixture.Upstream.CountFor(primary));
        var row = await WaitForHealthRowAsync(fixture.Gateway.Health, primary);
        var until = row.GetDateTimeOffset("BlockedUntil")!.Value;
        Assert.InRange((until - before).TotalSeconds, expectedSeconds - 1, expectedSeconds + 3);
        Assert.Equal(behaviour.StartsWith("fail-429", StringComparison.Ordinal) ? "throttled" : "unavailable", row.GetString("Reason"));
    }

    [Theory]
    [InlineData(400)]
    [InlineData(401)]
    [InlineData(403)]
    [InlineData(404)]
    [InlineData(413)]
    [InlineData(422)]
    public async Task Post_CallerError_ReturnedAsItIsAndNeverFailedOver(int status)
    {
        var (primary, backup) = await SeedPrimaryAndBackupAsync(fixture.Gateway, $"fail-{status}");

        using var response = await PostAsync(Alias);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal($$$"""{"error":{"code":"{{{status}}}","message":"Injected failure {{{status}}}."}}""", await response.Content.ReadAsStringAsync());
        Assert.Equal("1", response.Headers.GetValues("x-router-attempts").Single());
        Assert.Equal(primary, response.Headers.GetValues("x-router-deployment").Single());
        Assert.Equal(0, fixture.Upstream.CountFor(backup));
    }

    [Fact]
    public async Task Post_EveryDeploymentThrottled_GatewaySays429AllBusyWithShortestRetryAfter_ThenCallsNoUpstream()
    {
        var seven = $"fail-429+s.{_id}";
        var sixty = $"fail-429+reset.{_id}";
        await fixture.Gateway.SeedAsync(Alias, "a", seven);
        await fixture.Gateway.SeedAsync(Alias, "b", sixty, priority: 1);
        var noRetries = new AzureAIInferenceClientOptions();
        noRetries.Retry.MaxRetries = 0;
        var azure = new ChatCompletionsClient(new Uri(fixture.Gateway.BaseUri, "/api/models"), new AzureKeyCredential(fixture.CallerKey), noRetries);

        var first = await Assert.ThrowsAsync<RequestFailedException>(() => azure.CompleteAsync(new ChatCompletionsOptions { Messages = { new ChatRequestUserMessage("hi") }, Model = Alias }));

        Assert.Equal(429, first.Status);
        Assert.Equal("all_deployments_busy", first.ErrorCode);
        var raw = first.GetRawResponse()!;
        Assert.True(raw.Headers.TryGetValue("Retry-After", out var retryAfter));
        Assert.Equal("7", retryAfter);
        Assert.True(raw.Headers.TryGetValue("x-router-attempts", out var attempts));
        Assert.Equal("2", attempts);

        var openAi = new ChatClient(Alias, new ApiKeyCredential(fixture.CallerKey), new OpenAIClientOptions { Endpoint = new Uri(fixture.Gateway.BaseUri, "/api/v1"), RetryPolicy = new ClientRetryPolicy(0) });
        var second = await Assert.ThrowsAsync<ClientResultException>(() => openAi.CompleteChatAsync([new UserChatMessage("hi")]));

        Assert.Equal(429, second.Status);
        Assert.Contains("all_deployments_busy", second.Message, StringComparison.Ordinal);
        var secondRaw = second.GetRawResponse()!;
        Assert.True(secondRaw.Headers.TryGetValue("Retry-After", out var secondRetryAfter));
        Assert.InRange(int.Parse(secondRetryAfter!, System.Globalization.CultureInfo.InvariantCulture), 1, 7);
        Assert.True(secondRaw.Headers.TryGetValue("x-router-attempts", out var secondAttempts));
        Assert.Equal("0", secondAttempts);
        Assert.Equal(1, fixture.Upstream.CountFor(seven));
        Assert.Equal(1, fixture.Upstream.CountFor(sixty));
    }

    [Fact]
    public async Task Post_AllBusyRecord_CountsAttemptsAndNamesNoTarget()
    {
        await fixture.Gateway.SeedAsync(Alias, "a", $"fail-429+reset.{_id}");
        var requestId = "busy-" + Guid.NewGuid().ToString("N");

        using var first = await PostAsync(Alias);
        using var second = await PostAsync(Alias, requestId);

        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        var row = Assert.Single(await fixture.Gateway.WaitForUsageAsync(requestId));
        Assert.Equal("all_deployments_busy", row.GetString("ErrorCode"));
        Assert.Equal(429, row.GetInt32("HttpStatus"));
        Assert.Equal(0, row.GetInt32("Attempts"));
        Assert.Null(row.GetString("Target"));
    }

    [Fact]
    public async Task Post_EveryTargetFails_StopsAtTheAttemptBudgetAndRelaysTheLastAnswer()
    {
        string[] deployments = [$"fail-500.a{_id}", $"fail-502.b{_id}", $"fail-504.c{_id}", $"fail-500.d{_id}"];
        foreach (var (deployment, i) in deployments.Select((d, i) => (d, i)))
        {
            await fixture.Gateway.SeedAsync(Alias, "t" + i, deployment);
        }

        using var response = await PostAsync(Alias);

        Assert.True((int)response.StatusCode >= 500);
        Assert.Equal("3", response.Headers.GetValues("x-router-attempts").Single());
        Assert.Equal(3, deployments.Sum(fixture.Upstream.CountFor));
        Assert.Contains("Injected failure", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_LastAttemptUnreachable_GatewayErrorInItsShape()
    {
        await fixture.Gateway.SeedAsync(Alias, "a", $"fail-500.{_id}");
        await fixture.Gateway.SeedAsync(Alias, "b", $"dep.{_id}", "dead", priority: 1);

        using var response = await PostAsync(Alias);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains("\"code\":\"upstream_unreachable\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("2", response.Headers.GetValues("x-router-attempts").Single());
    }

    [Fact]
    public async Task Stream_PrimaryThrottled_OpenAISdkStreamsFromBackup()
    {
        var (primary, backup) = await SeedPrimaryAndBackupAsync(fixture.Gateway, "fail-429");
        var client = new ChatClient(Alias, new ApiKeyCredential(fixture.CallerKey), new OpenAIClientOptions { Endpoint = new Uri(fixture.Gateway.BaseUri, "/api/v1"), RetryPolicy = new ClientRetryPolicy(0) });

        var text = new StringBuilder();
        await foreach (var update in client.CompleteChatStreamingAsync([new UserChatMessage("hi")]))
        {
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }
        }

        Assert.Equal("Hello world", text.ToString());
        Assert.Equal(1, fixture.Upstream.CountFor(primary));
        Assert.Equal(1, fixture.Upstream.CountFor(backup));
        Assert.Contains("\"stream\":true", fixture.Upstream.LastFor(primary).BodyText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stream_CutAfterFirstByte_ErrorEventAndNoFailover()
    {
        var (primary, backup) = await SeedPrimaryAndBackupAsync(fixture.Gateway, "cut");
        var requestId = "cut-" + Guid.NewGuid().ToString("N");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/chat/completions")
        {
            Content = PassThroughTests.Json($$"""{"model":"{{Alias}}","stream":true,"messages":[{"role":"user","content":"hi"}]}"""),
        };
        request.Headers.Add("x-request-id", requestId);

        using var response = await fixture.Gateway.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();

        Assert.Contains("\"content\":\"Hello\"", text, StringComparison.Ordinal);
        Assert.EndsWith("data: {\"error\":{\"code\":\"upstream_stream_failed\",\"message\":\"The upstream stream failed before it was complete.\",\"type\":\"server_error\",\"param\":null,\"status\":502}}\n\n", text, StringComparison.Ordinal);
        Assert.Equal(0, fixture.Upstream.CountFor(backup));
        var row = Assert.Single(await fixture.Gateway.WaitForUsageAsync(requestId));
        Assert.Equal("upstream_stream_failed", row.GetString("ErrorCode"));
        Assert.Equal(1, row.GetInt32("Attempts"));
        Assert.Equal(1, row.GetInt32("CompletionTokens"));
        Assert.False(row.GetBoolean("UsageExact"));
    }

    [Fact]
    public async Task Post_AllBusyMaxWaitSet_WaitsOutAShortCooldownInsteadOf429_AndLogsTheFailedAttempt()
    {
        var logs = new LogCapture();
        await using var gateway = await fixture.StartGatewayAsync(
            new Dictionary<string, string?> { ["Router:AllBusyMaxWait"] = "00:00:05" },
            services => services.AddSingleton<ILoggerProvider>(logs));
        var flaky = $"flaky-429.{_id}";
        await gateway.SeedAsync(Alias, "only", flaky);

        using var response = await gateway.Http.PostAsync("/api/v1/chat/completions", PassThroughTests.Json($$"""{"model":"{{Alias}}","messages":[]}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("2", response.Headers.GetValues("x-router-attempts").Single());
        Assert.Equal(2, fixture.Upstream.CountFor(flaky));
        var failed = Assert.Single(logs.Events, e => e.EventId == 2001);
        Assert.Equal(LogLevel.Warning, failed.Level);
        Assert.Equal("only", failed.Values["Target"]);
        Assert.Equal(flaky, failed.Values["Deployment"]);
        Assert.Equal(429, failed.Values["Status"]);
        Assert.Equal("status", failed.Values["Reason"]);
    }

    [Fact]
    public async Task Post_NoMaxWait_ShortCooldownStillAnswers429()
    {
        var flaky = $"flaky-429.{_id}";
        await fixture.Gateway.SeedAsync(Alias, "only", flaky);

        using var response = await PostAsync(Alias);

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Contains("\"code\":\"all_deployments_busy\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("1", response.Headers.RetryAfter?.Delta?.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(1, fixture.Upstream.CountFor(flaky));
    }

    [Fact]
    public async Task TwoInstances_CooldownLearnedByOne_OtherSkipsTheDeploymentWithoutCallingIt()
    {
        var shared = new Dictionary<string, string?>
        {
            ["Router:HealthTable"] = fixture.Azurite.CreateTableName("sharedhealth"),
            ["Router:HealthRefreshInterval"] = "00:00:00.200",
        };
        await using var first = await fixture.StartGatewayAsync(shared);
        await using var second = await fixture.StartGatewayAsync(shared);
        var (primary, backup) = await SeedPrimaryAndBackupAsync(first, "fail-429+reset");
        await SeedPrimaryAndBackupAsync(second, "fail-429+reset");
        await first.SeedAsync("warm", "a", "dep-warm");
        await second.SeedAsync("warm", "a", "dep-warm");

        // The second instance has served before, so its health view is being refreshed.
        using (var warm = await PostAsync("warm", gateway: second))
        {
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        }

        using var learned = await PostAsync(Alias, gateway: first);
        Assert.Equal("2", learned.Headers.GetValues("x-router-attempts").Single());
        var written = DateTime.UtcNow;
        await WaitForHealthRowAsync(first.Health, primary);
        await Task.Delay(TimeSpan.FromSeconds(1));

        using var skipped = await PostAsync(Alias, gateway: second);

        Assert.Equal(HttpStatusCode.OK, skipped.StatusCode);
        Assert.Equal("1", skipped.Headers.GetValues("x-router-attempts").Single());
        Assert.Equal(backup, skipped.Headers.GetValues("x-router-deployment").Single());
        Assert.Equal(1, fixture.Upstream.CountFor(primary));
        Assert.True(DateTime.UtcNow - written < TimeSpan.FromSeconds(30));
    }

    /// <summary>Seeds this test's alias: a priority-0 target with the fake behaviour given, and a healthy priority-1 backup.</summary>
    private async Task<(string Primary, string Backup)> SeedPrimaryAndBackupAsync(GatewayHost gateway, string behaviour, string endpoint = "default")
    {
        var primary = $"{behaviour}.{_id}";
        var backup = $"ok.{_id}";
        await gateway.SeedAsync(Alias, "primary", primary, endpoint);
        await gateway.SeedAsync(Alias, "backup", backup, priority: 1);
        return (primary, backup);
    }

    private async Task<HttpResponseMessage> PostAsync(string alias, string? requestId = null, GatewayHost? gateway = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/chat/completions") { Content = PassThroughTests.Json($$"""{"model":"{{alias}}","messages":[{"role":"user","content":"hi"}]}""") };
        if (requestId is not null)
        {
            request.Headers.Add("x-request-id", requestId);
        }

        return await (gateway ?? fixture.Gateway).Http.SendAsync(request);
    }

    private static async Task<TableEntity> WaitForHealthRowAsync(TableClient table, string deployment)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            try
            {
                await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"RowKey eq {deployment.ToLowerInvariant()}")))
                {
                    return row;
                }
            }
            catch (RequestFailedException ex) when (ex.Status == 404 && DateTime.UtcNow < deadline)
            {
                // Not created yet.
            }

            Assert.True(DateTime.UtcNow < deadline, $"No health row for {deployment}.");
            await Task.Delay(50);
        }
    }
}
