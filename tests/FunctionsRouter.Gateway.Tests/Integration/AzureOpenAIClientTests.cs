using System.ClientModel;
using System.Net;
using System.Text;
using Azure.AI.OpenAI;
using OpenAI.Chat;

namespace FunctionsRouter.Gateway.Tests.Integration;

/// <summary>
/// Azure.AI.OpenAI's <see cref="AzureOpenAIClient"/>, pointed at the gateway (the function app's URL plus <c>/api</c>)
/// and changed in nothing else: it calls <c>/openai/deployments/{deployment}/…?api-version=…</c>, the deployment being the alias.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class AzureOpenAIClientTests(IntegrationFixture fixture)
{
    private AzureOpenAIClient Client => new(new Uri(fixture.Gateway.BaseUri, "/api"), new ApiKeyCredential(fixture.CallerKey));

    [Fact]
    public async Task CompleteChat_DeploymentIsAlias_AnswersFromTargetWithItsApiVersionAndRecordsUsage()
    {
        var chat = Client.GetChatClient("chat-default");

        ClientResult<ChatCompletion> result = await chat.CompleteChatAsync([new UserChatMessage("Say hello")]);

        Assert.Equal("Hello world", result.Value.Content[0].Text);
        Assert.Equal(FakeUpstream.PromptTokens, result.Value.Usage.InputTokenCount);
        var raw = result.GetRawResponse();
        Assert.Equal("dep-chat", raw.Headers.TryGetValue("x-router-deployment", out var deployment) ? deployment : null);
        var sent = fixture.Upstream.LastFor("dep-chat");
        Assert.Equal("/models/chat/completions", sent.Path);
        Assert.Equal("?api-version=2025-04-01", sent.Query); // The endpoint's own, not the client's.
        Assert.Equal("upstream-key", sent.Headers["api-key"]);

        Assert.True(raw.Headers.TryGetValue("x-request-id", out var requestId));
        var row = Assert.Single(await fixture.Gateway.WaitForUsageAsync(requestId!));
        Assert.Equal("chat-default", row.GetString("Alias"));
        Assert.Equal("chat.completions", row.GetString("Operation"));
        Assert.Equal("dep-chat", row.GetString("Deployment"));
        Assert.Equal(FakeUpstream.PromptTokens, row.GetInt32("PromptTokens"));
        Assert.Equal(FakeUpstream.CompletionTokens, row.GetInt32("CompletionTokens"));
    }

    [Fact]
    public async Task CompleteChatStreaming_DeploymentIsAlias_StreamsAllContentWithUsage()
    {
        var chat = Client.GetChatClient("fast");

        var text = new StringBuilder();
        ChatTokenUsage? usage = null;
        await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage("Say hello")]))
        {
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }

            usage ??= update.Usage;
        }

        Assert.Equal("Hello world", text.ToString());
        var sent = fixture.Upstream.LastFor("dep-oai");
        Assert.Equal("/openai/v1/chat/completions", sent.Path);
        Assert.Equal(string.Empty, sent.Query);
        Assert.Contains("\"include_usage\":true", sent.BodyText, StringComparison.Ordinal);
        Assert.Equal(FakeUpstream.PromptTokens + FakeUpstream.CompletionTokens, usage?.TotalTokenCount);
    }

    [Fact]
    public async Task GenerateEmbedding_DeploymentIsAlias_RoutesToEmbeddingsAndRecordsUsage()
    {
        var embeddings = Client.GetEmbeddingClient("embed");

        var result = await embeddings.GenerateEmbeddingAsync("hello");

        Assert.Equal(3, result.Value.ToFloats().Length);
        Assert.Equal("/models/embeddings", fixture.Upstream.LastFor("dep-embed").Path);
        Assert.True(result.GetRawResponse().Headers.TryGetValue("x-request-id", out var requestId));
        var row = Assert.Single(await fixture.Gateway.WaitForUsageAsync(requestId!));
        Assert.Equal("embeddings", row.GetString("Operation"));
        Assert.Equal("embed", row.GetString("Alias"));
        Assert.Equal(FakeUpstream.PromptTokens, row.GetInt32("PromptTokens"));
    }

    [Fact]
    public async Task CompleteChat_UnknownDeployment_SdkSees404UnknownModel()
    {
        var chat = Client.GetChatClient("no-such-deployment");

        var error = await Assert.ThrowsAsync<ClientResultException>(() => chat.CompleteChatAsync([new UserChatMessage("hi")]));

        Assert.Equal(404, error.Status);
        Assert.Contains("Unknown model: no-such-deployment", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"messages":[{"role":"user","content":"hi"}]}""")]
    [InlineData("""{"model":"something-else","messages":[{"role":"user","content":"hi"}]}""")]
    public async Task Post_BodyModelAbsentOrOther_PathAliasDecidesAndModelBecomesDeployment(string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");

        using var response = await fixture.Gateway.Http.PostAsync("/api/openai/deployments/fast/chat/completions?api-version=2024-10-21", content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("fast", response.Headers.GetValues("x-router-alias").Single());
        var sent = fixture.Upstream.LastFor("dep-oai");
        Assert.StartsWith("""{"model":"dep-oai",""", sent.BodyText, StringComparison.Ordinal);
        Assert.DoesNotContain("something-else", sent.BodyText, StringComparison.Ordinal);
        Assert.Equal(string.Empty, sent.Query);
    }

    [Fact]
    public async Task Post_PercentEncodedAlias_DecodedBeforeLookup()
    {
        using var content = new StringContent("""{"messages":[]}""", Encoding.UTF8, "application/json");

        using var response = await fixture.Gateway.Http.PostAsync("/api/openai/deployments/chat%2Ddefault/chat/completions?api-version=2024-10-21", content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("dep-chat", response.Headers.GetValues("x-router-deployment").Single());
    }

    [Theory]
    [InlineData("chat/completions", """{"messages":[]}""")]
    [InlineData("embeddings", """{"input":"hi"}""")]
    public async Task Post_UnknownAlias_404UnknownModelAndUsageRow(string operation, string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");

        using var response = await fixture.Gateway.Http.PostAsync($"/api/openai/deployments/nope/{operation}?api-version=2024-10-21", content);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("\"code\":\"unknown_model\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var row = Assert.Single(await fixture.Gateway.WaitForUsageAsync(response.Headers.GetValues("x-request-id").Single()));
        Assert.Equal(404, row.GetInt32("HttpStatus"));
        Assert.Equal("unknown_model", row.GetString("ErrorCode"));
    }
}
