using FunctionsRouter.Gateway.Forwarding;
using FunctionsRouter.Gateway.Requests;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace FunctionsRouter.Functions;

/// <summary>Chat completions on both API surfaces; the response is written (and streamed) by the gateway.</summary>
public sealed class ChatCompletions(GatewayRequestHandler gateway)
{
    [Function(nameof(ModelsChatCompletions))]
    public async Task<IActionResult> ModelsChatCompletions(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", "options", Route = "models/chat/completions")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        await gateway.HandleAsync(request.HttpContext, GatewayOperation.ChatCompletions, ApiSurface.Models);
        return new EmptyResult();
    }

    [Function(nameof(OpenAIChatCompletions))]
    public async Task<IActionResult> OpenAIChatCompletions(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", "options", Route = "v1/chat/completions")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        await gateway.HandleAsync(request.HttpContext, GatewayOperation.ChatCompletions, ApiSurface.OpenAI);
        return new EmptyResult();
    }
}
