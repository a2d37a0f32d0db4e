using System.Runtime.CompilerServices;

namespace FunctionsRouter.Gateway.Relay;

/// <summary>Reads the upstream's response body, telling an upstream failure apart from the caller going away.</summary>
internal static class UpstreamBody
{
    /// <exception cref="UpstreamReadException">The upstream failed or went silent (not the caller's cancellation).</exception>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public static async ValueTask<int> ReadAsync(Stream upstream, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        try
        {
            return await upstream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && IsUpstreamFailure(ex))
        {
            throw new UpstreamReadException(ex);
        }
    }

    /// <summary>The exceptions an upstream call or read throws for a network fault or a timeout.</summary>
    public static bool IsUpstreamFailure(Exception ex) =>
        ex is IOException or OperationCanceledException or TimeoutException or HttpRequestException;
}
