using System.Diagnostics;
using Azure;
using Azure.Data.Tables;
using FunctionsRouter.Gateway.Configuration;
using FunctionsRouter.Gateway.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FunctionsRouter.Gateway.Aliases;

/// <summary>
/// The alias catalog read from Table Storage, whole, and kept in memory.
/// <list type="bullet">
/// <item>Younger than half the TTL: served as is.</item>
/// <item>Between half the TTL and the TTL: served, and read again in the background (so steady traffic never waits).</item>
/// <item>Older than the TTL, or invalidated: read again before answering, so an edit is seen within the TTL; but no
/// request waits longer than <c>Router__TableWaitTimeout</c>: past it the last catalog read is served (on a cold start,
/// with nothing read yet, <see cref="AliasCatalogUnavailableException"/>).</item>
/// <item>A read that failed or outlasted the wait puts the catalog in outage mode: requests are served the last catalog
/// read without waiting at all, and the table is tried again in the background every 5 s, until a read succeeds.</item>
/// <item>Every read is abandoned (cancelled) after <c>Router__TableOperationTimeout</c>.</item>
/// </list>
/// Reads are single-flight: concurrent requests share one table query, and a hung one is not joined by more.
/// </summary>
internal sealed class TableAliasCatalog : IAliasCatalog
{
    /// <summary>How long a failed read is not retried while a last-known-good catalog is served.</summary>
    internal static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(5);

    private readonly TableClient _table;
    private readonly Func<string, bool> _endpointExists;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TimeSpan _ttl;
    private readonly TimeSpan _waitTimeout;
    private readonly TimeSpan _operationTimeout;
    private readonly Lock _gate = new();
    private AliasCatalogSnapshot? _snapshot;
    private long _loadedAt;
    private long _doNotRetryBefore;
    private bool _invalidated;
    private bool _outage;
    private long _generation;
    private long _refreshGeneration;
    private bool _tableEnsured;
    private Task<AliasCatalogSnapshot>? _refresh;

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
        _ttl = options.Value.AliasCacheTtl;
        _waitTimeout = options.Value.TableWaitTimeout;
        _operationTimeout = options.Value.TableOperationTimeout;
    }

    public ValueTask<AliasCatalogSnapshot> GetSnapshotAsync(CancellationToken cancellationToken = default)
    {
        var snapshot = Volatile.Read(ref _snapshot);
        if (snapshot is null)
        {
            return WaitBoundedAsync(StartOrJoinRefresh(), null, cancellationToken);
        }

        var now = _time.GetTimestamp();
        var age = _time.GetElapsedTime(Volatile.Read(ref _loadedAt), now);
        if (age < _ttl / 2 && !Volatile.Read(ref _invalidated))
        {
            return new ValueTask<AliasCatalogSnapshot>(snapshot);
        }

        if (now < Volatile.Read(ref _doNotRetryBefore))
        {
            return new ValueTask<AliasCatalogSnapshot>(snapshot);
        }

        var refresh = StartOrJoinRefresh();
        if ((age < _ttl && !Volatile.Read(ref _invalidated)) || Volatile.Read(ref _outage))
        {
            return new ValueTask<AliasCatalogSnapshot>(snapshot);
        }

        return WaitBoundedAsync(refresh, snapshot, cancellationToken);
    }

    /// <summary>Waits for a read at most <c>Router__TableWaitTimeout</c>; past it, <paramref name="lastGood"/> (or 503 when none).</summary>
    private async ValueTask<AliasCatalogSnapshot> WaitBoundedAsync(Task<AliasCatalogSnapshot> refresh, AliasCatalogSnapshot? lastGood, CancellationToken cancellationToken)
    {
        try
        {
            return await refresh.WaitAsync(_waitTimeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            if (!Volatile.Read(ref _outage))
            {
                Volatile.Write(ref _outage, true);
                GatewayLog.AliasCatalogSlow(_logger, _table.Name, _waitTimeout.TotalMilliseconds, lastGood?.LoadedAt);
            }

            return lastGood ?? throw new AliasCatalogUnavailableException($"The alias table '{_table.Name}' did not answer within {_waitTimeout.TotalMilliseconds} ms.", null);
        }
    }

    public void Invalidate()
    {
        Interlocked.Increment(ref _generation);
        Volatile.Write(ref _invalidated, true);
    }

    /// <summary>
    /// Joins the read under way, unless it started before the latest <see cref="Invalidate"/> (it may miss the write that
    /// caused it): then a new read is chained after it, and that is what later requests join.
    /// </summary>
    private Task<AliasCatalogSnapshot> StartOrJoinRefresh()
    {
        lock (_gate)
        {
            var wanted = Volatile.Read(ref _generation);
            if (_refresh is { } running && _refreshGeneration >= wanted)
            {
                return running;
            }

            _refreshGeneration = wanted;
            _refresh = _refresh is { } older
                ? older.ContinueWith(_ => RefreshAsync(wanted), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).Unwrap()
                : Task.Run(() => RefreshAsync(wanted));
            return _refresh;
        }
    }

    private async Task<AliasCatalogSnapshot> RefreshAsync(long generation)
    {
        var started = _time.GetTimestamp();
        try
        {
            AliasCatalogSnapshot snapshot;
            using (var timeout = TableStorageTimeouts.StartOperation(_operationTimeout, _time))
            {
                snapshot = await LoadAsync(timeout.Token).ConfigureAwait(false);
            }

            Volatile.Write(ref _loadedAt, started);
            Volatile.Write(ref _snapshot, snapshot);
            Volatile.Write(ref _outage, false);
            if (Interlocked.Read(ref _generation) == generation)
            {
                Volatile.Write(ref _invalidated, false); // Read after the latest invalidation: requests stop waiting.
            }
            return snapshot;
        }
        catch (Exception ex) when (TableStorageFailures.IsStorageFailure(ex))
        {
            var lastGood = Volatile.Read(ref _snapshot);
            Volatile.Write(ref _outage, true);
            Volatile.Write(ref _doNotRetryBefore, _time.GetTimestamp() + (long)(RetryAfterFailure.TotalSeconds * _time.TimestampFrequency));
            if (lastGood is null)
            {
                GatewayLog.AliasCatalogUnavailable(_logger, _table.Name, ex);
                throw new AliasCatalogUnavailableException($"The alias table '{_table.Name}' could not be read.", ex);
            }

            GatewayLog.AliasCatalogServingLastKnownGood(_logger, _table.Name, lastGood.LoadedAt, ex);
            return lastGood;
        }
        finally
        {
            lock (_gate)
            {
                if (_refreshGeneration <= generation)
                {
                    _refresh = null; // Unless a newer read was chained after this one.
                }
            }
        }
    }

    private async Task<AliasCatalogSnapshot> LoadAsync(CancellationToken cancellationToken)
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
