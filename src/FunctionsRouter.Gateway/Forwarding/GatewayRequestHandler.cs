using System.Globalization;
using Azure;
using Azure.Core;
using FunctionsRouter.Gateway.Aliases;
using FunctionsRouter.Gateway.Callers;
using FunctionsRouter.Gateway.Configuration;
using FunctionsRouter.Gateway.Diagnostics;
using FunctionsRouter.Gateway.Errors;
using FunctionsRouter.Gateway.Relay;
using FunctionsRouter.Gateway.Requests;
using FunctionsRouter.Gateway.Routing;
using FunctionsRouter.Gateway.Upstream;
using FunctionsRouter.Gateway.Usage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FunctionsRouter.Gateway.Forwarding;

/// <summary>
/// Serves one caller request: reads and checks the body, resolves the alias, picks a target, rewrites <c>model</c>,
/// calls the upstream and relays its answer as it arrives, then records usage. Host-agnostic: the Functions app and
/// the in-process test host both call it with an <see cref="HttpContext"/>.
/// </summary>
public sealed class GatewayRequestHandler
{
    private const string ModelDeploymentHeader = "azureml-model-deployment";
    private const string ExtraParametersHeader = "extra-parameters";

    private readonly IAliasCatalog _catalog;
    private readonly ITargetSelector _selector;
    private readonly UpstreamEndpoints _endpoints;
    private readonly ICallerResolver _callers;
    private readonly IUsageSink _usage;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly long _maxBodyBytes;

    internal GatewayRequestHandler(
        IAliasCatalog catalog,
        ITargetSelector selector,
        UpstreamEndpoints endpoints,
        ICallerResolver callers,
        IUsageSink usage,
        IOptions<RouterOptions> options,
        TimeProvider time,
        ILogger<GatewayRequestHandler> logger)
    {
        _catalog = catalog;
        _selector = selector;
        _endpoints = endpoints;
        _callers = callers;
        _usage = usage;
        _time = time;
        _logger = logger;
        _maxBodyBytes = options.Value.MaxRequestBodyBytes;
    }

    /// <summary>Serves a chat-completions or embeddings request arriving on either API surface.</summary>
    public async Task HandleAsync(HttpContext context, GatewayOperation operation, ApiSurface surface)
    {
        var start = _time.GetTimestamp();
        var cancellationToken = context.RequestAborted;
        var request = context.Request;
        var response = context.Response;
        var requestId = RequestIds.FromHeaderOrNew(request.Headers[RequestIds.Header]);
        response.Headers[RequestIds.Header] = requestId;

        PooledBuffer? body;
        try
        {
            body = await RequestBodyReader.ReadAsync(request, _maxBodyBytes, cancellationToken).ConfigureAwait(false);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            body = null;
        }
        catch (BadHttpRequestException ex)
        {
            await WriteErrorAsync(response, new GatewayError(GatewayErrorCode.InvalidJson, $"The request body could not be read: {ex.Message}"), cancellationToken).ConfigureAwait(false);
            return;
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException && cancellationToken.IsCancellationRequested)
        {
            return;
        }

        if (body is null)
        {
            await WriteErrorAsync(response, new GatewayError(GatewayErrorCode.RequestTooLarge, $"The request body is larger than {_maxBodyBytes} bytes."), cancellationToken).ConfigureAwait(false);
            return;
        }

        using (body)
        {
            var parseError = RequestBodyParser.TryParse(body.Span, operation, out var parsed);
            if (parseError is not null)
            {
                await WriteErrorAsync(response, parseError, cancellationToken).ConfigureAwait(false);
                return;
            }

            var alias = parsed.Model;
            if (string.IsNullOrEmpty(alias) && surface == ApiSurface.Models)
            {
                alias = request.Headers[ModelDeploymentHeader].ToString();
            }

            if (string.IsNullOrEmpty(alias))
            {
                var where = surface == ApiSurface.Models ? "'model' in the body or the azureml-model-deployment header" : "'model' in the body";
                await WriteErrorAsync(response, new GatewayError(GatewayErrorCode.NoModelName, $"No model name: set {where} to an alias.", "model"), cancellationToken).ConfigureAwait(false);
                return;
            }

            // From here on the request has reached routing: it gets exactly one usage record.
            var exchange = new Exchange(_time, start, _time.GetUtcNow(), requestId, _callers.Resolve(context), operation) { Alias = alias, Streamed = parsed.Stream };
            var (status, errorCode) = await RouteAsync(context, exchange, body, parsed, operation, cancellationToken).ConfigureAwait(false);
            _usage.Record(exchange.ToRecord(status, errorCode));
        }
    }

