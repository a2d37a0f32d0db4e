using FunctionsRouter.Gateway.Management;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace FunctionsRouter.Gateway.Hosting;

/// <summary>
/// The management routes (<c>/manage/…</c>) with their request and response shapes as endpoint metadata: mapped onto the
/// gateway's test and harness hosts (<see cref="GatewayEndpointRouteBuilderExtensions"/>), and onto the private app the
/// OpenAPI document is generated from (<see cref="ManagementOpenApiDocument"/>), so the document describes exactly these.
/// The Functions app exposes the same routes through its <c>Manage*</c> functions.
/// </summary>
public static class ManagementEndpointRouteBuilderExtensions
{
    private static readonly string[] GetMethods = ["GET", "OPTIONS"];
    private static readonly string[] PostMethods = ["POST", "OPTIONS"];

    public static IEndpointRouteBuilder MapFunctionsRouterManagement(this IEndpointRouteBuilder group)
    {
        Describe(group.MapMethods("/manage/aliases", GetMethods, Handler(context => Aliases(context).ListAsync(context))), "ListAliases", "Every alias with its targets, ETags and unusable rows.")
            .Produces<AliasListView>();
        Describe(group.MapMethods("/manage/aliases/{alias}", GetMethods, (HttpContext context, string alias) => Aliases(context).GetAsync(context, alias)), "GetAlias", "One alias; its ETag also in the ETag header.")
            .Produces<AliasView>();
        Describe(group.MapMethods("/manage/aliases/{alias}", ["PUT"], (HttpContext context, string alias) => Aliases(context).PutAsync(context, alias)), "PutAlias", "Replace the alias's whole target list in one transaction (create it if new). Honours If-Match and If-None-Match: *.")
            .Accepts<AliasDefinition>("application/json")
            .Produces<AliasView>()
            .Produces<AliasView>(StatusCodes.Status201Created)
            .Produces<GatewayErrorEnvelope>(StatusCodes.Status412PreconditionFailed);
        Describe(group.MapMethods("/manage/aliases/{alias}", ["DELETE"], (HttpContext context, string alias) => Aliases(context).DeleteAsync(context, alias)), "DeleteAlias", "Delete the alias and all its targets in one transaction. Honours If-Match.")
            .Produces<DeletedAliasView>()
            .Produces<GatewayErrorEnvelope>(StatusCodes.Status412PreconditionFailed);
        Describe(group.MapMethods("/manage/aliases/{alias}/history", GetMethods, (HttpContext context, string alias) => Aliases(context).HistoryAsync(context, alias)), "GetAliasHistory", "The alias's changes, newest first; ?pageSize=1..100, ?continuationToken=.")
            .Produces<AuditPageView>();

        Describe(group.MapMethods("/manage/callers", GetMethods, Handler(context => Callers(context).ListAsync(context))), "ListCallers", "Every caller (never a key or a hash).")
            .Produces<CallerListView>();
        Describe(group.MapMethods("/manage/callers", ["POST"], Handler(context => Callers(context).CreateAsync(context))), "CreateCaller", "A new key caller; its key is in this answer only.")
            .Accepts<CallerCreateRequest>("application/json")
            .Produces<IssuedKeyView>(StatusCodes.Status201Created);
        Describe(group.MapMethods("/manage/callers/{id}", GetMethods, (HttpContext context, string id) => Callers(context).GetAsync(context, id)), "GetCaller", "One caller, with its keys' prefixes and dates.")
            .Produces<CallerView>();
        Describe(group.MapMethods("/manage/callers/{id}", ["PATCH"], (HttpContext context, string id) => Callers(context).UpdateAsync(context, id)), "UpdateCaller", "Change the caller's name, aliases, expiry (null: never), admin flag or enabled flag.")
            .Accepts<CallerUpdateRequest>("application/json")
            .Produces<CallerView>();
        Describe(group.MapMethods("/manage/callers/{id}", ["DELETE"], (HttpContext context, string id) => Callers(context).DeleteAsync(context, id)), "DeleteCaller", "Delete the caller and all its keys.")
            .Produces<DeletedCallerView>();
        Describe(group.MapMethods("/manage/callers/{id}/disable", PostMethods, (HttpContext context, string id) => Callers(context).SetEnabledAsync(context, id, enabled: false)), "DisableCaller", "Refuse the caller until enabled again.")
            .Produces<CallerView>();
        Describe(group.MapMethods("/manage/callers/{id}/enable", PostMethods, (HttpContext context, string id) => Callers(context).SetEnabledAsync(context, id, enabled: true)), "EnableCaller", "Admit the caller again.")
            .Produces<CallerView>();
        Describe(group.MapMethods("/manage/callers/{id}/rotate", PostMethods, (HttpContext context, string id) => Callers(context).RotateAsync(context, id)), "RotateCallerKey", "A new key (in this answer only); the earlier keys stop at once or after graceSeconds.")
            .Accepts<CallerRotateRequest>("application/json")
            .Produces<IssuedKeyView>();
        Describe(group.MapMethods("/manage/callers/{id}/history", GetMethods, (HttpContext context, string id) => Callers(context).HistoryAsync(context, id)), "GetCallerHistory", "The caller's changes, newest first; ?pageSize=1..100, ?continuationToken=.")
            .Produces<AuditPageView>();

        Describe(group.MapMethods("/manage/deployments", GetMethods, Handler(context => context.RequestServices.GetRequiredService<DeploymentListHandler>().ListAsync(context))), "ListDeployments", "Every alias target with its cooldown or open circuit, as this instance sees it.")
            .Produces<DeploymentListView>();
        Describe(group.MapMethods("/manage/openapi.json", GetMethods, Handler(context => context.RequestServices.GetRequiredService<ManagementOpenApiHandler>().GetAsync(context))), "GetOpenApiDocument", "This document.");
        return group;
    }

    /// <summary>The metadata every management route shares: its name, summary, and the refusals of admin admission.</summary>
    private static RouteHandlerBuilder Describe(RouteHandlerBuilder route, string name, string summary) =>
        route.WithName(name)
            .WithSummary(summary)
            .WithTags("manage")
            .Produces<GatewayErrorEnvelope>(StatusCodes.Status400BadRequest)
            .Produces<GatewayErrorEnvelope>(StatusCodes.Status401Unauthorized)
            .Produces<GatewayErrorEnvelope>(StatusCodes.Status403Forbidden)
            .Produces<GatewayErrorEnvelope>(StatusCodes.Status404NotFound)
            .Produces<GatewayErrorEnvelope>(StatusCodes.Status503ServiceUnavailable);

    /// <summary>A handler as a <see cref="Delegate"/> rather than a RequestDelegate, so the route carries the method metadata the OpenAPI generator describes.</summary>
    private static Delegate Handler(Func<HttpContext, Task> handler) => handler;

    private static AliasManagementHandler Aliases(HttpContext context) => context.RequestServices.GetRequiredService<AliasManagementHandler>();

    private static CallerManagementHandler Callers(HttpContext context) => context.RequestServices.GetRequiredService<CallerManagementHandler>();
}
