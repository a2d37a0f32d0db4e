using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using FunctionsRouter.Gateway.Aliases;
using FunctionsRouter.Gateway.Callers;
using FunctionsRouter.Gateway.Configuration;
using FunctionsRouter.Gateway.Diagnostics;
using FunctionsRouter.Gateway.Errors;
using FunctionsRouter.Gateway.Health;
using FunctionsRouter.Gateway.Limits;
using FunctionsRouter.Gateway.Relay;
using FunctionsRouter.Gateway.Requests;
using FunctionsRouter.Gateway.Responses;
using FunctionsRouter.Gateway.Routing;
using FunctionsRouter.Gateway.Upstream;
using FunctionsRouter.Gateway.Usage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

using static FunctionsRouter.Gateway.Forwarding.RequestOutcomes;

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
    private static readonly TimeSpan WaitMargin = TimeSpan.FromMilliseconds(20);

    private readonly IAliasCatalog _catalog;
    private readonly ITargetSelector _selector;
    private readonly IDeploymentHealth _health;
    private readonly UpstreamEndpoints _endpoints;
    private readonly UpstreamSender _sender;
    private readonly CallerAdmission _admission;
    private readonly RequestLimits _limits;
    private readonly IUsageSink _usage;
    private readonly IResponseAffinityStore _affinity;
    private readonly UpstreamAnswerRelay _relay;
    private readonly ResponsesRoutes _responsesRoutes;
    private readonly GatewayTelemetry _telemetry;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly long _maxBodyBytes;
    private readonly int _maxAttempts;
    private readonly TimeSpan _failoverDeadline;
    private readonly TimeSpan _allBusyMaxWait;

    internal GatewayRequestHandler(
        IAliasCatalog catalog,
        ITargetSelector selector,
        IDeploymentHealth health,
        UpstreamEndpoints endpoints,
        UpstreamSender sender,
        CallerAdmission admission,
        RequestLimits limits,
        IUsageSink usage,
        IResponseAffinityStore affinity,
        ResponsesRoutes responsesRoutes,
        UpstreamAnswerRelay relay,
        GatewayTelemetry telemetry,
        IOptions<RouterOptions> options,
        TimeProvider time,
        ILogger<GatewayRequestHandler> logger)
    {
        _catalog = catalog;
        _selector = selector;
        _health = health;
        _endpoints = endpoints;
        _sender = sender;
        _admission = admission;
        _limits = limits;
        _usage = usage;
        _affinity = affinity;
        _responsesRoutes = responsesRoutes;
        _relay = relay;
        _telemetry = telemetry;
        _time = time;
        _logger = logger;
        var settings = options.Value;
        _maxBodyBytes = settings.MaxRequestBodyBytes;
        _maxAttempts = settings.MaxAttempts;
        _failoverDeadline = settings.FailoverDeadline;
        _allBusyMaxWait = settings.AllBusyMaxWait;
    }

    /// <summary>Serves a chat-completions, embeddings or Responses request arriving on any API surface.</summary>
    /// <param name="context">The request.</param>
    /// <param name="operation">What is asked of the model.</param>
    /// <param name="surface">The API the caller speaks.</param>
    /// <param name="pathAlias">On <see cref="ApiSurface.AzureOpenAIDeployment"/>: the deployment path segment, decoded (the alias).</param>
    /// <remarks>
    /// One state machine for the whole request (it is a <see cref="Task"/> because ASP.NET Core's request delegates
    /// are). The upstream send is awaited in <see cref="RouteAsync"/> itself (<see cref="UpstreamSender.Start"/>), and the
    /// routing and the relay use pooled state machines (<see cref="PoolingAsyncValueTaskMethodBuilder"/>), reused when
    /// requests on a thread follow each other.
    /// </remarks>
    public async Task HandleAsync(HttpContext context, GatewayOperation operation, ApiSurface surface, string? pathAlias = null)
    {
        // Started here so that every attempt span, started further down this call, is its child. Ended with its outcome
        // when the request reached routing; otherwise (refused before) just ended.
        using var activity = _telemetry.StartRequest(operation);
        var start = _time.GetTimestamp();
        var cancellationToken = context.RequestAborted;
        var request = context.Request;
        var response = context.Response;
        var requestId = RequestIds.FromHeaderOrNew(request.Headers[RequestIds.Header]);
        response.Headers[RequestIds.Header] = requestId;
        if (await _admission.AdmitAsync(context).ConfigureAwait(false) is not { } caller)
        {
            return; // A preflight, or a refusal: answered, no usage record.
        }

        var read = await RequestReader.ReadAsync(request, _maxBodyBytes, cancellationToken).ConfigureAwait(false);
        if (read.Error is not null)
        {
            await WriteErrorAsync(response, read.Error, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (read.Body is not { } body)
        {
            return; // The caller left.
        }

        using var ownedBody = body;
        var parseError = RequestBodyParser.TryParse(body.Span, operation, out var parsed);
        if (parseError is not null)
        {
            await WriteErrorAsync(response, parseError, cancellationToken).ConfigureAwait(false);
            return;
        }

        // The deployment URL names the alias in its path; the body's model, if any, is replaced like any other.
        var alias = surface == ApiSurface.AzureOpenAIDeployment ? pathAlias : parsed.Model;
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

        var limit = default(LimitTicket);
        if ((_admission.Authorize(context, caller, alias) ?? _limits.Admit(context, caller, alias, body.Span, operation, out limit)) is { } refused)
        {
            await WriteErrorAsync(response, refused, cancellationToken).ConfigureAwait(false);
            return;
        }

        // From here on the request has reached routing: it gets exactly one usage record.
        _telemetry.SetRoute(activity, alias, caller);
        var exchange = new Exchange(_time, start, _time.GetUtcNow(), requestId, caller, operation) { Alias = alias, Streamed = parsed.Stream };
        var (status, errorCode) = await RouteAsync(context, exchange, body, parsed, operation, cancellationToken).ConfigureAwait(false);
        var record = exchange.ToRecord(status, errorCode);
        _limits.Settle(limit, record);
        _usage.Record(record);
        _telemetry.EndRequest(activity, record, exchange.ResponseModel, exchange.FinishReasons, exchange.Attempts > 0 ? exchange.GatewayMs : record.LatencyMs);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<(int Status, string? ErrorCode)> RouteAsync(HttpContext context, Exchange exchange, PooledBuffer body, ParsedRequest parsed, GatewayOperation operation, CancellationToken cancellationToken)
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
            return await FailAsync(response, GatewayErrors.UnknownModel(exchange.Alias), cancellationToken).ConfigureAwait(false);
        }

        if (operation == GatewayOperation.Responses && (route = _responsesRoutes.For(route!)) is null)
        {
            return await FailAsync(response, StoredResponses.NotSupported(exchange.Alias), cancellationToken).ConfigureAwait(false);
        }

        exchange.Alias = route.Alias;
        response.Headers["x-router-alias"] = route.Alias;
        response.Headers[UpstreamSender.AttemptsHeader] = UpstreamSender.AttemptCount(0);
        if (parsed.PreviousResponseId is { } previous)
        {
            // A follow-up goes where the previous response lives, and nowhere else: no selection, no failover.
            var (affinity, lookupError) = await StoredResponses.FindAsync(_affinity, _endpoints, previous, exchange.Caller.Id, "previous_response_id", cancellationToken).ConfigureAwait(false);
            if (affinity is null)
            {
                return lookupError is null ? ClientClosed() : await FailAsync(response, lookupError, cancellationToken).ConfigureAwait(false);
            }

            var pinned = affinity.ToTarget(route);
            var request = CreateRequest(context, exchange, pinned, body, parsed, operation, out var rewritten);
            return await _sender.SendOnceAsync(context, exchange, pinned, request, rewritten, parsed.CallerRequestedUsage, cancellationToken).ConfigureAwait(false);
        }

        if (!route.HasEnabledTarget)
        {
            return await FailAsync(response, new GatewayError(GatewayErrorCode.NoEnabledTarget, $"Model '{route.Alias}' has no enabled deployment.", "model"), cancellationToken).ConfigureAwait(false);
        }

        var index = _selector.Select(route, tried: 0);
        ulong tried = 0;
        while (true)
        {
            if (index < 0)
            {
                // Every enabled target is cooling down: wait for the first back if that is allowed and short, else 429.
                var waited = await WaitForFirstBackAsync(route, cancellationToken).ConfigureAwait(false);
                if (waited is null)
                {
                    return ClientClosed();
                }

                tried = 0;
                index = waited.Value ? _selector.Select(route, tried) : -1;
                if (index < 0)
                {
                    return await AllBusyAsync(response, exchange, route, cancellationToken).ConfigureAwait(false);
                }
            }

            tried |= 1UL << index;
            var request = CreateRequest(context, exchange, route.Targets[index], body, parsed, operation, out var rewritten);
            using var attempt = _sender.Start(context, exchange, route.Targets[index], request, rewritten, cancellationToken);
            await attempt.Sent;
            _sender.Finish(attempt);
            var target = attempt.Target;
            if (attempt.CallerGone)
            {
                return ClientClosed();
            }

            if (attempt.Failure is not { } failure)
            {
                _health.ReportSuccess(target);
                if (attempt.Status >= 400)
                {
                    // A caller error: never failed over, returned as it is; logged as operators want 401/403 seen.
                    GatewayLog.UpstreamAttemptFailed(_logger, exchange.Alias, target.Name, target.Deployment, target.Endpoint, attempt.Status, attempt.Reason, null);
                }

                return await _relay.RelayAsync(context, exchange, attempt, parsed.CallerRequestedUsage, cancellationToken).ConfigureAwait(false);
            }

            _health.ReportFailure(target, failure, attempt.RetryAfter, exchange.Caller.Id);
            GatewayLog.UpstreamAttemptFailed(_logger, exchange.Alias, target.Name, target.Deployment, target.Endpoint, attempt.Status, attempt.Reason, attempt.Error);
            var mayRetry = exchange.Attempts < _maxAttempts && _time.GetElapsedTime(exchange.StartTimestamp) < _failoverDeadline;
            index = mayRetry ? _selector.Select(route, tried) : -1;
            if (index >= 0)
            {
                continue;
            }

            var allBusy = failure is DeploymentFailure.Throttled or DeploymentFailure.Unavailable && _selector.AllBusyUntil(route) is not null;
            if (mayRetry && allBusy)
            {
                continue; // To the top: wait for the first back if allowed, else 429 all_deployments_busy.
            }

            // Out of candidates, attempts or time. Throttled everywhere is the gateway's own 429, not a random upstream's.
            if (allBusy)
            {
                return await AllBusyAsync(response, exchange, route, cancellationToken).ConfigureAwait(false);
            }

            if (attempt.Response is not null)
            {
                return await _relay.RelayAsync(context, exchange, attempt, parsed.CallerRequestedUsage, cancellationToken).ConfigureAwait(false);
            }

            return await FailAsync(response, NoAnswerError(failure, target), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The upstream request for <paramref name="target"/>: the caller's body with <c>model</c> set to its deployment (in
    /// <paramref name="rewritten"/>, a pooled buffer sent as it is: no copy), and the headers passed on.
    /// </summary>
    private HttpRequestMessage CreateRequest(HttpContext context, Exchange exchange, AliasTarget target, PooledBuffer body, ParsedRequest parsed, GatewayOperation operation, out PooledBuffer rewritten)
    {
        var endpoint = _sender.EndpointOf(target);
        rewritten = RequestBodyRewriter.Rewrite(body.Span, parsed, target.DeploymentJson);
        var request = endpoint.CreateRequest(HttpMethod.Post, endpoint.UriFor(operation), exchange.RequestId);
        request.Headers.TryAddWithoutValidation("Accept", parsed.Stream ? "text/event-stream" : "application/json");
        var extraParameters = context.Request.Headers[ExtraParametersHeader];
        if (extraParameters.Count > 0)
        {
            request.Headers.TryAddWithoutValidation(ExtraParametersHeader, extraParameters.ToString());
        }

        var content = new ByteArrayContent(rewritten.Array, 0, rewritten.Length);
        content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        request.Content = content;
        return request;
    }

    private async Task<bool?> WaitForFirstBackAsync(AliasRoute route, CancellationToken cancellationToken)
    {
        if (_allBusyMaxWait <= TimeSpan.Zero || _selector.AllBusyUntil(route) is not { } until)
        {
            return false;
        }

        var wait = until - _time.GetUtcNow();
        if (wait > _allBusyMaxWait)
        {
            return false;
        }

        try
        {
            // A little past the cooldown's end: timers and the wall clock differ by a few milliseconds.
            await Task.Delay((wait > TimeSpan.Zero ? wait : TimeSpan.Zero) + WaitMargin, _time, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    private async ValueTask<(int Status, string? ErrorCode)> AllBusyAsync(HttpResponse response, Exchange exchange, AliasRoute route, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var wait = (_selector.AllBusyUntil(route) ?? now) - now;
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        response.Headers["retry-after-ms"] = Math.Max(1, (long)Math.Ceiling(wait.TotalMilliseconds)).ToString(CultureInfo.InvariantCulture);
        GatewayLog.AllDeploymentsBusy(_logger, route.Alias, seconds, exchange.Attempts);
        exchange.Target = null; // Nothing served; the attempts made are counted, and each was logged.
        var error = new GatewayError(GatewayErrorCode.AllDeploymentsBusy, $"Every deployment of model '{route.Alias}' is busy; retry after {seconds} s.", "model");
        return await FailAsync(response, error, cancellationToken).ConfigureAwait(false);
    }
}
