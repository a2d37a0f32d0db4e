using System.Globalization;
using Azure.Core;
using FunctionsRouter.Gateway.Callers;
using FunctionsRouter.Gateway.Diagnostics;
using FunctionsRouter.Gateway.Errors;
using FunctionsRouter.Gateway.Forwarding;
using FunctionsRouter.Gateway.Health;
using FunctionsRouter.Gateway.Limits;
using FunctionsRouter.Gateway.Relay;
using FunctionsRouter.Gateway.Requests;
using FunctionsRouter.Gateway.Upstream;
using FunctionsRouter.Gateway.Usage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

using static FunctionsRouter.Gateway.Forwarding.RequestOutcomes;

namespace FunctionsRouter.Gateway.Responses;

/// <summary>
/// <c>GET</c> / <c>DELETE /api/v1/responses/{id}</c>, <c>POST …/{id}/cancel</c>, <c>GET …/{id}/input_items</c> (and the
/// same under <c>/api/openai/responses</c>): sent to the endpoint that created the response, found in the
/// <see cref="IResponseAffinityStore"/>, with the caller's query less <c>api-version</c>;
/// one attempt, no failover (the response lives there and nowhere else). An id the gateway never relayed for this caller
/// answers 404 <c>response_not_found</c> without an upstream call. The answer is relayed as it arrives (a
/// <c>GET ?stream=true</c> replay is a stream); every call gets a usage record.
/// </summary>
public sealed class StoredResponseHandler
{
    private const string ApiVersion = "api-version";

    private readonly IResponseAffinityStore _affinity;
    private readonly UpstreamEndpoints _endpoints;
    private readonly CallerAdmission _admission;
    private readonly RequestLimits _limits;
    private readonly IUsageSink _usage;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    internal StoredResponseHandler(IResponseAffinityStore affinity, UpstreamEndpoints endpoints, CallerAdmission admission, RequestLimits limits, IUsageSink usage, TimeProvider time, ILogger<StoredResponseHandler> logger)
    {
        _affinity = affinity;
        _endpoints = endpoints;
        _admission = admission;
        _limits = limits;
        _usage = usage;
        _time = time;
        _logger = logger;
    }

    public async Task HandleAsync(HttpContext context, StoredResponseOperation operation, string responseId)
    {
        var start = _time.GetTimestamp();
        var cancellationToken = context.RequestAborted;
        var requestId = RequestIds.FromHeaderOrNew(context.Request.Headers[RequestIds.Header]);
        context.Response.Headers[RequestIds.Header] = requestId;
        if (await _admission.AdmitAsync(context).ConfigureAwait(false) is not { } caller)
        {
            return; // A preflight, or a refusal: answered, no usage record.
        }

        var exchange = new Exchange(_time, start, _time.GetUtcNow(), requestId, caller, GatewayOperation.Responses) { OperationName = OperationName(operation) };
        var (status, errorCode) = await ServeAsync(context, exchange, operation, responseId, cancellationToken).ConfigureAwait(false);
        _usage.Record(exchange.ToRecord(status, errorCode));
    }

