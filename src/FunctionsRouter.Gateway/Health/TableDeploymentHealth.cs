using System.Collections.Concurrent;
using Azure;
using Azure.Data.Tables;
using FunctionsRouter.Gateway.Aliases;
using FunctionsRouter.Gateway.Configuration;
using FunctionsRouter.Gateway.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FunctionsRouter.Gateway.Health;

/// <summary>
/// Deployment health kept in memory and shared through a table (<c>Router__HealthTable</c>).
/// <list type="bullet">
/// <item>What this instance learns applies to it at once, and is written to the table off the request path. Writes
/// only ever lengthen a cooldown: the row is read, and replaced with <c>If-Match</c> on its ETag (412 or 409: read again).</item>
/// <item>Rows still in force are read back every <c>Router__HealthRefreshInterval</c> by a timer that runs while
/// requests come (it stops after a minute without any). So another instance skips the deployment within about one
/// interval plus one table read.</item>
/// <item>Circuits: failures in a row (5xx, timeouts, connection failures) are counted per instance; at the threshold
/// the deployment is taken out for the circuit duration, and that is shared like a cooldown.</item>
/// </list>
/// </summary>
internal sealed class TableDeploymentHealth : IDeploymentHealth, IDisposable
{
    /// <summary>The refresh timer stops when no request has asked for this long.</summary>
    internal static readonly TimeSpan IdleStop = TimeSpan.FromMinutes(1);

    internal const string BlockedUntilColumn = "BlockedUntil";
    internal const string ReasonColumn = "Reason";
    private const int MaxWriteAttempts = 5;

    /// <summary>The keys must be selected too: a projection returns only what it names.</summary>
    private static readonly string[] SelectedColumns = ["PartitionKey", "RowKey", BlockedUntilColumn];

    /// <summary>A cooldown less than this much longer than the one already written is not written again.</summary>
    private static readonly TimeSpan WriteTolerance = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<DeploymentKey, LocalState> _local = new();
    private readonly TableClient _table;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Action<AliasTarget, string, TimeSpan>? _cooldownObserver;
    private readonly TimeSpan _refreshInterval;
    private readonly TimeSpan _defaultCooldown;
    private readonly TimeSpan _maxCooldown;
    private readonly int _circuitThreshold;
    private readonly TimeSpan _circuitDuration;
    private readonly Lock _writesGate = new();
    private readonly List<Task> _writes = [];
    private Dictionary<DeploymentKey, long> _shared = [];
    private readonly Lock _timerGate = new();
    private ITimer? _timer;
    private long _lastUsed;
    private int _refreshing;
    private bool _disposed;
    private bool _tableEnsured;
    private bool _readFailing;

    public TableDeploymentHealth(
        TableClient table,
        IOptions<RouterOptions> options,
        TimeProvider time,
        ILogger<TableDeploymentHealth> logger,
        Action<AliasTarget, string, TimeSpan>? cooldownObserver = null)
    {
        var settings = options.Value;
        _table = table;
        _time = time;
        _logger = logger;
        _cooldownObserver = cooldownObserver;
        _refreshInterval = settings.HealthRefreshInterval;
        _defaultCooldown = settings.DefaultCooldown;
        _maxCooldown = settings.MaxCooldown;
        _circuitThreshold = settings.CircuitBreakerThreshold;
        _circuitDuration = settings.CircuitBreakerDuration;
    }

    public bool IsCoolingDown(AliasTarget target, DateTimeOffset now, out DateTimeOffset until)
    {
        RefreshWhileUsed();
        var key = target.HealthKey;
        long untilTicks = 0;
        if (_local.TryGetValue(key, out var state))
        {
            untilTicks = Volatile.Read(ref state.BlockedUntilTicks);
        }

        if (Volatile.Read(ref _shared).TryGetValue(key, out var sharedTicks) && sharedTicks > untilTicks)
        {
            untilTicks = sharedTicks;
        }

        if (untilTicks > now.UtcTicks)
        {
            until = new DateTimeOffset(untilTicks, TimeSpan.Zero);
            return true;
        }

        until = default;
        return false;
    }

    public void ReportSuccess(AliasTarget target)
    {
        if (_local.TryGetValue(target.HealthKey, out var state) && Volatile.Read(ref state.Failures) > 0)
        {
            Interlocked.Exchange(ref state.Failures, 0);
        }
    }

    public void ReportFailure(AliasTarget target, DeploymentFailure failure, TimeSpan? retryAfter)
    {
        var key = target.HealthKey;
        var state = _local.GetOrAdd(key, static _ => new LocalState());
        TimeSpan cooldown;
        string reason;
        if (failure is DeploymentFailure.Throttled or DeploymentFailure.Unavailable)
        {
            cooldown = retryAfter ?? _defaultCooldown;
            cooldown = cooldown > _maxCooldown ? _maxCooldown : cooldown;
            reason = failure == DeploymentFailure.Throttled ? "throttled" : "unavailable";
        }
        else if (Interlocked.Increment(ref state.Failures) >= _circuitThreshold)
        {
            Interlocked.Exchange(ref state.Failures, 0);
            cooldown = _circuitDuration;
            reason = "circuit_open";
        }
        else
        {
            return;
        }

        if (cooldown <= TimeSpan.Zero)
        {
            return;
        }

        var until = _time.GetUtcNow() + cooldown;
        bool write;
        lock (state)
        {
            if (until.UtcTicks <= state.BlockedUntilTicks)
            {
                return;
            }

            Volatile.Write(ref state.BlockedUntilTicks, until.UtcTicks);
            write = until.UtcTicks > state.WrittenUntilTicks + WriteTolerance.Ticks;
            if (write)
            {
                state.WrittenUntilTicks = until.UtcTicks;
            }
        }

        if (write)
        {
            GatewayLog.DeploymentCoolingDown(_logger, key.Endpoint, key.Deployment, reason, cooldown.TotalSeconds);
            _cooldownObserver?.Invoke(target, reason, cooldown);
            Track(WriteAsync(key, until, reason));
        }
    }

