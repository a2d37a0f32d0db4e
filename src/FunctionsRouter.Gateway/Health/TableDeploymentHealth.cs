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
/// <item>Circuits: failures in a row (5xx, timeouts, connection failures) are counted per instance. They open the
/// circuit at the threshold only when they are the deployment's fault rather than one caller's: the run holds failures
/// of at least two callers (one caller's poison body or endless generation cannot take the deployment from everyone),
/// or it ends in a connection failure (which no request content causes). The open circuit takes the deployment out for
/// the circuit duration, and is shared like a cooldown.</item>
/// <item>Half-open: an open circuit (this instance's or one read from the table) lets one request per probe interval
/// through, the first a probe interval after it opened. An answer closes it, here at once and for the other instances
/// through the table (the row's end is set to now); a failure keeps it open for another full duration.</item>
/// <item>Every table call is abandoned after <c>Router__TableOperationTimeout</c>; none is on the request path.</item>
/// </list>
/// </summary>
internal sealed class TableDeploymentHealth : IDeploymentHealth, IDisposable
{
    /// <summary>The refresh timer stops when no request has asked for this long.</summary>
    internal static readonly TimeSpan IdleStop = TimeSpan.FromMinutes(1);

    internal const string BlockedUntilColumn = "BlockedUntil";
    internal const string ReasonColumn = "Reason";
    internal const string CircuitOpenReason = "circuit_open";
    internal const string CircuitClosedReason = "circuit_closed";
    private const int MaxWriteAttempts = 5;

    /// <summary>The keys must be selected too: a projection returns only what it names.</summary>
    private static readonly string[] SelectedColumns = ["PartitionKey", "RowKey", BlockedUntilColumn, ReasonColumn];

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
    private readonly TimeSpan _probeInterval;
    private readonly TimeSpan _operationTimeout;
    private readonly Lock _writesGate = new();
    private readonly Lock _sharedGate = new();
    private readonly List<Task> _writes = [];
    private Dictionary<DeploymentKey, SharedBlock> _shared = [];

