using FunctionsRouter.Functions;
using FunctionsRouter.Gateway.Forwarding;
using FunctionsRouter.Tests.Support;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;

namespace FunctionsRouter.Tests.Functions;

public sealed class EmbeddingsTests : IDisposable
{
    private readonly ServiceProvider _services = GatewayServices.Build();

    private Embeddings Functions => new(_services.GetRequiredService<GatewayRequestHandler>());

    [Fact]
    public async Task ModelsEmbeddings_MalformedBody_EmptyResultAnd400InvalidJson()
    {
        var request = TestHttp.Post("/api/models/embeddings", """{"model":"emb","input":["a",}""");

        var result = await Functions.ModelsEmbeddings(request, CancellationToken.None);

        Assert.IsType<EmptyResult>(result);
        Assert.Equal(400, request.HttpContext.Response.StatusCode);
        Assert.Equal("invalid_json", TestHttp.ResponseError(request).GetProperty("code").GetString());
    }

    [Fact]
    public async Task OpenAIEmbeddings_NoModel_400NoModelNameNotMissingMessages()
    {
        var request = TestHttp.Post("/api/v1/embeddings", """{"input":"hello"}""");

        var result = await Functions.OpenAIEmbeddings(request, CancellationToken.None);

        Assert.IsType<EmptyResult>(result);
        Assert.Equal(400, request.HttpContext.Response.StatusCode);
        var error = TestHttp.ResponseError(request);
        Assert.Equal("no_model_name", error.GetProperty("code").GetString());
        Assert.Equal("model", error.GetProperty("param").GetString());
    }

    [Fact]
    public async Task OpenAIEmbeddings_ModelWrongType_400InvalidType()
    {
        var request = TestHttp.Post("/api/v1/embeddings", """{"model":["emb"],"input":"hello"}""");

        await Functions.OpenAIEmbeddings(request, CancellationToken.None);

        Assert.Equal(400, request.HttpContext.Response.StatusCode);
        var error = TestHttp.ResponseError(request);
        Assert.Equal("invalid_type", error.GetProperty("code").GetString());
        Assert.Equal("model", error.GetProperty("param").GetString());
    }

    [Fact]
    public void Functions_Metadata_AnonymousPostAndPreflightOnBothSurfaces()
    {
        var triggers = FunctionMetadata.HttpTriggers(typeof(Embeddings));

        Assert.Equal([nameof(Embeddings.ModelsEmbeddings), nameof(Embeddings.OpenAIEmbeddings)], triggers.Keys.Order(StringComparer.Ordinal));
        Assert.All(triggers.Values, t => Assert.Equal(AuthorizationLevel.Anonymous, t.AuthLevel));
        Assert.All(triggers.Values, t => Assert.Equal(["post", "options"], t.Methods ?? []));
        Assert.Equal("models/embeddings", triggers[nameof(Embeddings.ModelsEmbeddings)].Route);
        Assert.Equal("v1/embeddings", triggers[nameof(Embeddings.OpenAIEmbeddings)].Route);
    }

    public void Dispose() => _services.Dispose();
}
