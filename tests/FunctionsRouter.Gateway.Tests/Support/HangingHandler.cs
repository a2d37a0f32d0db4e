namespace FunctionsRouter.Gateway.Tests.Support;

/// <summary>An HTTP handler whose requests never get an answer (a storage service that hangs), until cancelled.</summary>
internal sealed class HangingHandler : HttpMessageHandler
{
    /// <summary>Completes when the first request is in flight.</summary>
    public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Requests { get; private set; }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Requests++;
        Entered.TrySetResult();
        await Task.Delay(Timeout.Infinite, cancellationToken);
        throw new InvalidOperationException("unreachable");
    }
}
