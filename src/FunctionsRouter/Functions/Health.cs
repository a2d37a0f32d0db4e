using FunctionsRouter.Gateway.Forwarding;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace FunctionsRouter.Functions;

/// <summary><c>GET /api/health</c>: liveness, anonymous, no upstream call.</summary>
public sealed class Health
{
    [Function(nameof(Health))]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        await HealthHandler.HandleAsync(request.HttpContext);
        return new EmptyResult();
    }
}
