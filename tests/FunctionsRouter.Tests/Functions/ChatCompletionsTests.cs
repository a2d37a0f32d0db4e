using FunctionsRouter.Functions;
using FunctionsRouter.Gateway.Forwarding;
using FunctionsRouter.Tests.Support;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;

namespace FunctionsRouter.Tests.Functions;

public sealed class ChatCompletionsTests : IDisposable
{
    private readonly ServiceProvider _services = GatewayServices.Build();

    private ChatCompletions Functions => new(_services.GetRequiredService<GatewayRequestHandler>());

    [Theory]
    [InlineData("{\"model\":\"fast\",\"messages\":[")]
    [InlineData("not json")]
    [InlineData("")]
    [InlineData("[{\"model\":\"fast\"}]")]
    [InlineData("{\"model\":\"fast\",\"messages\":[]} trailing")]
    public async Task ModelsChatCompletions_MalformedBody_EmptyResultAnd400InvalidJson(string body)
    {
        var request = TestHttp.Post("/api/models/chat/completions", body);

        var result = await Functions.ModelsChatCompletions(request, CancellationToken.None);

        Assert.IsType<EmptyResult>(result);
        Assert.Equal(400, request.HttpContext.Response.StatusCode);
        Assert.Equal("application/json", request.HttpContext.Response.ContentType);
        var error = TestHttp.ResponseError(request);
        Assert.Equal("invalid_json", error.GetProperty("code").GetString());
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal(400, error.GetProperty("status").GetInt32());
        Assert.Equal("invalid_json", request.HttpContext.Response.Headers["x-ms-error-code"].ToString());
    }

    [Fact]
    public async Task ModelsChatCompletions_NoModelInBodyOrHeader_400NoModelName()
    {
        var request = TestHttp.Post("/api/models/chat/completions", """{"messages":[{"role":"user","content":"hi"}]}""");

        var result = await Functions.ModelsChatCompletions(request, CancellationToken.None);

        Assert.IsType<EmptyResult>(result);
        Assert.Equal(400, request.HttpContext.Response.StatusCode);
        var error = TestHttp.ResponseError(request);
        Assert.Equal("no_model_name", error.GetProperty("code").GetString());
        Assert.Equal("model", error.GetProperty("param").GetString());
        Assert.Contains("azureml-model-deployment", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ModelsChatCompletions_ModelNullAndNoHeader_400NoModelName()
    {
        var request = TestHttp.Post("/api/models/chat/completions", """{"model":null,"messages":[]}""");

        await Functions.ModelsChatCompletions(request, CancellationToken.None);

        Assert.Equal(400, request.HttpContext.Response.StatusCode);
        Assert.Equal("no_model_name", TestHttp.ResponseError(request).GetProperty("code").GetString());
    }

    [Fact]
    public async Task OpenAIChatCompletions_ModelOnlyInDeploymentHeader_400NoModelName()
    {
        // The deployment header is the Azure AI Model Inference API's; the OpenAI surface reads only the body.
        var request = TestHttp.Post("/api/v1/chat/completions", """{"messages":[]}""", ("azureml-model-deployment", "fast"));

        var result = await Functions.OpenAIChatCompletions(request, CancellationToken.None);

        Assert.IsType<EmptyResult>(result);
        Assert.Equal(400, request.HttpContext.Response.StatusCode);
        var error = TestHttp.ResponseError(request);
        Assert.Equal("no_model_name", error.GetProperty("code").GetString());
        Assert.DoesNotContain("azureml-model-deployment", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenAIChatCompletions_MessagesMissing_400MissingRequiredParameter()
    {
        var request = TestHttp.Post("/api/v1/chat/completions", """{"model":"fast"}""");

        await Functions.OpenAIChatCompletions(request, CancellationToken.None);

        Assert.Equal(400, request.HttpContext.Response.StatusCode);
        var error = TestHttp.ResponseError(request);
        Assert.Equal("missing_required_parameter", error.GetProperty("code").GetString());
        Assert.Equal("messages", error.GetProperty("param").GetString());
    }

    [Fact]
    public async Task OpenAIChatCompletions_StreamNotBoolean_400InvalidType()
    {
        var request = TestHttp.Post("/api/v1/chat/completions", """{"model":"fast","messages":[],"stream":"yes"}""");

        await Functions.OpenAIChatCompletions(request, CancellationToken.None);

        Assert.Equal(400, request.HttpContext.Response.StatusCode);
        var error = TestHttp.ResponseError(request);
        Assert.Equal("invalid_type", error.GetProperty("code").GetString());
        Assert.Equal("stream", error.GetProperty("param").GetString());
    }

    [Fact]
    public async Task ModelsChatCompletions_BodyOverLimit_413RequestTooLarge()
    {
        using var services = GatewayServices.Build(("Router:MaxRequestBodyBytes", "1024"));
        var functions = new ChatCompletions(services.GetRequiredService<GatewayRequestHandler>());
        var request = TestHttp.Post("/api/models/chat/completions", "{\"model\":\"fast\",\"messages\":[{\"role\":\"user\",\"content\":\"" + new string('x', 2_000) + "\"}]}");

        await functions.ModelsChatCompletions(request, CancellationToken.None);

        Assert.Equal(413, request.HttpContext.Response.StatusCode);
        Assert.Equal("request_too_large", TestHttp.ResponseError(request).GetProperty("code").GetString());
        Assert.Equal(request.Body.Length, request.Body.Position);
    }

    [Fact]
    public async Task ModelsChatCompletions_CallerRequestId_EchoedOnTheError()
    {
        var request = TestHttp.Post("/api/models/chat/completions", "nope", ("x-request-id", "caller-req-42"));

        await Functions.ModelsChatCompletions(request, CancellationToken.None);

        Assert.Equal("caller-req-42", request.HttpContext.Response.Headers["x-request-id"].ToString());
    }

    [Fact]
    public void Functions_Metadata_AnonymousPostAndPreflightOnBothSurfaces()
    {
        var triggers = FunctionMetadata.HttpTriggers(typeof(ChatCompletions));

        Assert.Equal([nameof(ChatCompletions.ModelsChatCompletions), nameof(ChatCompletions.OpenAIChatCompletions)], triggers.Keys.Order(StringComparer.Ordinal));
        AssertTrigger(triggers[nameof(ChatCompletions.ModelsChatCompletions)], "models/chat/completions");
        AssertTrigger(triggers[nameof(ChatCompletions.OpenAIChatCompletions)], "v1/chat/completions");
    }

    public void Dispose() => _services.Dispose();

    private static void AssertTrigger(HttpTriggerAttribute trigger, string route)
    {
        // The host lets every request through; the gateway's own admission authenticates it (and answers preflights).
        Assert.Equal(AuthorizationLevel.Anonymous, trigger.AuthLevel);
        Assert.Equal(["post", "options"], trigger.Methods ?? []);
        Assert.Equal(route, trigger.Route);
    }
}
