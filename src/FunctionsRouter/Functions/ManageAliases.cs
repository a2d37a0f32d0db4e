using FunctionsRouter.Gateway.Management;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace FunctionsRouter.Functions;

/// <summary>
/// The alias routes of the management API (<c>/api/manage/aliases…</c>; not <c>/api/admin/…</c>, which the Functions
/// host keeps for itself). Admins only: the gateway's own admission answers, hence anonymous triggers.
/// </summary>
public sealed class ManageAliases(AliasManagementHandler aliases)
{
    [Function(nameof(ManageListAliases))]
    public async Task<IActionResult> ManageListAliases(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "options", Route = "manage/aliases")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        await aliases.ListAsync(request.HttpContext);
        return new EmptyResult();
    }

    [Function(nameof(ManageGetAlias))]
    public async Task<IActionResult> ManageGetAlias(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "options", Route = "manage/aliases/{alias}")] HttpRequest request,
        string alias,
        CancellationToken cancellationToken)
    {
        await aliases.GetAsync(request.HttpContext, alias);
        return new EmptyResult();
    }

    [Function(nameof(ManagePutAlias))]
    public async Task<IActionResult> ManagePutAlias(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "manage/aliases/{alias}")] HttpRequest request,
        string alias,
        CancellationToken cancellationToken)
    {
        await aliases.PutAsync(request.HttpContext, alias);
        return new EmptyResult();
    }

    [Function(nameof(ManageDeleteAlias))]
    public async Task<IActionResult> ManageDeleteAlias(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "manage/aliases/{alias}")] HttpRequest request,
        string alias,
        CancellationToken cancellationToken)
    {
        await aliases.DeleteAsync(request.HttpContext, alias);
        return new EmptyResult();
    }

    [Function(nameof(ManageAliasHistory))]
    public async Task<IActionResult> ManageAliasHistory(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "options", Route = "manage/aliases/{alias}/history")] HttpRequest request,
        string alias,
        CancellationToken cancellationToken)
    {
        await aliases.HistoryAsync(request.HttpContext, alias);
        return new EmptyResult();
    }
}
