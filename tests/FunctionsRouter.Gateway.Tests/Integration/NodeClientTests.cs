using System.Diagnostics;
using System.Text.Json;
using FunctionsRouter.Testing;

namespace FunctionsRouter.Gateway.Tests.Integration;

/// <summary>
/// The <c>openai</c> npm package (pinned in <c>tests/clients</c>): its <c>AzureOpenAI</c> class on the deployment URL
/// and on <c>/openai/responses</c>, and <c>OpenAI.responses.create</c>, run by <c>node</c> against the gateway (<c>tests/clients/clients.mjs</c>).
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class NodeClientTests(IntegrationFixture fixture)
{
    private static readonly string ClientsFolder = Path.Combine(RepositoryRoot.Path, "tests", "clients");

    [Fact]
    public async Task OpenAINpm_AzureOpenAIAndOpenAIWithAGatewayKey_WorkUnchanged()
    {
        await NpmFolder.EnsureInstalledAsync(ClientsFolder, Path.Combine("openai", "package.json"));
        var psi = new ProcessStartInfo("node")
        {
            ArgumentList = { "clients.mjs", fixture.Gateway.BaseUri.ToString().TrimEnd('/'), "fast", fixture.CallerKey },
            WorkingDirectory = ClientsFolder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var node = Process.Start(psi) ?? throw new InvalidOperationException("node did not start.");
        var stdout = node.StandardOutput.ReadToEndAsync();
        var stderr = node.StandardError.ReadToEndAsync();
        await node.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));

        Assert.True(node.ExitCode == 0, await stderr);
        using var result = JsonDocument.Parse(await stdout);
        var r = result.RootElement;
        Assert.Equal("Hello world", r.GetProperty("azureChat").GetString());
        Assert.Equal(FakeUpstream.PromptTokens + FakeUpstream.CompletionTokens, r.GetProperty("azureChatUsage").GetInt32());
        Assert.Equal("Hello world", r.GetProperty("azureChatStream").GetString());
        Assert.Equal(3, r.GetProperty("azureEmbedding").GetInt32());
        Assert.Equal("Hello world", r.GetProperty("response").GetString());
        Assert.Equal(FakeUpstream.PromptTokens + FakeUpstream.CompletionTokens, r.GetProperty("responseUsage").GetInt32());
        Assert.Equal("Hello world", r.GetProperty("responseStream").GetString());
        Assert.Equal(FakeUpstream.CompletionTokens, r.GetProperty("responseStreamUsage").GetInt32());
        Assert.Equal("Hello world", r.GetProperty("followUp").GetString());
        Assert.Equal("404 unknown_model", r.GetProperty("unknown").GetString());
        Assert.Equal("Hello world", r.GetProperty("openaiChat").GetString());
        Assert.Equal("401 invalid_credentials", r.GetProperty("unknownKey").GetString());
        Assert.Equal("Hello world", r.GetProperty("azureResponse").GetString());
        Assert.Equal("Hello world", r.GetProperty("azureFollowUp").GetString());
        Assert.True(r.GetProperty("azureRetrieved").GetBoolean());
        Assert.DoesNotContain(fixture.Upstream.Received, x => x.Path.Contains("/responses", StringComparison.Ordinal) && x.Query.Contains("api-version", StringComparison.Ordinal));
        Assert.Contains(fixture.Upstream.Received, x => x.Path == "/openai/v1/chat/completions" && x.Query.Length == 0);
    }
}
