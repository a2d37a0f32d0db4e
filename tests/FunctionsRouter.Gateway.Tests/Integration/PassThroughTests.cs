using System.Net;
using System.Text;
using System.Text.Json;

namespace FunctionsRouter.Gateway.Tests.Integration;

/// <summary>What reaches the upstream and what comes back: everything but <c>model</c> passes unchanged.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class PassThroughTests(IntegrationFixture fixture)
{
    private HttpClient Http => fixture.Gateway.Http;

    [Fact]
    public async Task Post_BodyWithToolsImagesAndUnknownFields_ReachesUpstreamByteForByteButModel()
    {
        const string Template = """{ "model" : "MODEL", "messages":[{"role":"user","content":[{"type":"text","text":"caf\u00e9 \"q\""},{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}}]}],"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object"}}}],"tool_choice":"auto","response_format":{"type":"json_object"},"seed":42,"temperature":1.0e0,"my_extra":{"nested":[1,2,3]} }""";
        var body = Template.Replace("MODEL", "chat-default", StringComparison.Ordinal);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/models/chat/completions?api-version=2024-05-01-preview")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("extra-parameters", "pass-through");
        request.Headers.Add("x-request-id", "caller-req-1");

        using var response = await Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = fixture.Upstream.Received.Last(r => r.Headers.TryGetValue("x-ms-client-request-id", out var id) && id == "caller-req-1");
        Assert.Equal(Template.Replace("MODEL", "dep-chat", StringComparison.Ordinal), sent.BodyText);
        Assert.Equal("pass-through", sent.Headers["extra-parameters"]);
        Assert.Equal("?api-version=2025-04-01", sent.Query);
        Assert.Equal("caller-req-1", response.Headers.GetValues("x-request-id").Single());
        Assert.Equal("chat-default", response.Headers.GetValues("x-router-alias").Single());
        Assert.Equal("dep-chat", response.Headers.GetValues("x-router-deployment").Single());
        Assert.Matches(@"^gateway;dur=[\d.]+, upstream;dur=[\d.]+$", response.Headers.GetValues("Server-Timing").Single());
        Assert.Equal("99", response.Headers.GetValues("x-ratelimit-remaining-requests").Single());
    }

    [Fact]
    public async Task Post_UpstreamResponse_ReachesCallerUnchanged()
    {
        using var response = await Http.PostAsync("/api/v1/chat/completions", Json("""{"model":"fast","messages":[{"role":"user","content":"hi"}]}"""));

        var text = await response.Content.ReadAsStringAsync();
        using var json = JsonDocument.Parse(text);
        Assert.Equal("dep-oai-2024", json.RootElement.GetProperty("model").GetString());
        Assert.True(json.RootElement.GetProperty("custom_field").GetProperty("kept").GetBoolean());
        Assert.Equal("fp_x", json.RootElement.GetProperty("system_fingerprint").GetString());
        Assert.StartsWith("up-", response.Headers.GetValues("apim-request-id").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_ModelsApiWithDeploymentHeaderAndNoModel_RoutesByHeader()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/models/chat/completions")
        {
            Content = Json("""{"messages":[{"role":"user","content":"hi"}]}"""),
        };
        request.Headers.Add("azureml-model-deployment", "CHAT-DEFAULT");

        using var response = await Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("chat-default", response.Headers.GetValues("x-router-alias").Single());
        var sent = fixture.Upstream.Received.Last();
        Assert.Equal("""{"model":"dep-chat","messages":[{"role":"user","content":"hi"}]}""", sent.BodyText);
        Assert.False(sent.Headers.ContainsKey("azureml-model-deployment"));
    }

    [Theory]
    [InlineData("/api/models/embeddings", "/models/embeddings")]
    [InlineData("/api/v1/embeddings", "/models/embeddings")]
    public async Task Post_Embeddings_RoutedAndUsageRecorded(string route, string upstreamPath)
    {
        var requestId = "emb-" + Guid.NewGuid().ToString("N");
        using var request = new HttpRequestMessage(HttpMethod.Post, route) { Content = Json("""{"model":"embed","input":"hello"}""") };
        request.Headers.Add("x-request-id", requestId);

        using var response = await Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(upstreamPath, fixture.Upstream.LastFor("dep-embed").Path);
        var row = Assert.Single(await fixture.Gateway.WaitForUsageAsync(requestId));
        Assert.Equal("embeddings", row.GetString("Operation"));
        Assert.Equal(FakeUpstream.PromptTokens, row.GetInt32("PromptTokens"));
        Assert.Equal(FakeUpstream.PromptTokens, row.GetInt32("TotalTokens"));
    }

    [Fact]
    public async Task GetModels_ListsAliasesWithAnEnabledTarget()
    {
        var text = await Http.GetStringAsync("/api/v1/models");

        using var json = JsonDocument.Parse(text);
        Assert.Equal("list", json.RootElement.GetProperty("object").GetString());
        var ids = json.RootElement.GetProperty("data").EnumerateArray().Select(e => e.GetProperty("id").GetString()).ToList();
        Assert.Contains("chat-default", ids);
        Assert.Contains("fast", ids);
        Assert.DoesNotContain("disabled", ids);
        Assert.All(json.RootElement.GetProperty("data").EnumerateArray(), e => Assert.Equal("model", e.GetProperty("object").GetString()));
    }

    [Fact]
    public async Task GetHealth_AnswersOkWithoutUpstream()
    {
        var before = fixture.Upstream.Received.Count;

        using var response = await Http.GetAsync("/api/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"status":"ok"}""", await response.Content.ReadAsStringAsync());
        Assert.Equal(before, fixture.Upstream.Received.Count);
    }

    internal static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}
