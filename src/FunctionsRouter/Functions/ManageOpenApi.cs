using FunctionsRouter.Gateway.Management;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace FunctionsRouter.Functions;

/// <summary><c>GET /api/manage/openapi.json</c>: the management API's OpenAPI 3 document, generated from the routes' metadata, for admins.</summary>
public sealed class ManageOpenApi(ManagementOpenApiHandler document)
{
    [Function(nameof(ManageOpenApiDocument))]
    public async Task<IActionResult> ManageOpenApiDocument(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "options", Route = "manage/openapi.json")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        await document.GetAsync(request.HttpContext);
        return new EmptyResult();
    }
}
