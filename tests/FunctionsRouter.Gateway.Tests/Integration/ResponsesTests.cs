#pragma warning disable OPENAI001 // The Responses client is marked experimental.
using System.ClientModel;
using System.Net;
using System.Text;
using System.Text.Json;
using FunctionsRouter.Gateway.Callers;
using Microsoft.Extensions.DependencyInjection;
using OpenAI;
using OpenAI.Models;
using OpenAI.Responses;

namespace FunctionsRouter.Gateway.Tests.Integration;

/// <summary>The OpenAI Responses API through the gateway, with the OpenAI .NET <see cref="ResponsesClient"/> and raw HTTP.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class ResponsesTests(IntegrationFixture fixture)
{
    private Uri OpenAIv1 => new(fixture.Gateway.BaseUri, "/api/v1");

    private ResponsesClient Client => new(new ApiKeyCredential(fixture.CallerKey), new ResponsesClientOptions { Endpoint = OpenAIv1 });

    [Fact]
    public async Task CreateResponse_AliasOnOpenAIEndpoint_AnswersAndRecordsUsageWithDetails()
    {
        var result = await Client.CreateResponseAsync("fast", "Say hello");

        Assert.Equal("Hello world", result.Value.GetOutputText());
        Assert.Equal(FakeUpstream.PromptTokens, result.Value.Usage.InputTokenCount);
        var sent = fixture.Upstream.Received.Last(r => r.Path == "/openai/v1/responses");
        Assert.Equal("dep-oai", sent.Model);
        Assert.Equal("upstream-key", sent.Headers["api-key"]);
        var raw = result.GetRawResponse();
        Assert.True(raw.Headers.TryGetValue("x-request-id", out var requestId));

        var row = Assert.Single(await fixture.Gateway.WaitForUsageAsync(requestId!));
        Assert.Equal("responses", row.GetString("Operation"));
        Assert.Equal("fast", row.GetString("Alias"));
        Assert.Equal("dep-oai", row.GetString("Deployment"));
        Assert.Equal(FakeUpstream.PromptTokens, row.GetInt32("PromptTokens"));
        Assert.Equal(FakeUpstream.CompletionTokens, row.GetInt32("CompletionTokens"));
        Assert.Equal(FakeUpstream.PromptTokens + FakeUpstream.CompletionTokens, row.GetInt32("TotalTokens"));
        Assert.Equal(FakeUpstream.CachedTokens, row.GetInt32("CachedTokens"));
        Assert.Equal(FakeUpstream.ReasoningTokens, row.GetInt32("ReasoningTokens"));
        Assert.False(row.GetBoolean("Streamed"));
        Assert.True(row.GetBoolean("UsageExact"));
    }

    [Fact]
    public async Task CreateResponseStreaming_Alias_RelaysEveryEventAndRecordsExactUsage()
    {
        var text = new StringBuilder();
        ResponseResult? completed = null;
        await foreach (var update in await Client.CreateResponseStreamingAsync("fast", "Say hello"))
        {
            if (update is StreamingResponseOutputTextDeltaUpdate delta)
            {
                text.Append(delta.Delta);
            }
            else if (update is StreamingResponseCompletedUpdate done)
            {
                completed = done.Response;
            }
        }

        Assert.Equal("Hello world", text.ToString());
        Assert.NotNull(completed);
        Assert.Equal(FakeUpstream.CompletionTokens, completed!.Usage.OutputTokenCount);
        var sent = fixture.Upstream.Received.Last(r => r.Path == "/openai/v1/responses");
        Assert.DoesNotContain("stream_options", sent.BodyText, StringComparison.Ordinal);

        var rows = await fixture.Gateway.WaitForUsageAsync(sent.Headers["x-ms-client-request-id"]);
        var row = Assert.Single(rows);
        Assert.True(row.GetBoolean("Streamed"));
        Assert.True(row.GetBoolean("UsageExact"));
        Assert.Equal(FakeUpstream.CompletionTokens, row.GetInt32("CompletionTokens"));
        Assert.Equal(FakeUpstream.ReasoningTokens, row.GetInt32("ReasoningTokens"));
    }

    [Fact]
    public async Task CreateResponse_PreviousResponseId_GoesToTheDeploymentThatCreatedItAfterABetterTargetAppears()
    {
        await fixture.Gateway.SeedAsync("resp-pin", "a", "dep-r1.pin", "oai", priority: 1);
        var first = await Client.CreateResponseAsync("resp-pin", "Say hello");
        Assert.Equal("dep-r1.pin", fixture.Upstream.Received.Last(r => r.Path == "/openai/v1/responses").Model);

        // The alias gains a better target and stops sending new traffic to the first one.
        await fixture.Gateway.SeedAsync("resp-pin", "b", "dep-r2.pin", "oai", priority: 0);
        await fixture.Gateway.SeedAsync("resp-pin", "a", "dep-r1.pin", "oai", enabled: false, priority: 1);
        await Client.CreateResponseAsync("resp-pin", "Fresh start");
        Assert.Equal("dep-r2.pin", fixture.Upstream.Received.Last(r => r.Path == "/openai/v1/responses").Model);

        var followUp = await Client.CreateResponseAsync("resp-pin", "And again", previousResponseId: first.Value.Id);

        var sent = fixture.Upstream.Received.Last(r => r.Path == "/openai/v1/responses");
        Assert.Equal("dep-r1.pin", sent.Model);
        Assert.Contains(first.Value.Id, sent.BodyText, StringComparison.Ordinal);
        Assert.Equal("dep-r1.pin", followUp.GetRawResponse().Headers.TryGetValue("x-router-deployment", out var d) ? d : null);
        Assert.Equal("dep-r1.pin", fixture.Upstream.Responses[followUp.Value.Id]);
    }

    [Fact]
    public async Task CreateResponse_FirstTargetUnavailable_FailsOverBeforeTheFirstByte()
    {
        await fixture.Gateway.SeedAsync("resp-failover", "a", "fail-503.respfo", "oai", priority: 0);
        await fixture.Gateway.SeedAsync("resp-failover", "b", "dep-respfo", "oai", priority: 1);

        var result = await Client.CreateResponseAsync("resp-failover", "hi");

        Assert.Equal("Hello world", result.Value.GetOutputText());
        Assert.Equal("2", result.GetRawResponse().Headers.TryGetValue("x-router-attempts", out var attempts) ? attempts : null);
        Assert.Equal("dep-respfo", fixture.Upstream.Responses[result.Value.Id]);
    }

    [Fact]
    public async Task CreateResponse_AliasWithModelsAndOpenAITargets_OnlyTheOpenAITargetServes()
    {
        await fixture.Gateway.SeedAsync("resp-mixed", "a", "dep-mixed-models", "default", priority: 0);
        await fixture.Gateway.SeedAsync("resp-mixed", "b", "dep-mixed-oai", "oai", priority: 1);

        var result = await Client.CreateResponseAsync("resp-mixed", "hi");

        Assert.Equal("1", result.GetRawResponse().Headers.TryGetValue("x-router-attempts", out var attempts) ? attempts : null);
        Assert.Equal("dep-mixed-oai", fixture.Upstream.Responses[result.Value.Id]);
        Assert.DoesNotContain(fixture.Upstream.Received, r => r.Model == "dep-mixed-models");
    }

    [Fact]
    public async Task StoredResponseCalls_ResponseTheGatewayRelayed_ReachItsDeploymentAndRecordUsage()
    {
        await fixture.Gateway.SeedAsync("resp-stored", "a", "dep-stored", "oai");
        var created = (await Client.CreateResponseAsync("resp-stored", "Say hello")).Value;
        await fixture.Gateway.SeedAsync("resp-stored", "a", "dep-stored", "oai", enabled: false);

        var got = await Client.GetResponseAsync(created.Id);
        var items = new List<ResponseItem>();
        await foreach (var item in Client.GetResponseInputItemsAsync(created.Id))
        {
            items.Add(item);
        }

        var cancelled = await Client.CancelResponseAsync(created.Id);
        var deleted = await Client.DeleteResponseAsync(created.Id);

        Assert.Equal("Hello world", got.Value.GetOutputText());
        Assert.Single(items);
        Assert.Equal(ResponseStatus.Cancelled, cancelled.Value.Status);
        Assert.True(deleted.Value.Deleted);
        var calls = fixture.Upstream.Received.Where(r => r.Path.StartsWith("/openai/v1/responses/" + created.Id, StringComparison.Ordinal)).Select(r => r.Method + " " + r.Path[("/openai/v1/responses/" + created.Id).Length..]).ToList();
        Assert.Equal(["GET ", "GET /input_items", "POST /cancel", "DELETE "], calls);

        foreach (var (result, operation) in new (ClientResult Result, string Operation)[] { (got, "responses.get"), (cancelled, "responses.cancel"), (deleted, "responses.delete") })
        {
            Assert.True(result.GetRawResponse().Headers.TryGetValue("x-request-id", out var requestId));
            var row = Assert.Single(await fixture.Gateway.WaitForUsageAsync(requestId!));
            Assert.Equal(operation, row.GetString("Operation"));
            Assert.Equal("resp-stored", row.GetString("Alias"));
            Assert.Equal("dep-stored", row.GetString("Deployment"));
            Assert.Equal(200, row.GetInt32("HttpStatus"));
        }
    }

    [Fact]
    public async Task InputItems_RawHttp_RecordsUsageRow()
    {
        var created = (await Client.CreateResponseAsync("fast", "Say hello")).Value;

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/responses/{created.Id}/input_items?limit=5");
        request.Headers.Add("api-key", fixture.CallerKey); // The caller that created it: another would get 404.
        using var response = await fixture.Gateway.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("?limit=5", fixture.Upstream.Received.Last(r => r.Path.EndsWith("/input_items", StringComparison.Ordinal)).Query);
        var row = Assert.Single(await fixture.Gateway.WaitForUsageAsync(response.Headers.GetValues("x-request-id").Single()));
        Assert.Equal("responses.input_items", row.GetString("Operation"));
    }

    [Theory]
    [InlineData("GET", "")]
    [InlineData("DELETE", "")]
    [InlineData("POST", "/cancel")]
    [InlineData("GET", "/input_items")]
    public async Task StoredResponseCalls_IdNeverRelayed_404ResponseNotFoundWithoutUpstreamCall(string method, string suffix)
    {
        var id = "resp_never" + Guid.NewGuid().ToString("N");
        using var request = new HttpRequestMessage(new HttpMethod(method), $"/api/v1/responses/{id}{suffix}");

        using var response = await fixture.Gateway.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var error = await ErrorOfAsync(response);
        Assert.Equal("response_not_found", error.GetProperty("code").GetString());
        Assert.Equal(404, error.GetProperty("status").GetInt32());
        Assert.DoesNotContain(fixture.Upstream.Received, r => r.Path.Contains(id, StringComparison.Ordinal));
        var row = Assert.Single(await fixture.Gateway.WaitForUsageAsync(response.Headers.GetValues("x-request-id").Single()));
        Assert.Equal("response_not_found", row.GetString("ErrorCode"));
        Assert.Equal(0, row.GetInt32("Attempts"));
    }

    [Fact]
    public async Task CreateResponse_PreviousResponseIdNeverRelayed_404WithoutUpstreamCall()
    {
        var id = "resp_never" + Guid.NewGuid().ToString("N");
        var before = fixture.Upstream.Received.Count;

        using var response = await PostAsync(fixture.Gateway, $$"""{"model":"fast","input":"hi","previous_response_id":"{{id}}"}""");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var error = await ErrorOfAsync(response);
        Assert.Equal("response_not_found", error.GetProperty("code").GetString());
        Assert.Equal("previous_response_id", error.GetProperty("param").GetString());
        Assert.Equal(before, fixture.Upstream.Received.Count);
    }

    [Fact]
    public async Task CreateResponse_ModelsOnlyAlias_400OperationNotSupportedNamingIt()
    {
        var before = fixture.Upstream.Received.Count;

        using var response = await PostAsync(fixture.Gateway, """{"model":"chat-default","input":"hi"}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await ErrorOfAsync(response);
        Assert.Equal("operation_not_supported", error.GetProperty("code").GetString());
        Assert.Contains("chat-default", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, fixture.Upstream.Received.Count);
        var row = Assert.Single(await fixture.Gateway.WaitForUsageAsync(response.Headers.GetValues("x-request-id").Single()));
        Assert.Equal("responses", row.GetString("Operation"));
        Assert.Equal(400, row.GetInt32("HttpStatus"));
    }

    [Fact]
    public async Task CreateResponse_UnknownAlias_SdkSees404UnknownModel()
    {
        var error = await Assert.ThrowsAsync<ClientResultException>(() => Client.CreateResponseAsync("no-such-alias", "hi"));

        Assert.Equal(404, error.Status);
        Assert.Contains("Unknown model: no-such-alias", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateResponseStreaming_UpstreamCutsTheStream_ResponsesErrorEventAndInexactUsage()
    {
        await fixture.Gateway.SeedAsync("resp-cut", "a", "cut.resp", "oai");

        using var response = await PostAsync(fixture.Gateway, """{"model":"resp-cut","input":"hi","stream":true}""");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var events = body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("event: response.output_text.delta", events[^2].Split('\n')[0]);
        var last = events[^1].Split('\n');
        Assert.Equal("event: error", last[0]);
        using var error = JsonDocument.Parse(last[1]["data: ".Length..]);
        Assert.Equal("error", error.RootElement.GetProperty("type").GetString());
        Assert.Equal("upstream_stream_failed", error.RootElement.GetProperty("code").GetString());
        Assert.False(string.IsNullOrEmpty(error.RootElement.GetProperty("message").GetString()));
        Assert.Equal(5, error.RootElement.GetProperty("sequence_number").GetInt64());
        Assert.DoesNotContain("[DONE]", body, StringComparison.Ordinal);

        var row = Assert.Single(await fixture.Gateway.WaitForUsageAsync(response.Headers.GetValues("x-request-id").Single()));
        Assert.False(row.GetBoolean("UsageExact"));
        Assert.Equal("upstream_stream_failed", row.GetString("ErrorCode"));
        Assert.Equal(1, row.GetInt32("CompletionTokens"));
        Assert.Equal("responses", row.GetString("Operation"));
    }

    [Fact]
    public async Task CreateResponseStreaming_UpstreamCutsTheStream_SdkSeesAnError()
    {
        await fixture.Gateway.SeedAsync("resp-cut", "a", "cut.resp", "oai");

        StreamingResponseErrorUpdate? error = null;
        var thrown = await Record.ExceptionAsync(async () =>
        {
            await foreach (var update in await Client.CreateResponseStreamingAsync("resp-cut", "hi"))
            {
                error ??= update as StreamingResponseErrorUpdate;
            }
        });

        Assert.True(error is not null || thrown is not null, "the SDK must not see a clean end");
        if (error is not null)
        {
            Assert.Equal("upstream_stream_failed", error.Code);
        }
    }

    [Fact]
    public async Task StoredResponse_AnotherCaller_404AsIfItDidNotExist()
    {
        await using var gateway = await fixture.StartGatewayAsync();
        await gateway.SeedAsync("fast", "a", "dep-oai", "oai");
        var (_, alice) = await gateway.CreateKeyCallerAsync("alice");
        var (_, bob) = await gateway.CreateKeyCallerAsync("bob");
        using var created = await PostAsync(gateway, """{"model":"fast","input":"hi"}""", alice);
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;

        using var asBob = await SendAsync(gateway, HttpMethod.Get, $"/api/v1/responses/{id}", bob);
        using var bobFollowUp = await PostAsync(gateway, $$"""{"model":"fast","input":"hi","previous_response_id":"{{id}}"}""", bob);
        using var asAlice = await SendAsync(gateway, HttpMethod.Get, $"/api/v1/responses/{id}", alice);

        Assert.Equal(HttpStatusCode.NotFound, asBob.StatusCode);
        Assert.Equal("response_not_found", (await ErrorOfAsync(asBob)).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.NotFound, bobFollowUp.StatusCode);
        Assert.Equal(HttpStatusCode.OK, asAlice.StatusCode);
    }

    [Fact]
    public async Task StoredResponse_AnotherInstance_FindsItInTheTable()
    {
        // Two gateways sharing the response-affinity table, as two instances of the function app do.
        var table = fixture.Azurite.CreateTableName("affinity");
        await using var first = await fixture.StartGatewayAsync(new Dictionary<string, string?> { ["Router:ResponsesTable"] = table });
        await using var second = await fixture.StartGatewayAsync(new Dictionary<string, string?> { ["Router:ResponsesTable"] = table });
        await first.SeedAsync("fast", "a", "dep-oai", "oai");
        using var created = await PostAsync(first, """{"model":"fast","input":"hi"}""");
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;

        using var got = await SendAsync(second, HttpMethod.Get, $"/api/v1/responses/{id}");

        Assert.Equal(HttpStatusCode.OK, got.StatusCode);
        Assert.Equal("dep-oai", got.Headers.GetValues("x-router-deployment").Single());
    }

    [Theory]
    [InlineData("GET", "")]
    [InlineData("GET", "/input_items")]
    [InlineData("POST", "/cancel")]
    [InlineData("DELETE", "")]
    public async Task StoredResponseCalls_Answered_ServerTimingAndNoTokensCountedTwice(string method, string suffix)
    {
        using var created = await PostAsync(fixture.Gateway, """{"model":"fast","input":"hi"}""", fixture.CallerKey);
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;

        using var response = await SendAsync(fixture.Gateway, new HttpMethod(method), $"/api/v1/responses/{id}{suffix}", fixture.CallerKey);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Matches(@"^gateway;dur=[\d.]+, upstream;dur=[\d.]+$", response.Headers.GetValues("Server-Timing").Single());
        var row = Assert.Single(await fixture.Gateway.WaitForUsageAsync(response.Headers.GetValues("x-request-id").Single()));
        Assert.False(row.ContainsKey("TotalTokens") && row["TotalTokens"] is not null, "A stored response's tokens were counted when it was created.");
    }

    [Fact]
    public async Task GetStoredResponse_UpstreamBreaksOffTheBody_ConnectionAbortedAndCountedAgainstTheDeployment()
    {
        var health = new RecordingHealth();
        await using var gateway = await fixture.StartGatewayAsync(configure: services => services.AddSingleton<FunctionsRouter.Gateway.Health.IDeploymentHealth>(health));
        var deployment = "cut.stored-" + Guid.NewGuid().ToString("N")[..8];
        await gateway.SeedAsync("resp-cut-stored", "a", deployment, "oai");
        using var created = await PostAsync(gateway, """{"model":"resp-cut-stored","input":"hi"}""");
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;

        await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            using var got = await SendAsync(gateway, HttpMethod.Get, $"/api/v1/responses/{id}");
            await got.Content.ReadAsByteArrayAsync();
        });

        var failure = Assert.Single(health.Failures);
        Assert.Equal(deployment, failure.Target.Deployment);
        Assert.Equal(FunctionsRouter.Gateway.Health.DeploymentFailure.ServerError, failure.Failure);
        var row = Assert.Single(await gateway.WaitForUsageAsync(Assert.Single(fixture.Upstream.Received, r => r.Path.EndsWith("/responses/" + id, StringComparison.Ordinal)).Headers["x-ms-client-request-id"]));
        Assert.Equal("upstream_stream_failed", row.GetString("ErrorCode"));
    }

    [Fact]
    public async Task GetModel_Alias_ModelObjectOrUnknownModel()
    {
        var models = new OpenAIModelClient(new ApiKeyCredential(fixture.CallerKey), new OpenAIClientOptions { Endpoint = OpenAIv1 });

        var model = await models.GetModelAsync("fast");
        var error = await Assert.ThrowsAsync<ClientResultException>(() => models.GetModelAsync("no-such-alias"));

        Assert.Equal("fast", model.Value.Id);
        Assert.Equal(404, error.Status);
        Assert.Contains("unknown_model", error.Message, StringComparison.Ordinal);
    }

    private static Task<HttpResponseMessage> PostAsync(GatewayHost gateway, string body, string? key = null) =>
        SendAsync(gateway, HttpMethod.Post, "/api/v1/responses", key, body);

    private static async Task<HttpResponseMessage> SendAsync(GatewayHost gateway, HttpMethod method, string path, string? key = null, string? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        if (key is not null)
        {
            request.Headers.Add("api-key", key);
        }

        return await gateway.Http.SendAsync(request);
    }

    private static async Task<JsonElement> ErrorOfAsync(HttpResponseMessage response)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.GetProperty("error").Clone();
    }

    /// <summary>A deployment health that keeps every deployment in rotation and records what it is told.</summary>
    private sealed class RecordingHealth : FunctionsRouter.Gateway.Health.IDeploymentHealth
    {
        public System.Collections.Concurrent.ConcurrentQueue<(FunctionsRouter.Gateway.Aliases.AliasTarget Target, FunctionsRouter.Gateway.Health.DeploymentFailure Failure)> Failures { get; } = new();

        public bool IsCoolingDown(FunctionsRouter.Gateway.Aliases.AliasTarget target, DateTimeOffset now, out DateTimeOffset until)
        {
            until = default;
            return false;
        }

        public FunctionsRouter.Gateway.Health.DeploymentState GetState(FunctionsRouter.Gateway.Aliases.AliasTarget target, DateTimeOffset now) => new(null, null, null, false);

        public void ReportSuccess(FunctionsRouter.Gateway.Aliases.AliasTarget target)
        {
        }

        public void ReportFailure(FunctionsRouter.Gateway.Aliases.AliasTarget target, FunctionsRouter.Gateway.Health.DeploymentFailure failure, TimeSpan? retryAfter, string callerId) =>
            Failures.Enqueue((target, failure));
    }
}