    private async Task<(int Status, string? ErrorCode)> ServeAsync(HttpContext context, Exchange exchange, StoredResponseOperation operation, string responseId, CancellationToken cancellationToken)
    {
        var (affinity, lookupError) = await StoredResponses.FindAsync(_affinity, _endpoints, responseId, exchange.Caller.Id, null, cancellationToken).ConfigureAwait(false);
        if (affinity is null)
        {
            return lookupError is null ? ClientClosed() : await FailAsync(context.Response, lookupError, cancellationToken).ConfigureAwait(false);
        }

        // Its grant may have been narrowed since. Counted as a request (no tokens: it generates nothing).
        if ((_admission.Authorize(context, exchange.Caller, affinity.Alias) ?? _limits.Admit(context, exchange.Caller, affinity.Alias, default, GatewayOperation.Embeddings, out _)) is { } refused)
        {
            return await FailAsync(context.Response, refused, cancellationToken).ConfigureAwait(false);
        }

        var target = affinity.ToTarget();
        exchange.Alias = affinity.Alias;
        exchange.Target = target;
        exchange.Attempts = 1;
        exchange.GatewayMs = exchange.ElapsedMs;
        var endpoint = _endpoints.Get(affinity.Endpoint);
        using var message = endpoint.Pipeline.CreateMessage();
        message.BufferResponse = false;
        var request = message.Request;
        request.Method = operation switch
        {
            StoredResponseOperation.Delete => RequestMethod.Delete,
            StoredResponseOperation.Cancel => RequestMethod.Post,
            _ => RequestMethod.Get,
        };
        var suffix = operation switch
        {
            StoredResponseOperation.Cancel => "/cancel",
            StoredResponseOperation.InputItems => "/input_items",
            _ => string.Empty,
        };
        request.Uri.Reset(endpoint.StoredResponseUri(responseId, suffix, ForwardedQuery(context.Request)));
        request.ClientRequestId = exchange.RequestId;
        var accept = context.Request.Headers.Accept;
        request.Headers.SetValue("Accept", accept.Count > 0 ? accept.ToString() : "application/json");
        context.Response.Headers["x-router-alias"] = affinity.Alias;
        context.Response.Headers["x-router-attempts"] = "1";

        try
        {
            await endpoint.Pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            return ClientClosed();
        }
        catch (Exception ex) when (UpstreamBody.IsUpstreamFailure(ex))
        {
            var failure = ex is OperationCanceledException or TimeoutException ? DeploymentFailure.Timeout : DeploymentFailure.Unreachable;
            GatewayLog.UpstreamAttemptFailed(_logger, affinity.Alias, target.Name, target.Deployment, target.Endpoint, 0, failure == DeploymentFailure.Timeout ? "timeout" : "unreachable", ex);
            return await FailAsync(context.Response, NoAnswerError(failure, target), cancellationToken).ConfigureAwait(false);
        }

        return await RelayAsync(context, exchange, message.Response, cancellationToken).ConfigureAwait(false);
    }

    private async Task<(int Status, string? ErrorCode)> RelayAsync(HttpContext context, Exchange exchange, Azure.Response upstream, CancellationToken cancellationToken)
    {
        var response = context.Response;
        exchange.UpstreamRequestId = ResponseHeaderRelay.UpstreamRequestId(upstream);
        response.StatusCode = upstream.Status;
        ResponseHeaderRelay.Copy(upstream, response);
        response.Headers["x-router-deployment"] = exchange.Target!.Deployment;
        exchange.Streamed = upstream.Headers.ContentType?.StartsWith("text/event-stream", StringComparison.OrdinalIgnoreCase) == true;
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        var content = upstream.ContentStream ?? Stream.Null;
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await UpstreamBody.ReadAsync(content, buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                exchange.TimeToFirstByteMs ??= exchange.ElapsedMs;
                await response.Body.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                await response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (UpstreamReadException ex)
        {
            // Headers are out: abort rather than fake a clean end of a truncated body.
            GatewayLog.UpstreamStreamFailed(_logger, exchange.Alias, exchange.Target.Deployment, "body read failed", ex.InnerException);
            context.Abort();
            return (GatewayErrors.StatusOf(GatewayErrorCode.UpstreamStreamFailed), GatewayErrors.WireCodeOf(GatewayErrorCode.UpstreamStreamFailed));
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException && cancellationToken.IsCancellationRequested)
        {
            return ClientClosed();
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }

        if (!exchange.Streamed)
        {
            exchange.TimeToFirstByteMs = null;
        }

        return (upstream.Status, upstream.Status >= 400 ? "upstream_http_" + upstream.Status.ToString(CultureInfo.InvariantCulture) : null);
    }

    /// <summary>The caller's query (<c>include</c>, <c>stream</c>, <c>limit</c>, <c>after</c>, …) without <c>api-version</c>, which is the upstream endpoint's business.</summary>
    private static string ForwardedQuery(HttpRequest request) =>
        request.Query.ContainsKey(ApiVersion)
            ? QueryString.Create(request.Query.Where(p => !string.Equals(p.Key, ApiVersion, StringComparison.OrdinalIgnoreCase))).Value ?? string.Empty
            : request.QueryString.Value ?? string.Empty;

    private static string OperationName(StoredResponseOperation operation) => operation switch
    {
        StoredResponseOperation.Get => "responses.get",
        StoredResponseOperation.Delete => "responses.delete",
        StoredResponseOperation.Cancel => "responses.cancel",
        _ => "responses.input_items",
    };
}
