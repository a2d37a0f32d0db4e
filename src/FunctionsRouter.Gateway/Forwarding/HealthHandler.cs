using Microsoft.AspNetCore.Http;

namespace FunctionsRouter.Gateway.Forwarding;

/// <summary><c>GET /api/health</c>: liveness only; calls nothing upstream and reads no table.</summary>
public static class HealthHandler
{
    private static readonly byte[] Body = """{"status":"ok"}"""u8.ToArray();

    public static Task HandleAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = Body.Length;
        return context.Response.Body.WriteAsync(Body, context.RequestAborted).AsTask();
    }
}
