using FunctionsRouter.Gateway.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace FunctionsRouter.Gateway.Requests;

/// <summary>
/// The request stage before the body is parsed: checks the forwarded headers (<see cref="RequestHeaderChecks"/>) and
/// reads the body (<see cref="RequestBodyReader"/>), turning every way that can fail into the error to answer with.
/// The body is read to its end even when the answer is an error: the Functions host turns a response sent before the
/// worker has read the body into a broken pipe and a 500.
/// </summary>
internal static class RequestReader
{
    public static async ValueTask<RequestReadResult> ReadAsync(HttpRequest request, long maxBodyBytes, CancellationToken cancellationToken)
    {
        AllowDrainLimit(request.HttpContext);
        var headerError = RequestHeaderChecks.Check(request.Headers);
        PooledBuffer? body;
        try
        {
            body = await RequestBodyReader.ReadAsync(request, maxBodyBytes, cancellationToken).ConfigureAwait(false);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            // Over the server's own limit (only past the drain limit, which it was raised to).
            body = null;
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException && cancellationToken.IsCancellationRequested)
        {
            return default;
        }
        catch (BadHttpRequestException ex)
        {
            return new RequestReadResult(null, new GatewayError(GatewayErrorCode.InvalidJson, $"The request body could not be read: {ex.Message}"));
        }
        catch (IOException)
        {
            return new RequestReadResult(null, new GatewayError(GatewayErrorCode.InvalidJson, "The request body could not be read: the request is malformed or was cut off."));
        }

        if (body is null)
        {
            return new RequestReadResult(null, new GatewayError(GatewayErrorCode.RequestTooLarge, $"The request body is larger than {maxBodyBytes} bytes."));
        }

        if (headerError is not null)
        {
            body.Dispose();
            return new RequestReadResult(null, headerError);
        }

        return new RequestReadResult(body, null);
    }

    /// <summary>
    /// Lets the server accept a body as large as the gateway drains (Kestrel stops at 30,000,000 bytes by default, the
    /// Functions worker's Kestrel too), so that a body over <c>Router__MaxRequestBodyBytes</c> always gets the gateway's
    /// 413 instead of a reset connection.
    /// </summary>
    private static void AllowDrainLimit(HttpContext context)
    {
        var limit = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (limit is { IsReadOnly: false, MaxRequestBodySize: { } current } && current < RequestBodyReader.DrainLimit)
        {
            limit.MaxRequestBodySize = RequestBodyReader.DrainLimit;
        }
    }
}
