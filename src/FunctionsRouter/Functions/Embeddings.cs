using FunctionsRouter.Gateway.Forwarding;
using FunctionsRouter.Gateway.Requests;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace FunctionsRouter.Functions;

/// <summary>Embeddings on both API surfaces: the same routing and usage record as chat.</summary>
public sealed class Embeddings(GatewayRequestHandler gateway)
{
    [Function(nameof(ModelsEmbeddings))]
    public async Task<IActionResult> ModelsEmbeddings(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", "options", Route = "models/embeddings")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        await gateway.HandleAsync(request.HttpContext, GatewayOperation.Embeddings, ApiSurface.Models);
        return new EmptyResult();
    }

    [Function(nameof(OpenAIEmbeddings))]
    public async Task<IActionResult> OpenAIEmbeddings(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", "options", Route = "v1/embeddings")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        await gateway.HandleAsync(request.HttpContext, GatewayOperation.Embeddings, ApiSurface.OpenAI);
        return new EmptyResult();
    }
}
