using System.ClientModel;
using Azure;
using Azure.AI.Inference;
using OpenAI;
using OpenAI.Chat;

namespace FunctionsRouter.Gateway.Tests.Integration;

/// <summary>The real SDK clients, pointed at the gateway and changed in nothing else.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class SdkClientTests(IntegrationFixture fixture)
{
    private Uri Models => new(fixture.Gateway.BaseUri, "/api/models");

    private Uri OpenAIv1 => new(fixture.Gateway.BaseUri, "/api/v1");

    [Fact]
    public async Task AzureAIInferenceComplete_Alias_AnswersFromDeploymentAndRecordsUsage()
    {
        var client = new ChatCompletionsClient(Models, new AzureKeyCredential(fixture.CallerKey));

        var response = await client.CompleteAsync(new ChatCompletionsOptions
        {
            Messages = { new ChatRequestUserMessage("Say hello") },
            Model = "chat-default",
        });

        Assert.Equal("Hello world", response.Value.Content);
        Assert.Equal(FakeUpstream.PromptTokens, response.Value.Usage.PromptTokens);
        var raw = response.GetRawResponse();
        Assert.True(raw.Headers.TryGetValue("x-router-deployment", out var deployment));
        Assert.Equal("dep-chat", deployment);
        var sent = fixture.Upstream.LastFor("dep-chat");
        Assert.Equal("/models/chat/completions", sent.Path);
        Assert.Equal("?api-version=2025-04-01", sent.Query);
        Assert.Equal("upstream-key", sent.Headers["api-key"]);
        Assert.True(raw.Headers.TryGetValue("x-request-id", out var requestId));

        var rows = await fixture.Gateway.WaitForUsageAsync(requestId!);
        var row = Assert.Single(rows);
        Assert.Equal("chat-default", row.GetString("Alias"));
        Assert.Equal("dep-chat", row.GetString("Deployment"));
        Assert.Equal(FakeUpstream.PromptTokens, row.GetInt32("PromptTokens"));
        Assert.Equal(FakeUpstream.CompletionTokens, row.GetInt32("CompletionTokens"));
        Assert.Equal(200, row.GetInt32("HttpStatus"));
        Assert.False(row.GetBoolean("Streamed"));
    }

    [Fact]
    public async Task AzureAIInferenceCompleteStreaming_Alias_StreamsAllContent()
    {
        var client = new ChatCompletionsClient(Models, new AzureKeyCredential(fixture.CallerKey));

        var text = new System.Text.StringBuilder();
        await foreach (var update in await client.CompleteStreamingAsync(new ChatCompletionsOptions
        {
            Messages = { new ChatRequestUserMessage("Say hello") },
            Model = "chat-default",
        }))
        {
            text.Append(update.ContentUpdate);
        }

        Assert.Equal("Hello world", text.ToString());
        var sent = fixture.Upstream.LastFor("dep-chat");
        Assert.Contains("\"include_usage\":true", sent.BodyText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenAICompleteChat_AliasOnOpenAIEndpoint_AnswersAndRecordsUsage()
    {
        var client = new ChatClient("fast", new ApiKeyCredential(fixture.CallerKey), new OpenAIClientOptions { Endpoint = OpenAIv1 });

        ChatCompletion completion = await client.CompleteChatAsync([new UserChatMessage("Say hello")]);

        Assert.Equal("Hello world", completion.Content[0].Text);
        Assert.Equal(FakeUpstream.CompletionTokens, completion.Usage.OutputTokenCount);
        var sent = fixture.Upstream.LastFor("dep-oai");
        Assert.Equal("/openai/v1/chat/completions", sent.Path);
        Assert.Equal(string.Empty, sent.Query);
    }

    [Fact]
    public async Task OpenAICompleteChatStreaming_Alias_StreamsContentAndExactUsage()
    {
        var client = new ChatClient("fast", new ApiKeyCredential(fixture.CallerKey), new OpenAIClientOptions { Endpoint = OpenAIv1 });

        var text = new System.Text.StringBuilder();
        ChatTokenUsage? usage = null;
        await foreach (var update in client.CompleteChatStreamingAsync([new UserChatMessage("Say hello")]))
        {
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }

            usage ??= update.Usage;
        }

        Assert.Equal("Hello world", text.ToString());
        // The SDK asks for usage itself, so the usage chunk reaches it.
        Assert.NotNull(usage);
        Assert.Equal(FakeUpstream.PromptTokens + FakeUpstream.CompletionTokens, usage!.TotalTokenCount);
    }

    [Fact]
    public async Task OpenAIEmbeddings_Alias_RoutesToEmbeddingsPath()
    {
        var client = new OpenAI.Embeddings.EmbeddingClient("embed", new ApiKeyCredential(fixture.CallerKey), new OpenAIClientOptions { Endpoint = OpenAIv1 });

        var embedding = await client.GenerateEmbeddingAsync("hello");

        Assert.Equal(3, embedding.Value.ToFloats().Length);
        Assert.Equal("/models/embeddings", fixture.Upstream.LastFor("dep-embed").Path);
    }

    [Fact]
    public async Task OpenAICompleteChat_UnknownAlias_SdkSeesUnknownModel()
    {
        var client = new ChatClient("no-such-alias", new ApiKeyCredential(fixture.CallerKey), new OpenAIClientOptions { Endpoint = OpenAIv1 });

        var error = await Assert.ThrowsAsync<ClientResultException>(() => client.CompleteChatAsync([new UserChatMessage("hi")]));

        Assert.Equal(404, error.Status);
        Assert.Contains("Unknown model: no-such-alias", error.Message, StringComparison.Ordinal);
    }
}
