using System.Buffers;
using System.Text.Json;
using FunctionsRouter.Gateway.Aliases;
using FunctionsRouter.Gateway.Callers;
using FunctionsRouter.Gateway.Errors;
using FunctionsRouter.Gateway.Limits;
using Microsoft.AspNetCore.Http;

namespace FunctionsRouter.Gateway.Forwarding;

/// <summary>
/// The aliases as OpenAI model objects, for the caller admission lets in: <c>GET /api/v1/models</c> lists every alias
/// that has an enabled target and that the caller may use; <c>GET /api/v1/models/{alias}</c> (OpenAI SDKs'
/// <c>models.retrieve</c>) is one of them, or 404 <c>unknown_model</c> — also for an alias the caller may not use, so
/// grants cannot be probed.
/// </summary>
public sealed class ModelListHandler(IAliasCatalog catalog, CallerAdmission admission, RequestLimits limits)
{
    public async Task HandleAsync(HttpContext context)
    {
        if (await AdmitAndReadAsync(context).ConfigureAwait(false) is not var (caller, snapshot))
        {
            return;
        }

        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("object", "list");
            writer.WriteStartArray("data");
            foreach (var route in snapshot.Routes)
            {
                if (route.HasEnabledTarget && caller.Access.Allows(route.Alias))
                {
                    WriteModel(writer, route.Alias);
                }
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        await WriteAsync(context, buffer).ConfigureAwait(false);
    }

    public async Task HandleGetAsync(HttpContext context, string alias)
    {
        if (await AdmitAndReadAsync(context).ConfigureAwait(false) is not var (caller, snapshot))
        {
            return;
        }

        if (!snapshot.TryGet(alias, out var route) || !route.HasEnabledTarget || !caller.Access.Allows(route.Alias))
        {
            await GatewayErrors.WriteResponseAsync(context.Response, GatewayErrors.UnknownModel(alias), context.RequestAborted).ConfigureAwait(false);
            return;
        }

        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteModel(writer, route.Alias);
        }

        await WriteAsync(context, buffer).ConfigureAwait(false);
    }

    /// <returns>The caller and the catalog; <see langword="null"/> when the request has been answered (refused, preflight, no catalog).</returns>
    private async Task<(CallerIdentity Caller, AliasCatalogSnapshot Snapshot)?> AdmitAndReadAsync(HttpContext context)
    {
        if (await admission.AdmitAsync(context).ConfigureAwait(false) is not { } caller)
        {
            return null;
        }

        limits.WriteHeaders(context, caller); // Not counted: listing models costs the upstream nothing.
        try
        {
            return (caller, await catalog.GetSnapshotAsync(context.RequestAborted).ConfigureAwait(false));
        }
        catch (AliasCatalogUnavailableException)
        {
            await GatewayErrors.WriteResponseAsync(context.Response, GatewayErrors.AliasCatalogUnavailable, context.RequestAborted).ConfigureAwait(false);
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

    private static async Task WriteAsync(HttpContext context, ArrayBufferWriter<byte> buffer)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = buffer.WrittenCount;
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
    }
}
