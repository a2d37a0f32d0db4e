using Azure;
using Azure.Core;
using FunctionsRouter.Gateway.Aliases;
using FunctionsRouter.Gateway.Health;
using FunctionsRouter.Gateway.Requests;

namespace FunctionsRouter.Gateway.Forwarding;

/// <summary>One try of one target: the upstream message, the body sent to it, and how it went.</summary>
internal sealed class UpstreamAttempt(AliasTarget target, HttpMessage message, PooledBuffer body) : IDisposable
{
    public AliasTarget Target { get; } = target;

    public HttpMessage Message { get; } = message;

    /// <summary>The body sent: the caller's, with <c>model</c> set to this target's deployment.</summary>
    public PooledBuffer Body { get; } = body;

    /// <summary>The upstream's response, when one arrived.</summary>
    public Response? Response => Message.HasResponse ? Message.Response : null;

    /// <summary>Set when the attempt failed in a way another target may not: throttled, 5xx, timeout, unreachable.</summary>
    public DeploymentFailure? Failure { get; private set; }

    /// <summary>The upstream's status, or 0 when no response arrived.</summary>
    public int Status { get; private set; }

    /// <summary>Why no response arrived (<c>timeout</c>, <c>unreachable</c>), or null when one did.</summary>
    public string? NoAnswerReason { get; private set; }

    /// <summary>What the failure log says: <c>status</c>, <c>timeout</c> or <c>unreachable</c>.</summary>
    public string Reason => NoAnswerReason ?? "status";

    public Exception? Error { get; private set; }

    /// <summary>How long the upstream asked to be left alone (429 and 503 only).</summary>
    public TimeSpan? RetryAfter { get; private set; }

    /// <summary>The caller went away during the attempt.</summary>
    public bool CallerGone { get; private set; }

    public double UpstreamMs { get; set; }

    public void Answered(int status, DateTimeOffset now)
    {
        Status = status;
        Failure = status switch
        {
            429 => DeploymentFailure.Throttled,
            503 => DeploymentFailure.Unavailable,
            408 or 500 or 502 or 504 => DeploymentFailure.ServerError,
            _ => null,
        };
        if (Failure is DeploymentFailure.Throttled or DeploymentFailure.Unavailable)
        {
            RetryAfter = CooldownHeaders.Read(Message.Response, now);
        }
    }

    public void NoAnswer(DeploymentFailure failure, string reason, Exception error)
    {
        Failure = failure;
        NoAnswerReason = reason;
        Error = error;
    }

    public void CallerLeft() => CallerGone = true;

    public void Dispose()
    {
        Message.Dispose();
        Body.Dispose();
    }
}
