using FunctionsRouter.Functions;
using FunctionsRouter.Gateway.Forwarding;
using FunctionsRouter.Tests.Support;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;

namespace FunctionsRouter.Tests.Functions;

/// <summary>
/// The Functions adapters with anonymous access off, as deployed: the host lets every request through (the triggers are
/// Anonymous) and the gateway's admission answers. Storage here is a port nobody listens on, so any table read would
/// show as a 503, not a 401.
/// </summary>
public sealed class AdmissionTests : IDisposable
{
    private readonly ServiceProvider _services = GatewayServices.Build(
        ("Router:AllowAnonymous", "false"),
        ("Router:Cors:AllowedOrigins", "https://app.example"));

    [Fact]
    public async Task OpenAIChatCompletions_NoCredential_401MissingCredentialsAfterDrainingTheBody()
    {
        var request = TestHttp.Post("/api/v1/chat/completions", """{"model":"fast","messages":[]}""");

        var result = await new ChatCompletions(_services.GetRequiredService<GatewayRequestHandler>()).OpenAIChatCompletions(request, CancellationToken.None);

        Assert.IsType<EmptyResult>(result);
        Assert.Equal(401, request.HttpContext.Response.StatusCode);
        Assert.Equal("missing_credentials", TestHttp.ResponseError(request).GetProperty("code").GetString());
        Assert.Equal("Bearer realm=\"FunctionsRouter\"", request.HttpContext.Response.Headers.WWWAuthenticate.ToString());
        Assert.Equal(request.Body.Length, request.Body.Position);
    }

    [Fact]
    public async Task ModelsEmbeddings_MalformedKey_401InvalidCredentialsWithoutATableRead()
    {
        var request = TestHttp.Post("/api/models/embeddings", """{"model":"embed","input":"x"}""", ("api-key", "not-a-gateway-key"));

        await new Embeddings(_services.GetRequiredService<GatewayRequestHandler>()).ModelsEmbeddings(request, CancellationToken.None);

        Assert.Equal(401, request.HttpContext.Response.StatusCode);
        Assert.Equal("invalid_credentials", TestHttp.ResponseError(request).GetProperty("code").GetString());
    }

    [Fact]
    public async Task ListModels_NoCredential_401()
    {
        var request = TestHttp.Get("/api/v1/models");

        await new Models(_services.GetRequiredService<ModelListHandler>()).ListModels(request, CancellationToken.None);

        Assert.Equal(401, request.HttpContext.Response.StatusCode);
    }

    [Fact]
    public async Task OpenAIChatCompletions_PreflightFromAllowedOrigin_204WithCorsHeaders()
    {
        var request = TestHttp.Get("/api/v1/chat/completions");
        request.Method = "OPTIONS";
        request.Headers.Origin = "https://app.example";
        request.Headers.AccessControlRequestMethod = "POST";
        request.Headers.AccessControlRequestHeaders = "authorization, x-stainless-arch";

        await new ChatCompletions(_services.GetRequiredService<GatewayRequestHandler>()).OpenAIChatCompletions(request, CancellationToken.None);

        var response = request.HttpContext.Response;
        Assert.Equal(204, response.StatusCode);
        Assert.Equal("https://app.example", response.Headers.AccessControlAllowOrigin.ToString());
        Assert.Equal("authorization, x-stainless-arch", response.Headers.AccessControlAllowHeaders.ToString());
    }

    public void Dispose() => _services.Dispose();
}
