using FunctionsRouter.Functions;
using FunctionsRouter.Gateway.Forwarding;
using FunctionsRouter.Gateway.Responses;
using FunctionsRouter.Tests.Support;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;

namespace FunctionsRouter.Tests.Functions;

public sealed class ResponsesTests : IDisposable
{
    // Longer than any table key the store accepts: refused before any table or upstream call.
    private static readonly string UnstorableId = "resp_" + new string('x', 300);

    private readonly ServiceProvider _services = GatewayServices.Build();

    private Responses Functions => new(_services.GetRequiredService<GatewayRequestHandler>(), _services.GetRequiredService<StoredResponseHandler>());

    [Fact]
    public async Task CreateResponse_PreviousResponseIdNotAString_400InvalidType()
    {
        var request = TestHttp.Post("/api/v1/responses", """{"model":"fast","input":"hi","previous_response_id":42}""");

        var result = await Functions.CreateResponse(request, CancellationToken.None);

        Assert.IsType<EmptyResult>(result);
        Assert.Equal(400, request.HttpContext.Response.StatusCode);
        var error = TestHttp.ResponseError(request);
        Assert.Equal("invalid_type", error.GetProperty("code").GetString());
        Assert.Equal("previous_response_id", error.GetProperty("param").GetString());
    }

    [Fact]
    public async Task CreateResponse_NoModel_400NoModelName()
    {
        var request = TestHttp.Post("/api/v1/responses", """{"input":"hi"}""");

        await Functions.CreateResponse(request, CancellationToken.None);

        Assert.Equal(400, request.HttpContext.Response.StatusCode);
        Assert.Equal("no_model_name", TestHttp.ResponseError(request).GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("DELETE")]
    public async Task StoredResponse_IdTheGatewayCannotHaveStored_404ResponseNotFound(string method)
    {
        var request = TestHttp.Send(method, "/api/v1/responses/" + UnstorableId);

        var result = await Functions.StoredResponse(request, UnstorableId, CancellationToken.None);

        Assert.IsType<EmptyResult>(result);
        Assert.Equal(404, request.HttpContext.Response.StatusCode);
        Assert.Equal("response_not_found", TestHttp.ResponseError(request).GetProperty("code").GetString());
    }

    [Fact]
    public async Task AzureOpenAICreateResponse_NoModel_400NoModelName()
    {
        var request = TestHttp.Post("/api/openai/responses", """{"input":"hi"}""");

        await Functions.AzureOpenAICreateResponse(request, CancellationToken.None);

        Assert.Equal(400, request.HttpContext.Response.StatusCode);
        Assert.Equal("no_model_name", TestHttp.ResponseError(request).GetProperty("code").GetString());
    }

    [Fact]
    public async Task AzureOpenAIStoredResponse_IdTheGatewayCannotHaveStored_404ResponseNotFound()
    {
        var request = TestHttp.Send("GET", "/api/openai/responses/" + UnstorableId);

        await Functions.AzureOpenAIStoredResponse(request, UnstorableId, CancellationToken.None);

        Assert.Equal(404, request.HttpContext.Response.StatusCode);
        Assert.Equal("response_not_found", TestHttp.ResponseError(request).GetProperty("code").GetString());
    }

    [Fact]
    public async Task CancelResponse_IdTheGatewayCannotHaveStored_404ResponseNotFound()
    {
        var request = TestHttp.Send("POST", "/api/v1/responses/" + UnstorableId + "/cancel");

        await Functions.CancelResponse(request, UnstorableId, CancellationToken.None);

        Assert.Equal(404, request.HttpContext.Response.StatusCode);
        Assert.Equal("response_not_found", TestHttp.ResponseError(request).GetProperty("code").GetString());
    }

    [Fact]
    public async Task ListResponseInputItems_IdTheGatewayCannotHaveStored_404ResponseNotFound()
    {
        var request = TestHttp.Send("GET", "/api/v1/responses/" + UnstorableId + "/input_items");

        await Functions.ListResponseInputItems(request, UnstorableId, CancellationToken.None);

        Assert.Equal(404, request.HttpContext.Response.StatusCode);
        Assert.Equal("response_not_found", TestHttp.ResponseError(request).GetProperty("code").GetString());
    }

    [Fact]
    public void Functions_Metadata_AnonymousWithOptionsOnTheResponsesRoutes()
    {
        var triggers = FunctionMetadata.HttpTriggers(typeof(Responses));

        Assert.Equal(8, triggers.Count);
        AssertTrigger(triggers[nameof(Responses.CreateResponse)], ["post", "options"], "v1/responses");
        AssertTrigger(triggers[nameof(Responses.StoredResponse)], ["get", "delete", "options"], "v1/responses/{id}");
        AssertTrigger(triggers[nameof(Responses.CancelResponse)], ["post", "options"], "v1/responses/{id}/cancel");
        AssertTrigger(triggers[nameof(Responses.ListResponseInputItems)], ["get", "options"], "v1/responses/{id}/input_items");
        AssertTrigger(triggers[nameof(Responses.AzureOpenAICreateResponse)], ["post", "options"], "openai/responses");
        AssertTrigger(triggers[nameof(Responses.AzureOpenAIStoredResponse)], ["get", "delete", "options"], "openai/responses/{id}");
        AssertTrigger(triggers[nameof(Responses.AzureOpenAICancelResponse)], ["post", "options"], "openai/responses/{id}/cancel");
        AssertTrigger(triggers[nameof(Responses.AzureOpenAIListResponseInputItems)], ["get", "options"], "openai/responses/{id}/input_items");
    }

    public void Dispose() => _services.Dispose();

    private static void AssertTrigger(HttpTriggerAttribute trigger, string[] methods, string route)
    {
        Assert.Equal(AuthorizationLevel.Anonymous, trigger.AuthLevel);
        Assert.Equal(methods, trigger.Methods ?? []);
        Assert.Equal(route, trigger.Route);
    }
}
