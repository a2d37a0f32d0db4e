using System.Diagnostics;
using Azure;
using Azure.Data.Tables;
using FunctionsRouter.Gateway.Caching;
using FunctionsRouter.Gateway.Configuration;
using FunctionsRouter.Gateway.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FunctionsRouter.Gateway.Aliases;

/// <summary>
/// The alias catalog read from Table Storage, whole, and kept in memory by the request path's
/// <see cref="StaleWhileRevalidateCache{TKey, TValue}"/> (one key: the table):
/// <list type="bullet">
/// <item>The catalog held is served at once, whatever its age up to <c>Router__MaxStaleness</c>; from half the TTL on,
/// a request starts a re-read in the background (one at a time), so steady traffic never waits on the table.</item>
/// <item>Only with nothing servable (a cold start, or a catalog that could not be re-read for <c>Router__MaxStaleness</c>)
/// does a request wait for a read, at most <c>Router__TableWaitTimeout</c>; then <see cref="AliasCatalogUnavailableException"/> (503).</item>
/// <item>After <see cref="Invalidate"/> (a write of this instance), requests wait, within the same bound, for a read
/// started after it, and are served the catalog held if it does not come.</item>
/// <item>Every read is abandoned (cancelled) after <c>Router__TableOperationTimeout</c>; after a failed one, the table
/// is not asked again for <see cref="RetryAfterFailure"/>.</item>
/// </list>
/// </summary>
internal sealed class TableAliasCatalog : IAliasCatalog
{
    /// <summary>How long a failed read is not retried while the catalog held is served.</summary>
    internal static readonly TimeSpan RetryAfterFailure = StaleWhileRevalidateCache<string, AliasCatalogSnapshot>.RetryDelay;

    private readonly TableClient _table;
    private readonly Func<string, bool> _endpointExists;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TimeSpan _waitTimeout;
    private readonly StaleWhileRevalidateCache<string, AliasCatalogSnapshot> _cache;
    private bool _tableEnsured;

    public TableAliasCatalog(
        TableClient table,
        IOptions<RouterOptions> options,
        Func<string, bool> endpointExists,
        TimeProvider time,
        ILogger<TableAliasCatalog> logger)
    {
        _table = table;
        _endpointExists = endpointExists;
        _time = time;
        _logger = logger;
        _waitTimeout = options.Value.TableWaitTimeout;
        _cache = new StaleWhileRevalidateCache<string, AliasCatalogSnapshot>(
            "alias catalog",
            (_, cancellationToken) => LoadAsync(cancellationToken),
            CacheTimings.From(options.Value, options.Value.AliasCacheTtl, options.Value.TableWaitTimeout),
            time,
            logger);
    }

    public async ValueTask<AliasCatalogSnapshot> GetSnapshotAsync(CancellationToken cancellationToken = default)
    {
        var (snapshot, available) = await _cache.GetAsync(_table.Name, cancellationToken).ConfigureAwait(false);
        return available && snapshot is not null
            ? snapshot
            : throw new AliasCatalogUnavailableException($"The alias table '{_table.Name}' could not be read within {_waitTimeout.TotalMilliseconds} ms.", null);
    }

    public void Invalidate() => _cache.Invalidate(_table.Name);

    private async Task<AliasCatalogSnapshot?> LoadAsync(CancellationToken cancellationToken)
    {
        if (!_tableEnsured)
        {
            // A missing table is an empty catalog; creating it lets a newcomer add rows with any table tool.
            await _table.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
            _tableEnsured = true;
        }

        var stopwatch = Stopwatch.StartNew();
        var byAlias = new Dictionary<string, List<AliasTarget>>(StringComparer.OrdinalIgnoreCase);
        var skipped = 0;
        await foreach (var row in _table.QueryAsync<TableEntity>(cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (AliasRowReader.IsVersionRow(row))
            {
                continue; // The alias's version (management API), not a target.
            }

            if (!AliasRowReader.TryRead(row, out var target, out var problem))
            {
                skipped++;
                GatewayLog.AliasRowSkipped(_logger, row.PartitionKey, row.RowKey, problem!);
                continue;
            }

            if (!_endpointExists(target!.Endpoint))
            {
                skipped++;
                GatewayLog.AliasRowSkipped(_logger, row.PartitionKey, row.RowKey, $"endpoint '{target.Endpoint}' is not defined in settings (Router__Endpoints__{target.Endpoint}__Url)");
                continue;
            }

            if (!byAlias.TryGetValue(target.Alias, out var list))
            {
                byAlias[target.Alias] = list = [];
            }

            list.Add(target);
        }

        var snapshot = new AliasCatalogSnapshot(byAlias.Select(p => new AliasRoute(p.Value[0].Alias, p.Value)), _time.GetUtcNow());
        GatewayLog.AliasCatalogLoaded(_logger, _table.Name, byAlias.Count, skipped, stopwatch.Elapsed.TotalMilliseconds);
        return snapshot;
    }
}
