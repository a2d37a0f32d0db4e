using System.Runtime.CompilerServices;
using FunctionsRouter.Gateway.Aliases;
using FunctionsRouter.Gateway.Health;
using FunctionsRouter.Gateway.Requests;

namespace FunctionsRouter.Gateway.Forwarding;

/// <summary>
/// One try of one target: the upstream request, the body sent with it, the answer, and how it went. Every wait on the
/// upstream (token, headers, each read of the body) uses <see cref="IdleToken"/>: the caller's cancellation, and also
/// cancelled once the upstream has been silent for the idle timeout (reset on every sign of progress, as YARP's
/// activity timeout is).
/// </summary>
internal sealed class UpstreamAttempt : IDisposable
{
    private readonly CancellationTokenSource _idle;
    private readonly TimeSpan _idleTimeout;
    private Stream? _responseBody;

    public UpstreamAttempt(AliasTarget target, HttpRequestMessage request, PooledBuffer? body, TimeSpan idleTimeout, CancellationToken cancellationToken)
    {
        Target = target;
        Request = request;
        Body = body;
        _idleTimeout = idleTimeout;
        CallerToken = cancellationToken;
        _idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _idle.CancelAfter(idleTimeout);
    }

    public AliasTarget Target { get; }

    /// <summary>The caller's cancellation.</summary>
    public CancellationToken CallerToken { get; }

    /// <summary>The send, from <see cref="UpstreamSender.Start"/>; its outcome is read by <see cref="UpstreamSender.Finish"/>.</summary>
    public Task<HttpResponseMessage>? Send { get; private set; }

    /// <summary>Waits for <see cref="Send"/> to end, however it ends: never throws.</summary>
    public ConfiguredTaskAwaitable Sent => ((Task)Send!).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);

    /// <summary>The attempt's span, or null when nobody listens.</summary>
    public System.Diagnostics.Activity? Span { get; private set; }

    /// <summary>When the send started (<see cref="TimeProvider.GetTimestamp"/>).</summary>
    public long UpstreamStart { get; private set; }

    public HttpRequestMessage Request { get; }

    /// <summary>The body sent, when there is one: the caller's, with <c>model</c> set to this target's deployment.</summary>
    public PooledBuffer? Body { get; }

    /// <summary>The caller's cancellation, or the upstream's silence past the idle timeout.</summary>
    public CancellationToken IdleToken => _idle.Token;

    /// <summary>The upstream's response (status and headers; the body not read yet), when one arrived.</summary>
    public HttpResponseMessage? Response { get; private set; }

    /// <summary>Set when the attempt failed in a way another target may not: throttled, 5xx, timeout, unreachable.</summary>
    public DeploymentFailure? Failure { get; private set; }

    /// <summary>The upstream's status, or 0 when no response arrived.</summary>
    public int Status { get; private set; }

    /// <summary>Why no response arrived (<c>timeout</c>, <c>unreachable</c>, <c>credential</c>), or null when one did.</summary>
    public string? NoAnswerReason { get; private set; }

    /// <summary>What the failure log says: <c>status</c>, <c>timeout</c>, <c>unreachable</c> or <c>credential</c>.</summary>
    public string Reason => NoAnswerReason ?? "status";

    public Exception? Error { get; private set; }

    /// <summary>How long the upstream asked to be left alone (429 and 503 only).</summary>
    public TimeSpan? RetryAfter { get; private set; }

    /// <summary>The caller went away during the attempt.</summary>
    public bool CallerGone { get; private set; }

    public double UpstreamMs { get; set; }

    public void Sending(System.Diagnostics.Activity? span, long start, Task<HttpResponseMessage> send)
    {
        Span = span;
        UpstreamStart = start;
        Send = send;
    }

    /// <summary>The upstream made progress (answered, or sent more of its body): its idle timeout starts again.</summary>
    public void Progressed() => _idle.CancelAfter(_idleTimeout);

    public void Answered(HttpResponseMessage response, DateTimeOffset now)
    {
        Progressed();
        Response = response;
        var status = (int)response.StatusCode;
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
            RetryAfter = CooldownHeaders.Read(response, now);
        }
    }

    public void NoAnswer(DeploymentFailure failure, string reason, Exception error)
    {
        Failure = failure;
        NoAnswerReason = reason;
        Error = error;
    }

    public void CallerLeft() => CallerGone = true;

    /// <summary>
    /// The response body as the relay reads it: each read waits at most the idle timeout (whatever token the reader
    /// passes, the attempt's is used: it is linked to the caller's), and a read that returns restarts it.
    /// </summary>
    public Stream ResponseBody() => _responseBody ??= Response is { } response
        ? new IdleTimeoutStream(response.Content.ReadAsStream(IdleToken), this)
        : Stream.Null;

    public void Dispose()
    {
        Response?.Dispose();
        Request.Dispose();
        Body?.Dispose();
        _idle.Dispose();
    }

    private sealed class IdleTimeoutStream(Stream inner, UpstreamAttempt attempt) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        // Pooled: a stream is read many times, and each read that waits would otherwise allocate its state machine.
        [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await inner.ReadAsync(buffer, attempt.IdleToken).ConfigureAwait(false);
            attempt.Progressed();
            return read;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("Read asynchronously.");

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
