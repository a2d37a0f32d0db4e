using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;

namespace FunctionsRouter.Gateway.Configuration;

/// <summary>
/// Bounds every Table Storage call the gateway makes (<c>Router__TableOperationTimeout</c>): a storage account that
/// hangs instead of refusing must cost a bounded wait, not the SDK's 100-second network timeout times its retries.
/// <list type="bullet">
/// <item><see cref="CreateClientOptions"/>: each try of a call gives up after the timeout, and a call is tried at most
/// three times, a fraction of a second apart. Every table client the gateway creates uses these options; the control
/// tables' clients get their own connection pool here (<see cref="TableConnectionPools"/>), apart from the usage ledger's.</item>
/// <item><see cref="StartOperation"/>: a whole operation (a catalog read, a health write with its re-reads) is cancelled
/// after the timeout, measured on the injected clock.</item>
/// </list>
/// </summary>
internal static class TableStorageTimeouts
{
    /// <summary>Retries of a failed try (connection refused, 5xx, timeout), 0.2 s then 0.4 s apart: three tries in all.</summary>
    public const int MaxRetries = 2;

    /// <param name="transport">The connection pool; a new one of the control tables (<see cref="TableConnectionPools.CreateControl"/>) when not given.</param>
    public static TableClientOptions CreateClientOptions(TimeSpan operationTimeout, HttpPipelineTransport? transport = null)
    {
        var options = new TableClientOptions { Transport = transport ?? TableConnectionPools.CreateControl() };
        options.Retry.Mode = RetryMode.Exponential;
        options.Retry.NetworkTimeout = operationTimeout;
        options.Retry.MaxRetries = MaxRetries;
        options.Retry.Delay = TimeSpan.FromMilliseconds(200);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(2);
        return options;
    }

    /// <summary>A cancellation that fires <paramref name="timeout"/> from now on <paramref name="time"/>; dispose it when done.</summary>
    public static CancellationTokenSource StartOperation(TimeSpan timeout, TimeProvider time) => new(timeout, time);
}
