using FunctionsRouter.Gateway.Forwarding;
using FunctionsRouter.Gateway.Requests;
using FunctionsRouter.Gateway.Responses;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace FunctionsRouter.Functions;

/// <summary>
/// The OpenAI Responses API: create (routed by <c>model</c>, or to where <c>previous_response_id</c> lives), and the
/// calls about a stored response (sent to the deployment that holds it), at <c>v1/responses</c> and at
/// <c>openai/responses</c> (AzureOpenAI clients). Admission is the gateway's own, hence anonymous.
/// </summary>
public sealed class Responses(GatewayRequestHandler gateway, StoredResponseHandler stored)
{
    [Function(nameof(CreateResponse))]
    public async Task<IActionResult> CreateResponse(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", "options", Route = "v1/responses")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        await gateway.HandleAsync(request.HttpContext, GatewayOperation.Responses, ApiSurface.OpenAI);
        return new EmptyResult();
    }

    /// <summary><c>GET</c> or <c>DELETE</c> one stored response (one function: the host routes a path to one function).</summary>
    [Function(nameof(StoredResponse))]
    public async Task<IActionResult> StoredResponse(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "delete", "options", Route = "v1/responses/{id}")] HttpRequest request,
        string id,
        CancellationToken cancellationToken)
    {
        var operation = HttpMethods.IsDelete(request.Method) ? StoredResponseOperation.Delete : StoredResponseOperation.Get;
        await stored.HandleAsync(request.HttpContext, operation, id);
        return new EmptyResult();
    }

    [Function(nameof(CancelResponse))]
    public async Task<IActionResult> CancelResponse(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", "options", Route = "v1/responses/{id}/cancel")] HttpRequest request,
        string id,
        CancellationToken cancellationToken)
    {
        await stored.HandleAsync(request.HttpContext, StoredResponseOperation.Cancel, id);
        return new EmptyResult();
    }

    [Function(nameof(ListResponseInputItems))]
    public async Task<IActionResult> ListResponseInputItems(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "options", Route = "v1/responses/{id}/input_items")] HttpRequest request,
        string id,
        CancellationToken cancellationToken)
    {
        await stored.HandleAsync(request.HttpContext, StoredResponseOperation.InputItems, id);
        return new EmptyResult();
    }

    // The same calls where AzureOpenAI clients make them: <endpoint>/openai/responses…?api-version=… (not forwarded).
    [Function(nameof(AzureOpenAICreateResponse))]
    public async Task<IActionResult> AzureOpenAICreateResponse(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", "options", Route = "openai/responses")] HttpRequest request,
        CancellationToken cancellationToken) =>
        await CreateResponse(request, cancellationToken);

    [Function(nameof(AzureOpenAIStoredResponse))]
    public async Task<IActionResult> AzureOpenAIStoredResponse(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "delete", "options", Route = "openai/responses/{id}")] HttpRequest request,
        string id,
        CancellationToken cancellationToken) =>
        await StoredResponse(request, id, cancellationToken);

    [Function(nameof(AzureOpenAICancelResponse))]
    public async Task<IActionResult> AzureOpenAICancelResponse(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", "options", Route = "openai/responses/{id}/cancel")] HttpRequest request,
        string id,
        CancellationToken cancellationToken) =>
        await CancelResponse(request, id, cancellationToken);

    [Function(nameof(AzureOpenAIListResponseInputItems))]
    public async Task<IActionResult> AzureOpenAIListResponseInputItems(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "options", Route = "openai/responses/{id}/input_items")] HttpRequest request,
        string id,
        CancellationToken cancellationToken) =>
        await ListResponseInputItems(request, id, cancellationToken);
}
