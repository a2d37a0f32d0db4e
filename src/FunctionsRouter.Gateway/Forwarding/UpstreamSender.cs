using System.Globalization;
using System.Runtime.CompilerServices;
using FunctionsRouter.Gateway.Aliases;
using FunctionsRouter.Gateway.Configuration;
using FunctionsRouter.Gateway.Diagnostics;
using FunctionsRouter.Gateway.Health;
using FunctionsRouter.Gateway.Relay;
using FunctionsRouter.Gateway.Requests;
using FunctionsRouter.Gateway.Upstream;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

using static FunctionsRouter.Gateway.Forwarding.RequestOutcomes;

namespace FunctionsRouter.Gateway.Forwarding;

/// <summary>
/// The upstream call, for every route that makes one (a model call and its failovers, a follow-up pinned to its
/// response's deployment, a call about a stored response): one attempt through the endpoint's
/// <see cref="HttpMessageInvoker"/>, its span, its count in <c>x-router-attempts</c>, and one classification of how it
/// ended (answered, caller gone, timeout, unreachable, no token). Choosing the next target is the caller's business.
/// </summary>
internal sealed class UpstreamSender(
    UpstreamEndpoints endpoints,
    IDeploymentHealth health,
    UpstreamAnswerRelay relay,
    GatewayTelemetry telemetry,
    IOptions<RouterOptions> options,
    TimeProvider time,
    ILogger<UpstreamSender> logger)
{
    public const string AttemptsHeader = "x-router-attempts";

    private static readonly string[] AttemptCounts = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10"];

    private readonly TimeSpan _idleTimeout = options.Value.UpstreamIdleTimeout;

    public static string AttemptCount(int attempts) =>
        attempts < AttemptCounts.Length ? AttemptCounts[attempts] : attempts.ToString(CultureInfo.InvariantCulture);

    /// <summary>The endpoint of <paramref name="target"/>.</summary>
    public UpstreamEndpoint EndpointOf(AliasTarget target) => endpoints.Get(target.Endpoint);

    /// <summary>
    /// Starts sending <paramref name="request"/> (its body, if any, in <paramref name="body"/>, owned by the attempt from
    /// here). Await the attempt's <see cref="UpstreamAttempt.Sent"/> (it never throws), then call <see cref="Finish"/>:
    /// the wait is the caller's own, so that no state machine is allocated for it (the send is the one wait every
    /// request makes, and under concurrency a pooled one is rarely there to reuse).
    /// </summary>
    public UpstreamAttempt Start(HttpContext context, Exchange exchange, AliasTarget target, HttpRequestMessage request, PooledBuffer? body, CancellationToken cancellationToken)
    {
        var endpoint = endpoints.Get(target.Endpoint);
        var attempt = new UpstreamAttempt(target, request, body, _idleTimeout, cancellationToken);
        exchange.Target = target;
        if (exchange.Attempts++ == 0)
        {
            exchange.GatewayMs = exchange.ElapsedMs;
        }

        context.Response.Headers[AttemptsHeader] = AttemptCount(exchange.Attempts);
        attempt.Sending(telemetry.StartAttempt(target, exchange.Attempts, exchange.Operation), time.GetTimestamp(), Send(endpoint, request, attempt.IdleToken));
        return attempt;
    }

    /// <summary>
    /// Classifies how the attempt's send ended (answered, caller gone, timeout, unreachable, no token) once
    /// <see cref="UpstreamAttempt.Sent"/> has completed, and ends its span. Never throws for the upstream's or the caller's sake.
    /// </summary>
    public void Finish(UpstreamAttempt attempt)
    {
        try
        {
            attempt.Answered(attempt.Send!.GetAwaiter().GetResult(), time.GetUtcNow());
        }
        catch (Exception) when (attempt.CallerToken.IsCancellationRequested)
        {
            attempt.CallerLeft();
        }
        catch (UpstreamCredentialException ex)
        {
            attempt.NoAnswer(DeploymentFailure.Unreachable, "credential", ex);
        }
        catch (Exception ex) when (ex is OperationCanceledException or TimeoutException)
        {
            attempt.NoAnswer(DeploymentFailure.Timeout, "timeout", ex);
        }
        catch (Exception ex) when (UpstreamBody.IsUpstreamFailure(ex))
        {
            attempt.NoAnswer(DeploymentFailure.Unreachable, "unreachable", ex);
        }

        attempt.UpstreamMs = time.GetElapsedTime(attempt.UpstreamStart).TotalMilliseconds;
        telemetry.EndAttempt(attempt.Span, attempt.Status, attempt.CallerGone ? "client_closed_request" : attempt.NoAnswerReason);
        attempt.Span?.Dispose();
    }

    /// <summary>The send itself: authenticated (an Entra token is normally held, so no wait), then through the endpoint's invoker.</summary>
    private static Task<HttpResponseMessage> Send(UpstreamEndpoint endpoint, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            var authenticated = endpoint.AuthenticateAsync(request, cancellationToken);
            return authenticated.IsCompletedSuccessfully
                ? endpoint.Invoker.SendAsync(request, cancellationToken)
                : AuthenticateThenSendAsync(authenticated, endpoint, request, cancellationToken);
        }
        catch (Exception ex)
        {
            return Task.FromException<HttpResponseMessage>(ex);
        }
    }

    private static async Task<HttpResponseMessage> AuthenticateThenSendAsync(ValueTask authenticated, UpstreamEndpoint endpoint, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        await authenticated.ConfigureAwait(false);
        return await endpoint.Invoker.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The one attempt of a call that can go nowhere else (where a stored response lives): sent, a failure reported to
    /// the deployment's health and logged, then the upstream's answer relayed, or the gateway's error when none came.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<(int Status, string? ErrorCode)> SendOnceAsync(HttpContext context, Exchange exchange, AliasTarget target, HttpRequestMessage request, PooledBuffer? body, bool callerRequestedUsage, CancellationToken cancellationToken)
    {
        using var attempt = Start(context, exchange, target, request, body, cancellationToken);
        await attempt.Sent;
        Finish(attempt);
        if (attempt.CallerGone)
        {
            return ClientClosed();
        }

        if (attempt.Failure is { } failure)
        {
            health.ReportFailure(target, failure, attempt.RetryAfter, exchange.Caller.Id);
            GatewayLog.UpstreamAttemptFailed(logger, exchange.Alias, target.Name, target.Deployment, target.Endpoint, attempt.Status, attempt.Reason, attempt.Error);
        }

        return attempt.Response is not null
            ? await relay.RelayAsync(context, exchange, attempt, callerRequestedUsage, cancellationToken).ConfigureAwait(false)
            : await FailAsync(context.Response, NoAnswerError(attempt.Failure!.Value, target), cancellationToken).ConfigureAwait(false);
    }
}
