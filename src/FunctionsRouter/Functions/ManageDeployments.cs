using FunctionsRouter.Gateway.Management;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace FunctionsRouter.Functions;

/// <summary><c>GET /api/manage/deployments</c>: every alias target with its cooldown or open circuit, for admins.</summary>
public sealed class ManageDeployments(DeploymentListHandler deployments)
{
    [Function(nameof(ManageListDeployments))]
    public async Task<IActionResult> ManageListDeployments(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "options", Route = "manage/deployments")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        await deployments.ListAsync(request.HttpContext);
        return new EmptyResult();
    }
}
