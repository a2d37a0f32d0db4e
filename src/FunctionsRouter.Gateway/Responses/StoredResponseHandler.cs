using FunctionsRouter.Gateway.Callers;
using FunctionsRouter.Gateway.Forwarding;
using FunctionsRouter.Gateway.Limits;
using FunctionsRouter.Gateway.Requests;
using FunctionsRouter.Gateway.Upstream;
using FunctionsRouter.Gateway.Usage;
using Microsoft.AspNetCore.Http;

using static FunctionsRouter.Gateway.Forwarding.RequestOutcomes;

namespace FunctionsRouter.Gateway.Responses;

/// <summary>
/// <c>GET</c> / <c>DELETE /api/v1/responses/{id}</c>, <c>POST …/{id}/cancel</c>, <c>GET …/{id}/input_items</c> (and the
/// same under <c>/api/openai/responses</c>): sent to the endpoint that created the response, found in the
/// <see cref="IResponseAffinityStore"/>, with the caller's query less <c>api-version</c>;
/// one attempt, no failover (the response lives there and nowhere else). An id the gateway never relayed for this caller
/// answers 404 <c>response_not_found</c> without an upstream call. The call and its relay are a model call's
/// (<see cref="UpstreamSender.SendOnceAsync"/>): the answer is relayed as it arrives (a <c>GET ?stream=true</c> replay
/// is a stream, ended with an error event when cut), with <c>Server-Timing</c>, and a failure, a broken body included,
/// counts against the deployment. Every call gets a usage record, without tokens: those were counted at creation.
/// </summary>
public sealed class StoredResponseHandler
{
    private const string ApiVersion = "api-version";

    private readonly IResponseAffinityStore _affinity;
    private readonly UpstreamEndpoints _endpoints;
    private readonly UpstreamSender _sender;
    private readonly CallerAdmission _admission;
    private readonly RequestLimits _limits;
    private readonly IUsageSink _usage;
    private readonly TimeProvider _time;

    internal StoredResponseHandler(IResponseAffinityStore affinity, UpstreamEndpoints endpoints, UpstreamSender sender, CallerAdmission admission, RequestLimits limits, IUsageSink usage, TimeProvider time)
    {
        _affinity = affinity;
        _endpoints = endpoints;
        _sender = sender;
        _admission = admission;
        _limits = limits;
        _usage = usage;
        _time = time;
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

        var exchange = new Exchange(_time, start, _time.GetUtcNow(), requestId, caller, GatewayOperation.Responses) { OperationName = OperationName(operation), CountsTokens = false };
        var (status, errorCode) = await ServeAsync(context, exchange, operation, responseId, cancellationToken).ConfigureAwait(false);
        _usage.Record(exchange.ToRecord(status, errorCode));
    }

    private async ValueTask<(int Status, string? ErrorCode)> ServeAsync(HttpContext context, Exchange exchange, StoredResponseOperation operation, string responseId, CancellationToken cancellationToken)
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
        context.Response.Headers["x-router-alias"] = affinity.Alias;
        var endpoint = _sender.EndpointOf(target);
        var method = operation switch
        {
            StoredResponseOperation.Delete => HttpMethod.Delete,
            StoredResponseOperation.Cancel => HttpMethod.Post,
            _ => HttpMethod.Get,
        };
        var suffix = operation switch
        {
            StoredResponseOperation.Cancel => "/cancel",
            StoredResponseOperation.InputItems => "/input_items",
            _ => string.Empty,
        };
        var request = endpoint.CreateRequest(method, endpoint.StoredResponseUri(responseId, suffix, ForwardedQuery(context.Request)), exchange.RequestId);
        var accept = context.Request.Headers.Accept;
        request.Headers.TryAddWithoutValidation("Accept", accept.Count > 0 ? accept.ToString() : "application/json");
        return await _sender.SendOnceAsync(context, exchange, target, request, body: null, callerRequestedUsage: false, cancellationToken).ConfigureAwait(false);
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
