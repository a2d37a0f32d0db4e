using Azure.Core.Pipeline;

namespace FunctionsRouter.Gateway.Configuration;

/// <summary>
/// The gateway's connections to Table Storage, in two pools that are never shared (issue 18): the usage ledger's, and
/// the control tables' (callers, aliases, deployment health, response affinity). Without a transport of its own every
/// Azure.Core client uses one process-wide <c>HttpClient</c> (<c>HttpClientTransport.Shared</c>). Its handler has no
/// per-server cap today (checked with Azure.Core 1.62), so ledger batches did not strictly queue on it, but nothing
/// kept it so: a cap, a proxy's or a library's, would put the ledger's slow 100-row batches ahead of the caller and
/// alias reads the request path depends on. What the pools cannot separate is the storage account itself; that is
/// what <c>Router__Usage__…</c> (a ledger account of its own) is for.
/// </summary>
internal static class TableConnectionPools
{
    /// <summary>The usage ledger's pool, shared by every ledger client of the process (<see cref="Usage.UsageTableClient.Create"/>).</summary>
    public static HttpPipelineTransport Ledger { get; } = Create();

    /// <summary>A pool for the control tables; the host creates one (see <see cref="TableStorageTimeouts.CreateClientOptions"/>).</summary>
    public static HttpPipelineTransport CreateControl() => Create();

    private static HttpClientTransport Create() => new(new HttpClient(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5), // Follow a storage account's DNS changes.
    })
    {
        Timeout = Timeout.InfiniteTimeSpan, // Each try is bounded by the pipeline's network timeout (Router__TableOperationTimeout).
    });
}