    private async Task<(int Status, string? ErrorCode)> RouteAsync(HttpContext context, Exchange exchange, PooledBuffer body, ParsedRequest parsed, GatewayOperation operation, CancellationToken cancellationToken)
    {
        var response = context.Response;
        AliasCatalogSnapshot snapshot;
        try
        {
            snapshot = await _catalog.GetSnapshotAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (AliasCatalogUnavailableException)
        {
            return await FailAsync(response, GatewayErrors.AliasCatalogUnavailable, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ClientClosed();
        }

        if (!snapshot.TryGet(exchange.Alias, out var route))
        {
            return await FailAsync(response, new GatewayError(GatewayErrorCode.UnknownModel, $"Unknown model: {exchange.Alias}", "model"), cancellationToken).ConfigureAwait(false);
        }

        exchange.Alias = route.Alias;
        response.Headers["x-router-alias"] = route.Alias;
        var target = _selector.Select(route);
        if (target is null)
        {
            return await FailAsync(response, new GatewayError(GatewayErrorCode.NoEnabledTarget, $"Model '{route.Alias}' has no enabled deployment.", "model"), cancellationToken).ConfigureAwait(false);
        }

        exchange.Target = target;
        using var upstreamBody = RequestBodyRewriter.Rewrite(body.Span, parsed, target.DeploymentJson);
        return await ForwardAsync(context, exchange, upstreamBody, parsed, operation, cancellationToken).ConfigureAwait(false);
    }

    private async Task<(int Status, string? ErrorCode)> ForwardAsync(HttpContext context, Exchange exchange, PooledBuffer upstreamBody, ParsedRequest parsed, GatewayOperation operation, CancellationToken cancellationToken)
    {
        var target = exchange.Target!;
        var endpoint = _endpoints.Get(target.Endpoint);
        var response = context.Response;
        using var message = endpoint.Pipeline.CreateMessage();
        message.BufferResponse = false;
        var upstreamRequest = message.Request;
        upstreamRequest.Method = RequestMethod.Post;
        upstreamRequest.Uri.Reset(endpoint.UriFor(operation));
        upstreamRequest.ClientRequestId = exchange.RequestId;
        upstreamRequest.Headers.SetValue("Content-Type", "application/json");
        upstreamRequest.Headers.SetValue("Accept", parsed.Stream ? "text/event-stream" : "application/json");
        var extraParameters = context.Request.Headers[ExtraParametersHeader];
        if (extraParameters.Count > 0)
        {
            upstreamRequest.Headers.SetValue(ExtraParametersHeader, extraParameters.ToString());
        }

        upstreamRequest.Content = RequestContent.Create(upstreamBody.Memory);

        var gatewayMs = exchange.ElapsedMs;
        var upstreamStart = _time.GetTimestamp();
        exchange.Attempts++;
        try
        {
            await endpoint.Pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            return ClientClosed();
        }
        catch (Exception ex) when (ex is OperationCanceledException or TimeoutException)
        {
            GatewayLog.UpstreamAttemptFailed(_logger, exchange.Alias, target.Name, target.Deployment, endpoint.Name, 0, "timeout", ex);
            return await FailAsync(response, new GatewayError(GatewayErrorCode.UpstreamTimeout, $"Deployment '{target.Deployment}' did not answer in time."), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (UpstreamBody.IsUpstreamFailure(ex))
        {
            GatewayLog.UpstreamAttemptFailed(_logger, exchange.Alias, target.Name, target.Deployment, endpoint.Name, 0, "unreachable", ex);
            return await FailAsync(response, new GatewayError(GatewayErrorCode.UpstreamUnreachable, $"Deployment '{target.Deployment}' could not be reached."), cancellationToken).ConfigureAwait(false);
        }

        var upstreamResponse = message.Response;
        var upstreamMs = _time.GetElapsedTime(upstreamStart).TotalMilliseconds;
        exchange.UpstreamRequestId = ResponseHeaderRelay.UpstreamRequestId(upstreamResponse);
        var status = upstreamResponse.Status;
        if (status >= 400)
        {
            GatewayLog.UpstreamAttemptFailed(_logger, exchange.Alias, target.Name, target.Deployment, endpoint.Name, status, "status", null);
        }

        response.StatusCode = status;
        ResponseHeaderRelay.Copy(upstreamResponse, response);
        response.Headers["x-router-deployment"] = target.Deployment;
        response.Headers["Server-Timing"] = string.Create(CultureInfo.InvariantCulture, $"gateway;dur={gatewayMs:0.###}, upstream;dur={upstreamMs:0.###}");

        var isEventStream = status is >= 200 and < 300 && upstreamResponse.Headers.ContentType?.StartsWith("text/event-stream", StringComparison.OrdinalIgnoreCase) == true;
        exchange.Streamed = isEventStream;
        var content = upstreamResponse.ContentStream ?? Stream.Null;
        return isEventStream
            ? await RelayStreamAsync(context, exchange, content, parsed, cancellationToken).ConfigureAwait(false)
            : await RelayBodyAsync(context, exchange, upstreamResponse, content, cancellationToken).ConfigureAwait(false);
    }

    private async Task<(int Status, string? ErrorCode)> RelayStreamAsync(HttpContext context, Exchange exchange, Stream content, ParsedRequest parsed, CancellationToken cancellationToken)
    {
        var response = context.Response;
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        var usage = new UsageJsonReader();
        var relay = new SseEventRelay(usage, forwardUsageOnlyChunk: parsed.CallerRequestedUsage);
        string? errorCode = null;
        try
        {
            await relay.RelayAsync(content, response.Body, () => exchange.TimeToFirstByteMs = exchange.ElapsedMs, cancellationToken).ConfigureAwait(false);
            if (!relay.SawDone)
            {
                errorCode = await EndStreamWithErrorAsync(response, exchange, new GatewayError(GatewayErrorCode.UpstreamStreamFailed, "The upstream ended the stream before it was complete."), null, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (UpstreamReadException ex)
        {
            var error = ex.IsTimeout
                ? new GatewayError(GatewayErrorCode.UpstreamTimeout, "The upstream went silent in the middle of the stream.")
                : new GatewayError(GatewayErrorCode.UpstreamStreamFailed, "The upstream stream failed before it was complete.");
            errorCode = await EndStreamWithErrorAsync(response, exchange, error, ex.InnerException, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException && cancellationToken.IsCancellationRequested)
        {
            SetStreamUsage(exchange, usage, relay);
            return ClientClosed();
        }

        SetStreamUsage(exchange, usage, relay);
        return (response.StatusCode, errorCode);
    }

    private async Task<string?> EndStreamWithErrorAsync(HttpResponse response, Exchange exchange, GatewayError error, Exception? cause, CancellationToken cancellationToken)
    {
        GatewayLog.UpstreamStreamFailed(_logger, exchange.Alias, exchange.Target!.Deployment, error.WireCode, cause);
        try
        {
            // Not [DONE]: an SSE event carrying the error, so SDKs raise instead of ending cleanly.
            var json = GatewayErrors.ToJson(error);
            var frame = new byte[json.Length + 8];
            "data: "u8.CopyTo(frame);
            json.CopyTo(frame, 6);
            "\n\n"u8.CopyTo(frame.AsSpan(6 + json.Length));
            await response.Body.WriteAsync(frame, cancellationToken).ConfigureAwait(false);
            await response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException)
        {
            // The caller is gone as well.
        }

        return error.WireCode;
    }

    private static void SetStreamUsage(Exchange exchange, UsageJsonReader usage, SseEventRelay relay)
    {
        if (!usage.Usage.IsEmpty)
        {
            exchange.Tokens = usage.Usage;
            return;
        }

        // The usage chunk never came (the stream was cut): count relayed chunks as an estimate, and say so.
        exchange.Tokens = new TokenUsage(null, relay.ContentChunks, null);
        exchange.UsageExact = false;
    }

    private async Task<(int Status, string? ErrorCode)> RelayBodyAsync(HttpContext context, Exchange exchange, Response upstreamResponse, Stream content, CancellationToken cancellationToken)
    {
        var response = context.Response;
        var status = upstreamResponse.Status;
        if (upstreamResponse.Headers.TryGetValue("Content-Length", out var lengthText) && long.TryParse(lengthText, NumberStyles.None, CultureInfo.InvariantCulture, out var length))
        {
            response.ContentLength = length;
        }

        using var scanner = status is >= 200 and < 300 ? new JsonBodyUsageScanner() : null;
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
                    GatewayLog.UpstreamStreamFailed(_logger, exchange.Alias, exchange.Target!.Deployment, "body read failed", ex.InnerException);
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
            return ClientClosed();
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }

        if (scanner is not null)
        {
            exchange.Tokens = scanner.Reader.Usage;
        }

        return (status, status >= 400 ? "upstream_http_" + status.ToString(CultureInfo.InvariantCulture) : null);
    }

    private static (int Status, string? ErrorCode) ClientClosed() =>
        (StatusCodes.Status499ClientClosedRequest, GatewayErrors.WireCodeOf(GatewayErrorCode.ClientClosedRequest));

    private static async Task<(int Status, string? ErrorCode)> FailAsync(HttpResponse response, GatewayError error, CancellationToken cancellationToken)
    {
        await WriteErrorAsync(response, error, cancellationToken).ConfigureAwait(false);
        return (error.Status, error.WireCode);
    }

    private static async Task WriteErrorAsync(HttpResponse response, GatewayError error, CancellationToken cancellationToken)
    {
        try
        {
            await GatewayErrors.WriteResponseAsync(response, error, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException && cancellationToken.IsCancellationRequested)
        {
            // The caller left before the answer.
        }
    }
}
