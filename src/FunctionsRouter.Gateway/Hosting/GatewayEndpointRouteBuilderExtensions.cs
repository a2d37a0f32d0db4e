using FunctionsRouter.Gateway.Forwarding;
using FunctionsRouter.Gateway.Requests;
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
        group.MapGet("/health", HealthHandler.HandleAsync);
        return group;
    }

    private static readonly string[] PostMethods = ["POST", "OPTIONS"];
    private static readonly string[] GetMethods = ["GET", "OPTIONS"];

    private static RequestDelegate Forward(GatewayOperation operation, ApiSurface surface) =>
        context => context.RequestServices.GetRequiredService<GatewayRequestHandler>().HandleAsync(context, operation, surface);
}
