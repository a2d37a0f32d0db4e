using FunctionsRouter.Gateway.Aliases;
using FunctionsRouter.Gateway.Errors;
using FunctionsRouter.Gateway.Health;
using Microsoft.AspNetCore.Http;

namespace FunctionsRouter.Gateway.Forwarding;

/// <summary>
/// How a routed request ended, as its usage record states it (status and error code), for every handler that serves one:
/// the caller left, or the gateway answered with its own error.
/// </summary>
internal static class RequestOutcomes
{
    public static (int Status, string? ErrorCode) ClientClosed() =>
        (StatusCodes.Status499ClientClosedRequest, GatewayErrors.WireCodeOf(GatewayErrorCode.ClientClosedRequest));

    /// <summary>The error for an upstream that gave no answer at all: 504 when it stayed silent, else 502.</summary>
    public static GatewayError NoAnswerError(DeploymentFailure failure, AliasTarget target) => failure == DeploymentFailure.Timeout
        ? new GatewayError(GatewayErrorCode.UpstreamTimeout, $"Deployment '{target.Deployment}' did not answer in time.")
        : new GatewayError(GatewayErrorCode.UpstreamUnreachable, $"Deployment '{target.Deployment}' could not be reached.");

    /// <summary>Answers with <paramref name="error"/> and returns it as the outcome.</summary>
    public static async ValueTask<(int Status, string? ErrorCode)> FailAsync(HttpResponse response, GatewayError error, CancellationToken cancellationToken)
    {
        await WriteErrorAsync(response, error, cancellationToken).ConfigureAwait(false);
        return (error.Status, error.WireCode);
    }

    /// <summary>Answers with <paramref name="error"/>; a caller that left before the answer is nobody's error.</summary>
    public static async Task WriteErrorAsync(HttpResponse response, GatewayError error, CancellationToken cancellationToken)
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
