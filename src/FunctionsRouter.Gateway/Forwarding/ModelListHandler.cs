using System.Text.Json;
using FunctionsRouter.Gateway.Aliases;
using FunctionsRouter.Gateway.Errors;
using Microsoft.AspNetCore.Http;

namespace FunctionsRouter.Gateway.Forwarding;

/// <summary>
/// <c>GET /api/v1/models</c>: the OpenAI list shape, one entry per alias that has an enabled target;
/// <c>GET /api/v1/models/{alias}</c>: one such entry, or 404 <c>unknown_model</c>.
/// </summary>
public sealed class ModelListHandler(IAliasCatalog catalog)
{
    public async Task HandleAsync(HttpContext context)
    {
        var cancellationToken = context.RequestAborted;
        if (await GetSnapshotAsync(context, cancellationToken).ConfigureAwait(false) is not { } snapshot)
        {
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

                WriteModel(writer, route.Alias);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        await WriteAsync(context.Response, buffer, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One alias as a model object (OpenAI SDKs' <c>models.retrieve</c>); unknown or without an enabled target: 404.</summary>
    public async Task HandleGetAsync(HttpContext context, string alias)
    {
        var cancellationToken = context.RequestAborted;
        if (await GetSnapshotAsync(context, cancellationToken).ConfigureAwait(false) is not { } snapshot)
        {
            return;
        }

        if (!snapshot.TryGet(alias, out var route) || !route.HasEnabledTarget)
        {
            await GatewayErrors.WriteResponseAsync(context.Response, new GatewayError(GatewayErrorCode.UnknownModel, $"Unknown model: {alias}", "model"), cancellationToken).ConfigureAwait(false);
            return;
        }

        var buffer = new System.Buffers.ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteModel(writer, route.Alias);
        }

        await WriteAsync(context.Response, buffer, cancellationToken).ConfigureAwait(false);
    }

    private async Task<AliasCatalogSnapshot?> GetSnapshotAsync(HttpContext context, CancellationToken cancellationToken)
    {
        try
        {
            return await catalog.GetSnapshotAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (AliasCatalogUnavailableException)
        {
            await GatewayErrors.WriteResponseAsync(context.Response, GatewayErrors.AliasCatalogUnavailable, cancellationToken).ConfigureAwait(false);
            return null;
        }
    }

    private static void WriteModel(Utf8JsonWriter writer, string alias)
    {
        writer.WriteStartObject();
        writer.WriteString("id", alias);
        writer.WriteString("object", "model");
        writer.WriteNumber("created", 0);
        writer.WriteString("owned_by", "functionsrouter");
        writer.WriteEndObject();
    }

    private static Task WriteAsync(HttpResponse response, System.Buffers.ArrayBufferWriter<byte> buffer, CancellationToken cancellationToken)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json";
        response.ContentLength = buffer.WrittenCount;
        return response.Body.WriteAsync(buffer.WrittenMemory, cancellationToken).AsTask();
    }
}
