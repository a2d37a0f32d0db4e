using Azure.Core;
using Azure.Data.Tables;

namespace FunctionsRouter.Gateway.Configuration;

/// <summary>
/// Bounds every Table Storage call the gateway makes (<c>Router__TableOperationTimeout</c>): a storage account that
/// hangs instead of refusing must cost a bounded wait, not the SDK's 100-second network timeout times its retries.
/// <list type="bullet">
/// <item><see cref="CreateClientOptions"/>: each try of a call gives up after the timeout, and a call is tried at most
/// three times, a fraction of a second apart. Every table client the gateway creates uses these options.</item>
/// <item><see cref="StartOperation"/>: a whole operation (a catalog read, a health write with its re-reads) is cancelled
/// after the timeout, measured on the injected clock.</item>
/// </list>
/// </summary>
internal static class TableStorageTimeouts
{
    /// <summary>Retries of a failed try (connection refused, 5xx, timeout), 0.2 s then 0.4 s apart: three tries in all.</summary>
    public const int MaxRetries = 2;

    /// <summary>The options of every table client, the gateway's and the command line's (whose tries last 5 s).</summary>
    public static TableClientOptions CreateClientOptions(TimeSpan operationTimeout)
    {
        var options = new TableClientOptions();
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
