using FunctionsRouter.Gateway.Forwarding;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace FunctionsRouter.Functions;

/// <summary><c>GET /api/v1/models</c>: the aliases callers may name; <c>GET /api/v1/models/{alias}</c>: one of them.</summary>
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

    [Function(nameof(RetrieveModel))]
    public async Task<IActionResult> RetrieveModel(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "options", Route = "v1/models/{alias}")] HttpRequest request,
        string alias,
        CancellationToken cancellationToken)
    {
        await models.HandleGetAsync(request.HttpContext, alias);
        return new EmptyResult();
    }
}
