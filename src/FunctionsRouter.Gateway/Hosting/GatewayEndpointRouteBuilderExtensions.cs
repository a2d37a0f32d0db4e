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
        // OPTIONS too: CORS preflights are answered by the gateway's admission, as under the Functions host.
        group.MapMethods("/models/chat/completions", PostMethods, Forward(GatewayOperation.ChatCompletions, ApiSurface.Models));
        group.MapMethods("/v1/chat/completions", PostMethods, Forward(GatewayOperation.ChatCompletions, ApiSurface.OpenAI));
        group.MapMethods("/models/embeddings", PostMethods, Forward(GatewayOperation.Embeddings, ApiSurface.Models));
        group.MapMethods("/v1/embeddings", PostMethods, Forward(GatewayOperation.Embeddings, ApiSurface.OpenAI));
        group.MapMethods("/v1/models", GetMethods, (HttpContext context) => context.RequestServices.GetRequiredService<ModelListHandler>().HandleAsync(context));
        group.MapMethods("/openai/deployments/{alias}/chat/completions", PostMethods, (HttpContext context, string alias) => Gateway(context).HandleAsync(context, GatewayOperation.ChatCompletions, ApiSurface.AzureOpenAIDeployment, alias));
        group.MapMethods("/openai/deployments/{alias}/embeddings", PostMethods, (HttpContext context, string alias) => Gateway(context).HandleAsync(context, GatewayOperation.Embeddings, ApiSurface.AzureOpenAIDeployment, alias));

        // The Responses API: OpenAI's path, and the one AzureOpenAI clients call (/openai/responses?api-version=…).
        foreach (var responses in (string[])["/v1/responses", "/openai/responses"])
        {
            group.MapMethods(responses, PostMethods, Forward(GatewayOperation.Responses, ApiSurface.OpenAI));
            group.MapMethods(responses + "/{id}", GetMethods, (HttpContext context, string id) => Stored(context).HandleAsync(context, StoredResponseOperation.Get, id));
            group.MapMethods(responses + "/{id}", DeleteMethods, (HttpContext context, string id) => Stored(context).HandleAsync(context, StoredResponseOperation.Delete, id));
            group.MapMethods(responses + "/{id}/cancel", PostMethods, (HttpContext context, string id) => Stored(context).HandleAsync(context, StoredResponseOperation.Cancel, id));
            group.MapMethods(responses + "/{id}/input_items", GetMethods, (HttpContext context, string id) => Stored(context).HandleAsync(context, StoredResponseOperation.InputItems, id));
        }

        group.MapMethods("/v1/models/{alias}", GetMethods, (HttpContext context, string alias) => context.RequestServices.GetRequiredService<ModelListHandler>().HandleGetAsync(context, alias));
        group.MapGet("/health", HealthHandler.HandleAsync);
        group.MapFunctionsRouterManagement();
        return group;
    }


    private static readonly string[] PostMethods = ["POST", "OPTIONS"];
    private static readonly string[] GetMethods = ["GET", "OPTIONS"];

    /// <summary>No OPTIONS: the GET of the same path answers its preflight (two routes for one would be ambiguous).</summary>
    private static readonly string[] DeleteMethods = ["DELETE"];

    private static RequestDelegate Forward(GatewayOperation operation, ApiSurface surface) =>
        context => Gateway(context).HandleAsync(context, operation, surface);

    private static GatewayRequestHandler Gateway(HttpContext context) => context.RequestServices.GetRequiredService<GatewayRequestHandler>();

    private static StoredResponseHandler Stored(HttpContext context) => context.RequestServices.GetRequiredService<StoredResponseHandler>();
}
