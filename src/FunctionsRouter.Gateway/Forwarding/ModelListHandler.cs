using System.Text.Json;
using FunctionsRouter.Gateway.Aliases;
using FunctionsRouter.Gateway.Errors;
using Microsoft.AspNetCore.Http;

namespace FunctionsRouter.Gateway.Forwarding;

/// <summary>
/// <c>GET /api/v1/models</c>: the OpenAI list shape, one entry per alias that has an enabled target.
/// </summary>
public sealed class ModelListHandler(IAliasCatalog catalog)
{
    public async Task HandleAsync(HttpContext context)
    {
        var cancellationToken = context.RequestAborted;
        AliasCatalogSnapshot snapshot;
        try
        {
            snapshot = await catalog.GetSnapshotAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (AliasCatalogUnavailableException)
        {
            await GatewayErrors.WriteResponseAsync(context.Response, GatewayErrors.AliasCatalogUnavailable, cancellationToken).ConfigureAwait(false);
            return;
        }

        var buffer = new System.Buffers.ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("object", "list");
            writer.WriteStartArray("data");
            foreach (var route in snapshot.Routes)
            {
                if (!route.HasEnabledTarget)
                {
                    continue;
                }

                writer.WriteStartObject();
                writer.WriteString("id", route.Alias);
                writer.WriteString("object", "model");
                writer.WriteNumber("created", 0);
                writer.WriteString("owned_by", "functionsrouter");
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = buffer.WrittenCount;
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// <c>GET /api/v1/models/{alias}</c>: one alias as a model object (OpenAI SDKs' <c>models.retrieve</c>); unknown or
    /// without an enabled target: 404 <c>unknown_model</c>.
    /// </summary>
    public async Task HandleGetAsync(HttpContext context, string alias)
    {
        var cancellationToken = context.RequestAborted;
        AliasCatalogSnapshot snapshot;
        try
        {
            snapshot = await catalog.GetSnapshotAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (AliasCatalogUnavailableException)
        {
            await GatewayErrors.WriteResponseAsync(context.Response, GatewayErrors.AliasCatalogUnavailable, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (!snapshot.TryGet(alias, out var route) || !route.HasEnabledTarget)
        {
            await GatewayErrors.WriteResponseAsync(context.Response, new GatewayError(GatewayErrorCode.UnknownModel, $"Unknown model: {alias}", "model"), cancellationToken).ConfigureAwait(false);
            return;
        }

        // The same object as one entry of the list.
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("id", route.Alias);
            writer.WriteString("object", "model");
            writer.WriteNumber("created", 0);
            writer.WriteString("owned_by", "functionsrouter");
            writer.WriteEndObject();
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = buffer.WrittenCount;
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
    }
}
