using FunctionsRouter.Gateway.Forwarding;
using FunctionsRouter.Gateway.Requests;
using FunctionsRouter.Gateway.Responses;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace FunctionsRouter.Gateway.Hosting;

/// <summary>
/// Maps the caller-facing routes onto an ASP.NET Core app, exactly as the Functions app exposes them (route prefix
/// <c>api</c>). Used to host the gateway in-process for tests and the load harness.
/// </summary>
public static class GatewayEndpointRouteBuilderExtensions
{
    public static RouteGroupBuilder MapFunctionsRouterGateway(this IEndpointRouteBuilder endpoints, string prefix = "/api")
    {
        var group = endpoints.MapGroup(prefix);
        group.MapPost("/models/chat/completions", Forward(GatewayOperation.ChatCompletions, ApiSurface.Models));
        group.MapPost("/v1/chat/completions", Forward(GatewayOperation.ChatCompletions, ApiSurface.OpenAI));
        group.MapPost("/models/embeddings", Forward(GatewayOperation.Embeddings, ApiSurface.Models));
        group.MapPost("/v1/embeddings", Forward(GatewayOperation.Embeddings, ApiSurface.OpenAI));
        group.MapPost("/openai/deployments/{alias}/chat/completions", (HttpContext context, string alias) => Gateway(context).HandleAsync(context, GatewayOperation.ChatCompletions, ApiSurface.AzureOpenAIDeployment, alias));
        group.MapPost("/openai/deployments/{alias}/embeddings", (HttpContext context, string alias) => Gateway(context).HandleAsync(context, GatewayOperation.Embeddings, ApiSurface.AzureOpenAIDeployment, alias));

        // The Responses API: OpenAI's path, and the one AzureOpenAI clients call (/openai/responses?api-version=…).
        foreach (var responses in (string[])["/v1/responses", "/openai/responses"])
        {
            group.MapPost(responses, Forward(GatewayOperation.Responses, ApiSurface.OpenAI));
            group.MapGet(responses + "/{id}", (HttpContext context, string id) => Stored(context).HandleAsync(context, StoredResponseOperation.Get, id));
            group.MapDelete(responses + "/{id}", (HttpContext context, string id) => Stored(context).HandleAsync(context, StoredResponseOperation.Delete, id));
            group.MapPost(responses + "/{id}/cancel", (HttpContext context, string id) => Stored(context).HandleAsync(context, StoredResponseOperation.Cancel, id));
            group.MapGet(responses + "/{id}/input_items", (HttpContext context, string id) => Stored(context).HandleAsync(context, StoredResponseOperation.InputItems, id));
        }

        group.MapGet("/v1/models", (HttpContext context) => context.RequestServices.GetRequiredService<ModelListHandler>().HandleAsync(context));
        group.MapGet("/v1/models/{alias}", (HttpContext context, string alias) => context.RequestServices.GetRequiredService<ModelListHandler>().HandleGetAsync(context, alias));
        group.MapGet("/health", HealthHandler.HandleAsync);
        return group;
    }

    private static RequestDelegate Forward(GatewayOperation operation, ApiSurface surface) =>
        context => Gateway(context).HandleAsync(context, operation, surface);

    private static GatewayRequestHandler Gateway(HttpContext context) => context.RequestServices.GetRequiredService<GatewayRequestHandler>();

    private static StoredResponseHandler Stored(HttpContext context) => context.RequestServices.GetRequiredService<StoredResponseHandler>();
}
