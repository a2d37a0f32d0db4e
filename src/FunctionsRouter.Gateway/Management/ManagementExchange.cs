using System.Text.Json;
using FunctionsRouter.Gateway.Callers;
using FunctionsRouter.Gateway.Configuration;
using FunctionsRouter.Gateway.Errors;
using FunctionsRouter.Gateway.Forwarding;
using FunctionsRouter.Gateway.Requests;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace FunctionsRouter.Gateway.Management;

/// <summary>
/// Runs one management call the same way every time: admission of an admin (<see cref="CallerAdmission.AdmitAdminAsync"/>:
/// CORS, 401, 403 <c>admin_required</c>), the body read (at most 1 MiB of JSON) or drained, the operation bounded by
/// <c>Router__ManagementTimeout</c>, and one place that turns its outcome into the answer: the reply, a
/// <see cref="ManagementException"/>'s error, or 503 <c>management_store_unavailable</c> when Table Storage fails.
/// Never an upstream call, a limit or a usage row.
/// </summary>
internal sealed class ManagementExchange(CallerAdmission admission, TimeSpan timeout, ILogger logger)
{
    public const int MaxBodyBytes = 1024 * 1024;

    public async Task RunAsync(HttpContext context, bool readsBody, Func<ManagementRequest, Task<ManagementReply>> operation)
    {
        var caller = await admission.AdmitAdminAsync(context).ConfigureAwait(false);
        if (caller is null)
        {
            return; // Answered: a preflight or a refusal.
        }

        var response = context.Response;
        var requestId = RequestIds.FromHeaderOrNew(context.Request.Headers[RequestIds.Header]);
        response.Headers[RequestIds.Header] = requestId;
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        bounded.CancelAfter(timeout);
        try
        {
            var body = await ReadBodyAsync(context, readsBody, bounded.Token).ConfigureAwait(false);
            var reply = await operation(new ManagementRequest(context, caller, new ManagementActor(caller.Id, requestId), body, bounded.Token)).ConfigureAwait(false);
            response.StatusCode = reply.Status;
            response.ContentType = "application/json";
            response.ContentLength = reply.Json.Length;
            if (reply.ETag is not null)
            {
                response.Headers.ETag = reply.ETag;
            }

            response.Headers.CacheControl = "no-store";
            await response.Body.WriteAsync(reply.Json, context.RequestAborted).ConfigureAwait(false);
        }
        catch (ManagementException ex)
        {
            await WriteErrorAsync(context, ex.Error).ConfigureAwait(false);
        }
        catch (Exception ex) when (!context.RequestAborted.IsCancellationRequested && TableStorageFailures.IsStorageFailure(ex))
        {
            ManagementLog.StoreFailed(logger, context.Request.Method, context.Request.Path.Value ?? string.Empty, caller.Id, ex);
            await WriteErrorAsync(context, new GatewayError(GatewayErrorCode.ManagementStoreUnavailable, "Table storage could not be read or written in time; nothing more was changed. Try again shortly.")).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException && context.RequestAborted.IsCancellationRequested)
        {
            // The caller left: nobody to answer.
        }
    }

    private static async Task<JsonElement> ReadBodyAsync(HttpContext context, bool readsBody, CancellationToken cancellationToken)
    {
        if (!readsBody)
        {
            await RequestBodyReader.DrainAsync(context.Request.Body, cancellationToken).ConfigureAwait(false);
            return default;
        }

        using var body = await RequestBodyReader.ReadAsync(context.Request, MaxBodyBytes, cancellationToken).ConfigureAwait(false)
            ?? throw new ManagementException(GatewayErrorCode.RequestTooLarge, $"The body is larger than {MaxBodyBytes} bytes.");
        if (body.Length == 0)
        {
            return default; // No body: the operation says whether it needs one.
        }

        try
        {
            using var document = JsonDocument.Parse(body.Memory);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            throw new ManagementException(GatewayErrorCode.InvalidJson, "The body is not valid JSON.");
        }
    }

    private static Task WriteErrorAsync(HttpContext context, GatewayError error) =>
        context.Response.HasStarted ? Task.CompletedTask : GatewayErrors.WriteResponseAsync(context.Response, error, context.RequestAborted);
}
