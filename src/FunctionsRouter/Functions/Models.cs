using FunctionsRouter.Gateway.Forwarding;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace FunctionsRouter.Functions;

/// <summary><c>GET /api/v1/models</c>: the aliases callers may name.</summary>
public sealed class Models(ModelListHandler models)
{
    [Function(nameof(ListModels))]
    public async Task<IActionResult> ListModels(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "options", Route = "v1/models")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        await models.HandleAsync(request.HttpContext);
        return new EmptyResult();
    }
}
