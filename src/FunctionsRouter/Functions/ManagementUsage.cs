using FunctionsRouter.Gateway.Usage.Reports;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace FunctionsRouter.Functions;

/// <summary><c>GET /api/manage/usage</c>: usage per day, caller, alias or deployment, from the usage rollup; admins only.</summary>
public sealed class ManagementUsage(UsageReportHandler reports)
{
    [Function(nameof(ManagementUsageReport))]
    public async Task<IActionResult> ManagementUsageReport(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "options", Route = "manage/usage")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        await reports.HandleAsync(request.HttpContext);
        return new EmptyResult();
    }
}
