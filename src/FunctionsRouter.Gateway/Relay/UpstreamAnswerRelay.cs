using System.Globalization;
using System.Runtime.CompilerServices;
using FunctionsRouter.Gateway.Diagnostics;
using FunctionsRouter.Gateway.Errors;
using FunctionsRouter.Gateway.Forwarding;
using FunctionsRouter.Gateway.Health;
using FunctionsRouter.Gateway.Requests;
using FunctionsRouter.Gateway.Responses;
using FunctionsRouter.Gateway.Usage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace FunctionsRouter.Gateway.Relay;

/// <summary>
/// The relay stage: turns the upstream's answer into the caller's, as it arrives. Status and headers (with the gateway's
/// own), then the body: a server-sent event stream event by event with a flush per read, anything else copied through
/// a pooled buffer; usage, finish reasons and a Responses call's id are read from the bytes as they pass. A stream
/// that breaks off ends with an error event in the API's own shape (never a clean end), a body that breaks off aborts
/// the connection, and either counts against the deployment.
/// </summary>
internal sealed class UpstreamAnswerRelay(IDeploymentHealth health, IResponseAffinityStore affinity, TimeProvider time, ILogger<UpstreamAnswerRelay> logger)
{
    /// <param name="context">The caller's request.</param>
    /// <param name="exchange">The request's record so far.</param>
    /// <param name="attempt">The attempt that got an answer.</param>
    /// <param name="callerRequestedUsage">Chat: the caller asked for the usage-only chunk itself (else it is not forwarded).</param>
    /// <param name="cancellationToken">The caller's cancellation.</param>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<(int Status, string? ErrorCode)> RelayAsync(HttpContext context, Exchange exchange, UpstreamAttempt attempt, bool callerRequestedUsage, CancellationToken cancellationToken)
    {
        var response = context.Response;
        var upstreamResponse = attempt.Response!;
        exchange.UpstreamRequestId = ResponseHeaderRelay.UpstreamRequestId(upstreamResponse);
        var status = (int)upstreamResponse.StatusCode;
        response.StatusCode = status;
        ResponseHeaderRelay.Copy(upstreamResponse, response);
        response.Headers["x-router-deployment"] = attempt.Target.Deployment;
        response.Headers["Server-Timing"] = string.Create(CultureInfo.InvariantCulture, $"gateway;dur={exchange.GatewayMs:0.###}, upstream;dur={attempt.UpstreamMs:0.###}");

        var isEventStream = status is >= 200 and < 300 && ResponseHeaderRelay.ContentHeader(upstreamResponse, "Content-Type")?.StartsWith("text/event-stream", StringComparison.OrdinalIgnoreCase) == true;
        exchange.Streamed = isEventStream;
        var content = attempt.ResponseBody();
        return isEventStream
            ? await RelayStreamAsync(context, exchange, content, callerRequestedUsage, cancellationToken).ConfigureAwait(false)
            : await RelayBodyAsync(context, exchange, upstreamResponse, content, cancellationToken).ConfigureAwait(false);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<(int Status, string? ErrorCode)> RelayStreamAsync(HttpContext context, Exchange exchange, Stream content, bool callerRequestedUsage, CancellationToken cancellationToken)
    {
        var response = context.Response;
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        var inspector = RelayFormats.StreamInspector(exchange.Operation, callerRequestedUsage, ResponseIdObserver(exchange));
        var relay = new SseEventRelay(inspector);
        string? errorCode = null;
        try
        {
            await relay.RelayAsync(content, response.Body, () => exchange.TimeToFirstByteMs = exchange.ElapsedMs, cancellationToken).ConfigureAwait(false);
            if (!relay.SawDone)
            {
                ReportBrokenResponse(exchange, timedOut: false);
                errorCode = await EndStreamWithErrorAsync(response, exchange, inspector, new GatewayError(GatewayErrorCode.UpstreamStreamFailed, "The upstream ended the stream before it was complete."), null, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (UpstreamReadException ex)
        {
            ReportBrokenResponse(exchange, ex.IsTimeout);
            var error = ex.IsTimeout
                ? new GatewayError(GatewayErrorCode.UpstreamTimeout, "The upstream went silent in the middle of the stream.")
                : new GatewayError(GatewayErrorCode.UpstreamStreamFailed, "The upstream stream failed before it was complete.");
            errorCode = await EndStreamWithErrorAsync(response, exchange, inspector, error, ex.InnerException, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException && cancellationToken.IsCancellationRequested)
        {
            SetStreamUsage(exchange, inspector);
            return RequestOutcomes.ClientClosed();
        }

        SetStreamUsage(exchange, inspector);
        return (response.StatusCode, errorCode);
    }

    private async Task<string?> EndStreamWithErrorAsync(HttpResponse response, Exchange exchange, ISseEventInspector inspector, GatewayError error, Exception? cause, CancellationToken cancellationToken)
    {
        GatewayLog.UpstreamStreamFailed(logger, exchange.Alias, exchange.Target!.Deployment, error.WireCode, cause);
        try
        {
            // Not a clean end: an event carrying the error in the API's own shape, so SDKs raise.
            await response.Body.WriteAsync(inspector.ErrorEvent(error), cancellationToken).ConfigureAwait(false);
            await response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException)
        {
            // The caller is gone as well.
        }

        return error.WireCode;
    }

    /// <summary>A response that broke off after it started counts against the deployment, towards its circuit.</summary>
    private void ReportBrokenResponse(Exchange exchange, bool timedOut) =>
        health.ReportFailure(exchange.Target!, timedOut ? DeploymentFailure.Timeout : DeploymentFailure.ServerError, retryAfter: null, exchange.Caller.Id);

    /// <summary>For a Responses call: remembers where the response lives as soon as its id passes (before the caller has it).</summary>
    private Action<string>? ResponseIdObserver(Exchange exchange) => exchange.Operation != GatewayOperation.Responses || !exchange.CountsTokens ? null : id =>
        affinity.Remember(new ResponseAffinity(id, exchange.Alias, exchange.Target!.Name, exchange.Target.Endpoint, exchange.Target.Deployment, exchange.Caller.Id, time.GetUtcNow()));

    private static void SetStreamUsage(Exchange exchange, ISseEventInspector inspector)
    {
        if (!exchange.CountsTokens)
        {
            return;
        }

        var usage = inspector.Usage;
        exchange.ResponseModel = usage.ResponseModel;
        exchange.FinishReasons = usage.FinishReasons;
        if (!usage.Usage.IsEmpty)
        {
            exchange.Tokens = usage.Usage;
            return;
        }

        // The usage chunk never came (the stream was cut): count relayed chunks as an estimate, and say so.
        exchange.Tokens = new TokenUsage(null, inspector.ContentChunks, null);
        exchange.UsageExact = false;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<(int Status, string? ErrorCode)> RelayBodyAsync(HttpContext context, Exchange exchange, HttpResponseMessage upstreamResponse, Stream content, CancellationToken cancellationToken)
    {
        var response = context.Response;
        var status = (int)upstreamResponse.StatusCode;
        if (long.TryParse(ResponseHeaderRelay.ContentHeader(upstreamResponse, "Content-Length"), NumberStyles.None, CultureInfo.InvariantCulture, out var length))
        {
            response.ContentLength = length;
        }

        using var scanner = status is >= 200 and < 300 && exchange.CountsTokens ? new JsonBodyUsageScanner(RelayFormats.BodyReader(exchange.Operation, ResponseIdObserver(exchange))) : null;
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            while (true)
            {
                int read;
                try
                {
                    read = await UpstreamBody.ReadAsync(content, buffer, cancellationToken).ConfigureAwait(false);
                }
                catch (UpstreamReadException ex)
                {
                    // Headers may be out already: abort rather than fake a clean end of a truncated body.
                    ReportBrokenResponse(exchange, ex.IsTimeout);
                    GatewayLog.UpstreamStreamFailed(logger, exchange.Alias, exchange.Target!.Deployment, "body read failed", ex.InnerException);
                    context.Abort();
                    return (GatewayErrors.StatusOf(GatewayErrorCode.UpstreamStreamFailed), GatewayErrors.WireCodeOf(GatewayErrorCode.UpstreamStreamFailed));
                }

                if (read == 0)
                {
                    break;
                }

                scanner?.Append(buffer.AsSpan(0, read));
                await response.Body.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException && cancellationToken.IsCancellationRequested)
        {
            return RequestOutcomes.ClientClosed();
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }

        if (scanner is not null)
        {
            exchange.Tokens = scanner.Reader.Usage;
            exchange.ResponseModel = scanner.Reader.ResponseModel;
            exchange.FinishReasons = scanner.Reader.FinishReasons;
        }

        return (status, status >= 400 ? "upstream_http_" + status.ToString(CultureInfo.InvariantCulture) : null);
    }
}