    /// <summary>Completes when every table write started so far has finished (for tests; shutdown does not wait for writes).</summary>
    internal Task WhenWrittenAsync()
    {
        lock (_writesGate)
        {
            return Task.WhenAll(_writes.ToArray());
        }
    }

    /// <summary>Reads the rows still in force, and makes them the shared view.</summary>
    internal async Task RefreshAsync(CancellationToken cancellationToken = default)
    {
        var now = _time.GetUtcNow();
        var shared = new Dictionary<DeploymentKey, long>();
        try
        {
            var filter = TableClient.CreateQueryFilter($"BlockedUntil gt {now}");
            await foreach (var row in _table.QueryAsync<TableEntity>(filter, select: SelectedColumns, cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                if (row.GetDateTimeOffset(BlockedUntilColumn) is { } until)
                {
                    shared[new DeploymentKey(row.PartitionKey, row.RowKey)] = until.UtcTicks;
                }
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // No table yet: nobody has cooled anything down.
        }
        catch (Exception ex) when (TableStorageFailures.IsStorageFailure(ex))
        {
            if (!_readFailing)
            {
                _readFailing = true;
                GatewayLog.DeploymentHealthReadFailed(_logger, _table.Name, ex);
            }

            return;
        }

        _readFailing = false;
        Volatile.Write(ref _shared, shared);
    }

    /// <summary>
    /// Keeps a timer re-reading the table every refresh interval while requests come, so a busy instance sees another's
    /// cooldown within one interval. The timer stops after a minute without requests and starts again with the next.
    /// </summary>
    private void RefreshWhileUsed()
    {
        var now = _time.GetTimestamp();
        if (now - Volatile.Read(ref _lastUsed) > _time.TimestampFrequency / 10)
        {
            Volatile.Write(ref _lastUsed, now);
        }

        if (Volatile.Read(ref _timer) is not null)
        {
            return;
        }

        lock (_timerGate)
        {
            if (_timer is null && !_disposed)
            {
                _timer = _time.CreateTimer(static state => ((TableDeploymentHealth)state!).OnTimer(), this, TimeSpan.Zero, _refreshInterval);
            }
        }
    }

    private void OnTimer()
    {
        if (_time.GetElapsedTime(Volatile.Read(ref _lastUsed)) > IdleStop)
        {
            lock (_timerGate)
            {
                _timer?.Dispose();
                _timer = null;
            }

            return;
        }

        if (Interlocked.CompareExchange(ref _refreshing, 1, 0) != 0)
        {
            return;
        }

        _ = Task.Run(async () =>
        {
            try
            {
                await RefreshAsync().ConfigureAwait(false);
            }
            finally
            {
                Volatile.Write(ref _refreshing, 0);
            }
        });
    }

    public void Dispose()
    {
        lock (_timerGate)
        {
            _disposed = true;
            _timer?.Dispose();
            _timer = null;
        }
    }

    private async Task WriteAsync(DeploymentKey key, DateTimeOffset until, string reason)
    {
        for (var attempt = 1; attempt <= MaxWriteAttempts; attempt++)
        {
            try
            {
                var existing = await _table.GetEntityIfExistsAsync<TableEntity>(key.Endpoint, key.Deployment).ConfigureAwait(false);
                if (existing.HasValue && existing.Value is { } row)
                {
                    if (row.GetDateTimeOffset(BlockedUntilColumn) is { } written && written >= until)
                    {
                        return;
                    }

                    row[BlockedUntilColumn] = until;
                    row[ReasonColumn] = reason;
                    await _table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace).ConfigureAwait(false);
                }
                else
                {
                    await _table.AddEntityAsync(new TableEntity(key.Endpoint, key.Deployment) { [BlockedUntilColumn] = until, [ReasonColumn] = reason }).ConfigureAwait(false);
                }

                return;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412)
            {
                // Another instance wrote in between: read its row and decide again.
            }
            catch (RequestFailedException ex) when (ex.Status == 404 && !_tableEnsured)
            {
                await EnsureTableAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (TableStorageFailures.IsStorageFailure(ex))
            {
                GatewayLog.DeploymentHealthWriteFailed(_logger, _table.Name, key.Endpoint, key.Deployment, ex);
                return;
            }
        }
    }

    private async Task EnsureTableAsync()
    {
        try
        {
            await _table.CreateIfNotExistsAsync().ConfigureAwait(false);
            _tableEnsured = true;
        }
        catch (Exception ex) when (TableStorageFailures.IsStorageFailure(ex))
        {
            GatewayLog.DeploymentHealthWriteFailed(_logger, _table.Name, string.Empty, string.Empty, ex);
        }
    }

    private void Track(Task write)
    {
        lock (_writesGate)
        {
            _writes.RemoveAll(static t => t.IsCompleted);
            _writes.Add(write);
        }
    }

    private sealed class LocalState
    {
        public long BlockedUntilTicks;
        public long WrittenUntilTicks;
        public int Failures;
    }
}
