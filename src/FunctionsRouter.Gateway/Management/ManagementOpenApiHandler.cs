using Microsoft.AspNetCore.Http;

namespace FunctionsRouter.Gateway.Management;

/// <summary><c>GET /api/manage/openapi.json</c>: the management API's OpenAPI 3 document (<see cref="ManagementOpenApiDocument"/>), for admins.</summary>
public sealed class ManagementOpenApiHandler
{
    private readonly ManagementExchange _exchange;
    private readonly ManagementOpenApiDocument _document;

    internal ManagementOpenApiHandler(ManagementExchange exchange, ManagementOpenApiDocument document)
    {
        _exchange = exchange;
        _document = document;
    }

    public Task GetAsync(HttpContext context) => _exchange.RunAsync(context, readsBody: false, async _ =>
        new ManagementReply(StatusCodes.Status200OK, await _document.GetJsonAsync().ConfigureAwait(false)));
}
