using FunctionsRouter.Gateway.Forwarding;
using FunctionsRouter.Gateway.Requests;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace FunctionsRouter.Functions;

/// <summary>
/// The Azure OpenAI deployment URL (<c>/api/openai/deployments/{alias}/…?api-version=…</c>) that AzureOpenAI clients call:
/// the path's deployment is the alias. Admission (keys, Entra ID, CORS) is the gateway's own, hence anonymous.
/// </summary>
public sealed class AzureOpenAIDeployments(GatewayRequestHandler gateway)
{
    [Function(nameof(AzureOpenAIChatCompletions))]
    public async Task<IActionResult> AzureOpenAIChatCompletions(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", "options", Route = "openai/deployments/{alias}/chat/completions")] HttpRequest request,
        string alias,
        CancellationToken cancellationToken)
    {
        await gateway.HandleAsync(request.HttpContext, GatewayOperation.ChatCompletions, ApiSurface.AzureOpenAIDeployment, alias);
        return new EmptyResult();
    }

    [Function(nameof(AzureOpenAIEmbeddings))]
    public async Task<IActionResult> AzureOpenAIEmbeddings(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", "options", Route = "openai/deployments/{alias}/embeddings")] HttpRequest request,
        string alias,
        CancellationToken cancellationToken)
    {
        await gateway.HandleAsync(request.HttpContext, GatewayOperation.Embeddings, ApiSurface.AzureOpenAIDeployment, alias);
        return new EmptyResult();
    }
}
