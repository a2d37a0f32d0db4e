namespace FunctionsRouter.Gateway.Relay;

/// <summary>Reading the upstream's response body failed (as opposed to writing to the caller).</summary>
internal sealed class UpstreamReadException(Exception innerException)
    : Exception("Reading the upstream response failed.", innerException)
{
    /// <summary>The upstream went silent for longer than the idle timeout.</summary>
    public bool IsTimeout => InnerException is OperationCanceledException or TimeoutException;
}
