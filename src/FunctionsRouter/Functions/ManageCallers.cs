using FunctionsRouter.Gateway.Management;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace FunctionsRouter.Functions;

/// <summary>
/// The caller routes of the management API (<c>/api/manage/callers…</c>), the same operations as the command line's
/// <c>callers …</c>. Admins only: the gateway's own admission answers, hence anonymous triggers.
/// </summary>
public sealed class ManageCallers(CallerManagementHandler callers)
{
    [Function(nameof(ManageListCallers))]
    public async Task<IActionResult> ManageListCallers(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "options", Route = "manage/callers")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        await callers.ListAsync(request.HttpContext);
        return new EmptyResult();
    }

    [Function(nameof(ManageCreateCaller))]
    public async Task<IActionResult> ManageCreateCaller(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "manage/callers")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        await callers.CreateAsync(request.HttpContext);
        return new EmptyResult();
    }

    [Function(nameof(ManageGetCaller))]
    public async Task<IActionResult> ManageGetCaller(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "options", Route = "manage/callers/{id}")] HttpRequest request,
        string id,
        CancellationToken cancellationToken)
    {
        await callers.GetAsync(request.HttpContext, id);
        return new EmptyResult();
    }

    [Function(nameof(ManageUpdateCaller))]
    public async Task<IActionResult> ManageUpdateCaller(
        [HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = "manage/callers/{id}")] HttpRequest request,
        string id,
        CancellationToken cancellationToken)
    {
        await callers.UpdateAsync(request.HttpContext, id);
        return new EmptyResult();
    }

    [Function(nameof(ManageDeleteCaller))]
    public async Task<IActionResult> ManageDeleteCaller(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "manage/callers/{id}")] HttpRequest request,
        string id,
        CancellationToken cancellationToken)
    {
        await callers.DeleteAsync(request.HttpContext, id);
        return new EmptyResult();
    }

    [Function(nameof(ManageDisableCaller))]
    public async Task<IActionResult> ManageDisableCaller(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", "options", Route = "manage/callers/{id}/disable")] HttpRequest request,
        string id,
        CancellationToken cancellationToken)
    {
        await callers.SetEnabledAsync(request.HttpContext, id, enabled: false);
        return new EmptyResult();
    }

    [Function(nameof(ManageEnableCaller))]
    public async Task<IActionResult> ManageEnableCaller(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", "options", Route = "manage/callers/{id}/enable")] HttpRequest request,
        string id,
        CancellationToken cancellationToken)
    {
        await callers.SetEnabledAsync(request.HttpContext, id, enabled: true);
        return new EmptyResult();
    }

    [Function(nameof(ManageRotateCaller))]
    public async Task<IActionResult> ManageRotateCaller(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", "options", Route = "manage/callers/{id}/rotate")] HttpRequest request,
        string id,
        CancellationToken cancellationToken)
    {
        await callers.RotateAsync(request.HttpContext, id);
        return new EmptyResult();
    }

    [Function(nameof(ManageCallerHistory))]
    public async Task<IActionResult> ManageCallerHistory(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "options", Route = "manage/callers/{id}/history")] HttpRequest request,
        string id,
        CancellationToken cancellationToken)
    {
        await callers.HistoryAsync(request.HttpContext, id);
        return new EmptyResult();
    }
}