    /// <summary>
    /// Circuits this instance closed, with the latest end a circuit opened before the close can have (close time plus
    /// the circuit duration): a table read racing the closing write still holds the open row, and must not reopen the
    /// circuit here. A circuit opened after the close ends later, so it is taken.
    /// </summary>
    private readonly ConcurrentDictionary<DeploymentKey, long> _closedCircuitEnds = new();
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
        _probeInterval = settings.CircuitBreakerProbeInterval;
        _operationTimeout = settings.TableOperationTimeout;
    }

    public bool IsCoolingDown(AliasTarget target, DateTimeOffset now, out DateTimeOffset until)
    {
        RefreshWhileUsed();
        var key = target.HealthKey;
        long untilTicks = 0;
        long circuitTicks = 0;
        if (_local.TryGetValue(key, out var state))
        {
            untilTicks = Volatile.Read(ref state.BlockedUntilTicks);
            circuitTicks = Volatile.Read(ref state.CircuitUntilTicks);
        }

        var otherBlock = untilTicks > circuitTicks;
        if (Volatile.Read(ref _shared).TryGetValue(key, out var shared) && shared.UntilTicks > now.UtcTicks)
        {
            untilTicks = Math.Max(untilTicks, shared.UntilTicks);
            if (shared.IsCircuit)
            {
                circuitTicks = Math.Max(circuitTicks, shared.UntilTicks);
            }
            else
            {
                otherBlock = true;
            }
        }

        if (untilTicks <= now.UtcTicks)
        {
            until = default;
            return false;
        }

        if (circuitTicks > now.UtcTicks && !otherBlock && TryTakeProbe(key, state, circuitTicks, now.UtcTicks))
        {
            until = default;
            return false;
        }

        until = new DateTimeOffset(untilTicks, TimeSpan.Zero);
        return true;
    }

    public DeploymentState GetState(AliasTarget target, DateTimeOffset now)
    {
        var key = target.HealthKey;
        DateTimeOffset? local = null, circuit = null, shared = null;
        var sharedCircuit = false;
        if (_local.TryGetValue(key, out var state))
        {
            var until = Volatile.Read(ref state.BlockedUntilTicks);
            var circuitUntil = Volatile.Read(ref state.CircuitUntilTicks);
            local = until > now.UtcTicks ? new DateTimeOffset(until, TimeSpan.Zero) : null;
            circuit = circuitUntil > now.UtcTicks ? new DateTimeOffset(circuitUntil, TimeSpan.Zero) : null;
        }

        if (Volatile.Read(ref _shared).TryGetValue(key, out var block) && block.UntilTicks > now.UtcTicks)
        {
            shared = new DateTimeOffset(block.UntilTicks, TimeSpan.Zero);
            sharedCircuit = block.IsCircuit;
        }

        return new DeploymentState(local, circuit, shared, sharedCircuit);
    }

    public void ReportSuccess(AliasTarget target)
    {
        var key = target.HealthKey;
        var circuitOpen = Volatile.Read(ref _shared).TryGetValue(key, out var shared) && shared.IsCircuit;
        if (_local.TryGetValue(key, out var state))
        {
            if (Volatile.Read(ref state.Failures) > 0)
            {
                lock (state)
                {
                    state.ResetRun();
                }
            }

            if (Volatile.Read(ref state.CircuitUntilTicks) > 0)
            {
                lock (state)
                {
                    circuitOpen |= state.CircuitUntilTicks > 0;
                    if (state.BlockedUntilTicks == state.CircuitUntilTicks)
                    {
                        Volatile.Write(ref state.BlockedUntilTicks, 0);
                    }

                    Volatile.Write(ref state.CircuitUntilTicks, 0);
                    state.WrittenUntilTicks = 0;
                }
            }
        }

        if (circuitOpen)
        {
            CloseCircuit(key);
        }
    }

    public void ReportFailure(AliasTarget target, DeploymentFailure failure, TimeSpan? retryAfter, string callerId)
    {
        var key = target.HealthKey;
        var state = _local.GetOrAdd(key, static _ => new LocalState());
        var now = _time.GetUtcNow();
        TimeSpan cooldown;
        string reason;
        if (failure is DeploymentFailure.Throttled or DeploymentFailure.Unavailable)
        {
            cooldown = retryAfter ?? _defaultCooldown;
            cooldown = cooldown > _maxCooldown ? _maxCooldown : cooldown;
            reason = failure == DeploymentFailure.Throttled ? "throttled" : "unavailable";
        }
        else if (IsCircuitOpen(key, state, now.UtcTicks) || CountTowardsCircuit(state, failure, callerId))
        {
            // Opened now, or a probe (or a request sent before it opened) failed: open for another full duration.
            cooldown = _circuitDuration;
            reason = CircuitOpenReason;
        }
        else
        {
            return;
        }

        if (cooldown <= TimeSpan.Zero)
        {
            return;
        }

        var until = now + cooldown;
        bool write;
        lock (state)
        {
            if (reason == CircuitOpenReason)
            {
                Volatile.Write(ref state.CircuitUntilTicks, until.UtcTicks);
                Volatile.Write(ref state.NextProbeTicks, (now + _probeInterval).UtcTicks);
            }

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

    /// <summary>Adds a failure to the run; true when the run opens the circuit (threshold reached, and the deployment's fault).</summary>
    private bool CountTowardsCircuit(LocalState state, DeploymentFailure failure, string callerId)
    {
        lock (state)
        {
            if (++state.Failures == 1)
            {
                state.RunCaller = callerId;
                state.RunHasSeveralCallers = false;
            }
            else if (!string.Equals(state.RunCaller, callerId, StringComparison.Ordinal))
            {
                state.RunHasSeveralCallers = true;
            }

            if (state.Failures < _circuitThreshold || !(state.RunHasSeveralCallers || failure == DeploymentFailure.Unreachable))
            {
                return false;
            }

            state.ResetRun();
            return true;
        }
    }

    private bool IsCircuitOpen(DeploymentKey key, LocalState state, long nowTicks) =>
        Volatile.Read(ref state.CircuitUntilTicks) > nowTicks
        || (Volatile.Read(ref _shared).TryGetValue(key, out var shared) && shared.IsCircuit && shared.UntilTicks > nowTicks);

    /// <summary>
    /// Whether this request may be an open circuit's probe: one per probe interval per instance, the first a probe
    /// interval after the circuit opened (for a circuit read from the table: its end minus the circuit duration).
    /// </summary>
    private bool TryTakeProbe(DeploymentKey key, LocalState? state, long circuitUntilTicks, long nowTicks)
    {
        var openedTicks = circuitUntilTicks - _circuitDuration.Ticks;
        if (nowTicks < openedTicks + _probeInterval.Ticks)
        {
            return false;
        }

        state ??= _local.GetOrAdd(key, static _ => new LocalState());
        var next = Volatile.Read(ref state.NextProbeTicks);
        return nowTicks >= next && Interlocked.CompareExchange(ref state.NextProbeTicks, nowTicks + _probeInterval.Ticks, next) == next;
    }

    /// <summary>A probe was answered: the circuit closes here at once, and for the others through the table.</summary>
    private void CloseCircuit(DeploymentKey key)
    {
        _closedCircuitEnds[key] = (_time.GetUtcNow() + _circuitDuration).UtcTicks;
        lock (_sharedGate)
        {
            var shared = Volatile.Read(ref _shared);
            if (shared.TryGetValue(key, out var block) && block.IsCircuit)
            {
                var without = new Dictionary<DeploymentKey, SharedBlock>(shared);
                without.Remove(key);
                Volatile.Write(ref _shared, without);
            }
        }

        GatewayLog.DeploymentCircuitClosed(_logger, key.Endpoint, key.Deployment);
        Track(WriteClosedAsync(key));
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
        var shared = new Dictionary<DeploymentKey, SharedBlock>();
        using var timeout = TableStorageTimeouts.StartOperation(_operationTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        try
        {
            var filter = TableClient.CreateQueryFilter($"BlockedUntil gt {now}");
            await foreach (var row in _table.QueryAsync<TableEntity>(filter, select: SelectedColumns, cancellationToken: linked.Token).ConfigureAwait(false))
            {
                if (row.GetDateTimeOffset(BlockedUntilColumn) is { } until)
                {
                    var key = new DeploymentKey(row.PartitionKey, row.RowKey);
                    var isCircuit = row.GetString(ReasonColumn) == CircuitOpenReason;
                    if (isCircuit && _closedCircuitEnds.TryGetValue(key, out var closedEnd) && until.UtcTicks <= closedEnd)
                    {
                        continue; // The circuit this instance closed, read before the closing write landed.
                    }

                    shared[key] = new SharedBlock(until.UtcTicks, isCircuit);
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

    /// <summary>Lengthens the row to <paramref name="until"/>; a row already in force longer stands.</summary>
    private Task WriteAsync(DeploymentKey key, DateTimeOffset until, string reason) =>
        ReadAndReplaceAsync(key, row => row is null
            ? new TableEntity(key.Endpoint, key.Deployment) { [BlockedUntilColumn] = until, [ReasonColumn] = reason }
            : row.GetDateTimeOffset(BlockedUntilColumn) is { } written && written >= until ? null : WithBlock(row, until, reason));

    /// <summary>
    /// Ends a circuit's row now, so the other instances take the deployment back at their next read. Only a circuit's
    /// row is shortened: a cooldown the deployment asked for (429, 503) stands.
    /// </summary>
    private Task WriteClosedAsync(DeploymentKey key) =>
        ReadAndReplaceAsync(key, row => row?.GetString(ReasonColumn) == CircuitOpenReason ? WithBlock(row, _time.GetUtcNow(), CircuitClosedReason) : null);

    private static TableEntity WithBlock(TableEntity row, DateTimeOffset until, string reason)
    {
        row[BlockedUntilColumn] = until;
        row[ReasonColumn] = reason;
        return row;
    }

    /// <summary>
    /// Reads the deployment's row and writes what <paramref name="decide"/> makes of it (nothing when it returns
    /// <see langword="null"/>): replaced with <c>If-Match</c> on its ETag, or added when there was none; on a conflict with
    /// another instance's write, read again and decide again. Bounded by <c>Router__TableOperationTimeout</c>.
    /// </summary>
    private async Task ReadAndReplaceAsync(DeploymentKey key, Func<TableEntity?, TableEntity?> decide)
    {
        using var timeout = TableStorageTimeouts.StartOperation(_operationTimeout, _time);
        var cancellationToken = timeout.Token;
        for (var attempt = 1; attempt <= MaxWriteAttempts; attempt++)
        {
            try
            {
                var existing = await _table.GetEntityIfExistsAsync<TableEntity>(key.Endpoint, key.Deployment, cancellationToken: cancellationToken).ConfigureAwait(false);
                var row = existing.HasValue ? existing.Value : null;
                if (decide(row) is not { } next)
                {
                    return;
                }

                if (row is null)
                {
                    await _table.AddEntityAsync(next, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await _table.UpdateEntityAsync(next, next.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
                }

                return;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412)
            {
                // Another instance wrote in between: read its row and decide again.
            }
            catch (RequestFailedException ex) when (ex.Status == 404 && !_tableEnsured)
            {
                await EnsureTableAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (TableStorageFailures.IsStorageFailure(ex))
            {
                GatewayLog.DeploymentHealthWriteFailed(_logger, _table.Name, key.Endpoint, key.Deployment, ex);
                return;
            }
        }
    }

    private async Task EnsureTableAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _table.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
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
        /// <summary>Until when this instance keeps the deployment out (cooldown or circuit, whichever ends later).</summary>
        public long BlockedUntilTicks;
        public long WrittenUntilTicks;

        /// <summary>When this instance's open circuit ends; 0 when it has none.</summary>
        public long CircuitUntilTicks;

        /// <summary>The earliest time this instance lets the next probe through an open circuit.</summary>
        public long NextProbeTicks;

        /// <summary>Circuit failures in a row, and whether they came from more than the first one's caller.</summary>
        public int Failures;
        public string? RunCaller;
        public bool RunHasSeveralCallers;

        /// <summary>Ends the run of failures (call under the state's lock).</summary>
        public void ResetRun()
        {
            Failures = 0;
            RunCaller = null;
            RunHasSeveralCallers = false;
        }
    }

    /// <summary>A row read from the table: until when, and whether it is an open circuit (which may be probed).</summary>
    private readonly record struct SharedBlock(long UntilTicks, bool IsCircuit);
}
