using FunctionsRouter.Functions;
using FunctionsRouter.Gateway.Management;
using FunctionsRouter.Tests.Support;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;

namespace FunctionsRouter.Tests.Functions;

/// <summary>
/// The management functions: thin adapters over the gateway library's handlers, under <c>/api/manage/</c> (the host
/// refuses function routes that start with <c>admin</c>), answered by the gateway's admin admission.
/// </summary>
public sealed class ManageTests : IDisposable
{
    private readonly ServiceProvider _services = GatewayServices.Build(("Router:Cors:AllowedOrigins", "https://app.example"));

    public static TheoryData<Type, string, string, string[]> Triggers() => new()
    {
        { typeof(ManageAliases), nameof(ManageAliases.ManageListAliases), "manage/aliases", ["get", "options"] },
        { typeof(ManageAliases), nameof(ManageAliases.ManageGetAlias), "manage/aliases/{alias}", ["get", "options"] },
        { typeof(ManageAliases), nameof(ManageAliases.ManagePutAlias), "manage/aliases/{alias}", ["put"] },
        { typeof(ManageAliases), nameof(ManageAliases.ManageDeleteAlias), "manage/aliases/{alias}", ["delete"] },
        { typeof(ManageAliases), nameof(ManageAliases.ManageAliasHistory), "manage/aliases/{alias}/history", ["get", "options"] },
        { typeof(ManageCallers), nameof(ManageCallers.ManageListCallers), "manage/callers", ["get", "options"] },
        { typeof(ManageCallers), nameof(ManageCallers.ManageCreateCaller), "manage/callers", ["post"] },
        { typeof(ManageCallers), nameof(ManageCallers.ManageGetCaller), "manage/callers/{id}", ["get", "options"] },
        { typeof(ManageCallers), nameof(ManageCallers.ManageUpdateCaller), "manage/callers/{id}", ["patch"] },
        { typeof(ManageCallers), nameof(ManageCallers.ManageDeleteCaller), "manage/callers/{id}", ["delete"] },
        { typeof(ManageCallers), nameof(ManageCallers.ManageDisableCaller), "manage/callers/{id}/disable", ["post", "options"] },
        { typeof(ManageCallers), nameof(ManageCallers.ManageEnableCaller), "manage/callers/{id}/enable", ["post", "options"] },
        { typeof(ManageCallers), nameof(ManageCallers.ManageRotateCaller), "manage/callers/{id}/rotate", ["post", "options"] },
        { typeof(ManageCallers), nameof(ManageCallers.ManageCallerHistory), "manage/callers/{id}/history", ["get", "options"] },
        { typeof(ManageDeployments), nameof(ManageDeployments.ManageListDeployments), "manage/deployments", ["get", "options"] },
        { typeof(ManageOpenApi), nameof(ManageOpenApi.ManageOpenApiDocument), "manage/openapi.json", ["get", "options"] },
    };

    [Theory]
    [MemberData(nameof(Triggers))]
    public void ManageFunction_Metadata_AnonymousUnderManageNeverAdmin(Type functionClass, string function, string route, string[] methods)
    {
        var trigger = FunctionMetadata.HttpTriggers(functionClass)[function];

        Assert.Equal(AuthorizationLevel.Anonymous, trigger.AuthLevel);
        Assert.Equal(route, trigger.Route);
        Assert.Equal(methods, trigger.Methods ?? []);
        Assert.False(route.StartsWith("admin", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task ManagePutAlias_NoCredential_401EvenWithAnonymousAllowedAndBodyDrained()
    {
        var request = TestHttp.Post("/api/manage/aliases/chat", """{"targets":[{"name":"a","deployment":"d"}]}""");
        request.Method = "PUT";

        var result = await new ManageAliases(_services.GetRequiredService<AliasManagementHandler>()).ManagePutAlias(request, "chat", CancellationToken.None);

        Assert.IsType<EmptyResult>(result);
        Assert.Equal(401, request.HttpContext.Response.StatusCode);
        Assert.Equal("missing_credentials", TestHttp.ResponseError(request).GetProperty("code").GetString());
        Assert.Equal(request.Body.Length, request.Body.Position);
    }

    [Fact]
    public async Task ManageCreateCaller_NoCredential_401()
    {
        var request = TestHttp.Post("/api/manage/callers", """{"name":"svc"}""");

        await new ManageCallers(_services.GetRequiredService<CallerManagementHandler>()).ManageCreateCaller(request, CancellationToken.None);

        Assert.Equal(401, request.HttpContext.Response.StatusCode);
    }

    [Fact]
    public async Task ManageListDeployments_PreflightFromAllowedOrigin_204()
    {
        var request = TestHttp.Send("OPTIONS", "/api/manage/deployments");
        request.Headers.Origin = "https://app.example";
        request.Headers.AccessControlRequestMethod = "GET";

        await new ManageDeployments(_services.GetRequiredService<DeploymentListHandler>()).ManageListDeployments(request, CancellationToken.None);

        Assert.Equal(204, request.HttpContext.Response.StatusCode);
        Assert.Equal("https://app.example", request.HttpContext.Response.Headers.AccessControlAllowOrigin.ToString());
    }

    public void Dispose() => _services.Dispose();
}
