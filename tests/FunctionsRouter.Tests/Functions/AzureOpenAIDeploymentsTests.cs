using FunctionsRouter.Functions;
using FunctionsRouter.Gateway.Forwarding;
using FunctionsRouter.Tests.Support;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;

namespace FunctionsRouter.Tests.Functions;

public sealed class AzureOpenAIDeploymentsTests : IDisposable
{
    private readonly ServiceProvider _services = GatewayServices.Build();

    private AzureOpenAIDeployments Functions => new(_services.GetRequiredService<GatewayRequestHandler>());

    [Fact]
    public async Task AzureOpenAIChatCompletions_MalformedBody_EmptyResultAnd400InvalidJson()
    {
        var request = TestHttp.Post("/api/openai/deployments/chat/chat/completions", "{\"messages\":[");

        var result = await Functions.AzureOpenAIChatCompletions(request, "chat", CancellationToken.None);

        Assert.IsType<EmptyResult>(result);
        Assert.Equal(400, request.HttpContext.Response.StatusCode);
        Assert.Equal("invalid_json", TestHttp.ResponseError(request).GetProperty("code").GetString());
    }

    [Fact]
    public async Task AzureOpenAIChatCompletions_NoMessages_400MissingRequiredParameterWithoutModelInBody()
    {
        // The alias is the path's: a body without model is not refused for it.
        var request = TestHttp.Post("/api/openai/deployments/chat/chat/completions", "{}");

        await Functions.AzureOpenAIChatCompletions(request, "chat", CancellationToken.None);

        Assert.Equal(400, request.HttpContext.Response.StatusCode);
        Assert.Equal("missing_required_parameter", TestHttp.ResponseError(request).GetProperty("code").GetString());
    }

    [Fact]
    public async Task AzureOpenAIEmbeddings_MalformedBody_EmptyResultAnd400InvalidJson()
    {
        var request = TestHttp.Post("/api/openai/deployments/embed/embeddings", "not json");

        var result = await Functions.AzureOpenAIEmbeddings(request, "embed", CancellationToken.None);

        Assert.IsType<EmptyResult>(result);
        Assert.Equal(400, request.HttpContext.Response.StatusCode);
        Assert.Equal("invalid_json", TestHttp.ResponseError(request).GetProperty("code").GetString());
    }

    [Fact]
    public void Functions_Metadata_AnonymousPostAndOptionsOnTheDeploymentUrls()
    {
        var triggers = FunctionMetadata.HttpTriggers(typeof(AzureOpenAIDeployments));

        Assert.Equal([nameof(AzureOpenAIDeployments.AzureOpenAIChatCompletions), nameof(AzureOpenAIDeployments.AzureOpenAIEmbeddings)], triggers.Keys.Order(StringComparer.Ordinal));
        AssertTrigger(triggers[nameof(AzureOpenAIDeployments.AzureOpenAIChatCompletions)], "openai/deployments/{alias}/chat/completions");
        AssertTrigger(triggers[nameof(AzureOpenAIDeployments.AzureOpenAIEmbeddings)], "openai/deployments/{alias}/embeddings");
    }

    public void Dispose() => _services.Dispose();

    private static void AssertTrigger(HttpTriggerAttribute trigger, string route)
    {
        Assert.Equal(AuthorizationLevel.Anonymous, trigger.AuthLevel);
        Assert.Equal(["post", "options"], trigger.Methods ?? []);
        Assert.Equal(route, trigger.Route);
    }
}
