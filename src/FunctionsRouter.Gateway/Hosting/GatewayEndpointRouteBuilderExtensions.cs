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
        var handlers = new ModelCallHandlers(endpoints.ServiceProvider);
        // OPTIONS too: CORS preflights are answered by the gateway's admission, as under the Functions host.
        group.MapMethods("/models/chat/completions", PostMethods, Forward(handlers, GatewayOperation.ChatCompletions, ApiSurface.Models));
        group.MapMethods("/v1/chat/completions", PostMethods, Forward(handlers, GatewayOperation.ChatCompletions, ApiSurface.OpenAI));
        group.MapMethods("/models/embeddings", PostMethods, Forward(handlers, GatewayOperation.Embeddings, ApiSurface.Models));
        group.MapMethods("/v1/embeddings", PostMethods, Forward(handlers, GatewayOperation.Embeddings, ApiSurface.OpenAI));
        group.MapMethods("/v1/models", GetMethods, (HttpContext context) => handlers.Models.HandleAsync(context));
        group.MapMethods("/openai/deployments/{alias}/chat/completions", PostMethods, (HttpContext context, string alias) => handlers.Gateway.HandleAsync(context, GatewayOperation.ChatCompletions, ApiSurface.AzureOpenAIDeployment, alias));
        group.MapMethods("/openai/deployments/{alias}/embeddings", PostMethods, (HttpContext context, string alias) => handlers.Gateway.HandleAsync(context, GatewayOperation.Embeddings, ApiSurface.AzureOpenAIDeployment, alias));

        // The Responses API: OpenAI's path, and the one AzureOpenAI clients call (/openai/responses?api-version=…).
        foreach (var responses in (string[])["/v1/responses", "/openai/responses"])
        {
            group.MapMethods(responses, PostMethods, Forward(handlers, GatewayOperation.Responses, ApiSurface.OpenAI));
            group.MapMethods(responses + "/{id}", GetMethods, (HttpContext context, string id) => handlers.Stored.HandleAsync(context, StoredResponseOperation.Get, id));
            group.MapMethods(responses + "/{id}", DeleteMethods, (HttpContext context, string id) => handlers.Stored.HandleAsync(context, StoredResponseOperation.Delete, id));
            group.MapMethods(responses + "/{id}/cancel", PostMethods, (HttpContext context, string id) => handlers.Stored.HandleAsync(context, StoredResponseOperation.Cancel, id));
            group.MapMethods(responses + "/{id}/input_items", GetMethods, (HttpContext context, string id) => handlers.Stored.HandleAsync(context, StoredResponseOperation.InputItems, id));
        }

        group.MapMethods("/v1/models/{alias}", GetMethods, (HttpContext context, string alias) => handlers.Models.HandleGetAsync(context, alias));
        group.MapGet("/health", HealthHandler.HandleAsync);
        group.MapFunctionsRouterManagement();
        return group;
    }


    private static readonly string[] PostMethods = ["POST", "OPTIONS"];
    private static readonly string[] GetMethods = ["GET", "OPTIONS"];

    /// <summary>No OPTIONS: the GET of the same path answers its preflight (two routes for one would be ambiguous).</summary>
    private static readonly string[] DeleteMethods = ["DELETE"];

    private static RequestDelegate Forward(ModelCallHandlers handlers, GatewayOperation operation, ApiSurface surface) =>
        context => handlers.Gateway.HandleAsync(context, operation, surface);

    /// <summary>
    /// The model-call handlers, singletons resolved once from the app's services on first use: asking
    /// <see cref="HttpContext.RequestServices"/> for them would create a service scope per request for nothing (measured
    /// in the load harness: about 170 bytes and a dictionary per request).
    /// </summary>
    private sealed class ModelCallHandlers(IServiceProvider services)
    {
        private GatewayRequestHandler? _gateway;
        private StoredResponseHandler? _stored;
        private ModelListHandler? _models;

        public GatewayRequestHandler Gateway => _gateway ??= services.GetRequiredService<GatewayRequestHandler>();

        public StoredResponseHandler Stored => _stored ??= services.GetRequiredService<StoredResponseHandler>();

        public ModelListHandler Models => _models ??= services.GetRequiredService<ModelListHandler>();
    }
}
