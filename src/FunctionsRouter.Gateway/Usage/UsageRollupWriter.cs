using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Threading.Channels;
using Azure;
using FunctionsRouter.Gateway.Configuration;
using FunctionsRouter.Gateway.Diagnostics;
using Microsoft.Extensions.Logging;

namespace FunctionsRouter.Gateway.Usage;

/// <summary>
/// Keeps the usage rollup (<see cref="UsageRollupKey"/>) in step with the usage rows, off the request path.
/// <para>
/// <b>What is counted</b>: exactly the rows the table accepted. <see cref="UsageTableWriter"/> calls <see cref="Add"/>
/// with a batch only once its transaction succeeded (a row refused for good is not counted), so the rollup says what
/// the rows say. Increments gather in memory per cell (caller, alias, deployment, day) and are merged in one go: one
/// merge per cell per round, not one per row or batch, so a busy cell costs each instance about one read and one write
/// per second.
/// </para>
/// <para>
/// <b>Concurrent instances lose no increment</b>: a merge reads the cell and its ETag, adds, and replaces it with
/// <c>If-Match</c> (inserts it when absent); a 412 or 409 means another instance wrote first, so it reads again and adds
/// again.
/// </para>
/// <para>
/// <b>A retried merge counts once</b>: each round has an id, written into the cell with the sums
/// (<c>AppliedFlushes</c>, the last <see cref="UsageRollupRow.MaxAppliedFlushes"/> ids). A merge whose answer was lost
/// (timeout, 5xx after the write landed, a retry by the pipeline that then meets 412) reads the cell again, finds its id
/// and stops. This holds while fewer than 256 other rounds reach the same cell between the write and its retry: with
/// instances merging about once a second, minutes.
/// </para>
/// <para>
/// <b>Failures</b>: cells that could not be merged are retried with backoff (0.5 s doubling to 10 s) with the same id,
/// while new increments gather for the next round; each table call is bounded by the client's timeout. A cell the
/// table refuses for good (a 4xx other than 404, 408, 409, 412, 429) is logged and left out. Increments wait in memory,
/// at most <see cref="MaxPendingCells"/> cells; beyond that a request is left out of the rollup and logged. The rows
/// themselves are never held back by the rollup.
/// </para>
/// <para>
/// <b>Known gap</b>: an instance that dies between writing rows and merging them (a crash, or shutdown running out of
/// time, logged as event 3008) leaves those requests out of the rollup; the rows stay the record of truth.
/// </para>
/// </summary>
internal sealed class UsageRollupWriter
{
    internal const int MaxPendingCells = 100_000;
    internal const int MaxConcurrentMerges = 8;
    private const int MaxTriesPerMerge = 16;

    private readonly UsageTableClient _table;
    private readonly string _currency;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly Channel<bool> _signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private Dictionary<UsageRollupKey, UsageRollupCounts> _pending = [];
    private volatile bool _tableEnsured;

    public UsageRollupWriter(UsageTableClient table, string currency, TimeProvider time, ILogger<UsageRollupWriter> logger)
    {
        _table = table;
        _currency = currency;
        _time = time;
        _logger = logger;
    }

    /// <summary>Counts rows the usage table has accepted; they are merged in the next round. Never waits on the table.</summary>
    public void Add(ReadOnlySpan<UsageRecord> written)
    {
        lock (_gate)
        {
            foreach (var record in written)
            {
                ref var counts = ref CollectionsMarshal.GetValueRefOrAddDefault(_pending, UsageRollupKey.Of(record), out var existed);
                if (!existed && _pending.Count > MaxPendingCells)
                {
                    _pending.Remove(UsageRollupKey.Of(record));
                    GatewayLog.UsageRollupFull(_logger, MaxPendingCells, record.Caller, record.Alias);
                    continue;
                }

                counts.Add(record);
            }
        }

        _signal.Writer.TryWrite(true);
    }

    /// <summary>No more rows will come: <see cref="RunAsync"/> merges what is left and returns.</summary>
    public void Complete() => _signal.Writer.TryComplete();

    /// <summary>Merges rounds until <see cref="Complete"/> and nothing is left, or until <paramref name="cancellationToken"/> (shutdown out of time).</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (await _signal.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                _signal.Reader.TryRead(out _);
                await FlushAsync(cancellationToken).ConfigureAwait(false);
            }

            await FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            long requests;
            lock (_gate)
            {
                requests = _pending.Values.Sum(c => c.Requests);
            }

            GatewayLog.UsageRollupShutdownIncomplete(_logger, requests);
        }
    }

    /// <summary>Takes what has gathered as one round, with a new id, and merges it until every cell has it.</summary>
    internal async Task FlushAsync(CancellationToken cancellationToken)
    {
        Dictionary<UsageRollupKey, UsageRollupCounts> round;
        lock (_gate)
        {
            if (_pending.Count == 0)
            {
                return;
            }

            round = _pending;
            _pending = [];
        }

        try
        {
            await ApplyAsync(Guid.NewGuid().ToString("N"), round, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            lock (_gate)
            {
                // Counted as not merged by RunAsync's log (some may have landed: the rows say for sure).
                foreach (var (key, counts) in round)
                {
                    CollectionsMarshal.GetValueRefOrAddDefault(_pending, key, out _).Add(counts);
                }
            }

            throw;
        }
    }

    /// <summary>Merges one round into its cells, retrying the cells that failed until each has landed or been refused.</summary>
    internal async Task ApplyAsync(string roundId, IReadOnlyDictionary<UsageRollupKey, UsageRollupCounts> cells, CancellationToken cancellationToken)
    {
        var remaining = cells.ToList();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = MaxConcurrentMerges, CancellationToken = cancellationToken };
        for (var attempt = 1; ; attempt++)
        {
            var failed = new ConcurrentQueue<KeyValuePair<UsageRollupKey, UsageRollupCounts>>();
            Exception? lastFailure = null;
            await Parallel.ForEachAsync(remaining, parallel, async (cell, token) =>
            {
                try
                {
                    await MergeAsync(roundId, cell.Key, cell.Value, token).ConfigureAwait(false);
                }
                catch (RequestFailedException ex) when (IsRefusal(ex.Status))
                {
                    GatewayLog.UsageRollupRefused(_logger, cell.Key.PartitionKey, cell.Key.RowKey, ex.Status, cell.Value.Requests, ex);
                }
                catch (Exception ex) when (!token.IsCancellationRequested && TableStorageFailures.IsStorageFailure(ex))
                {
                    if (ex is RequestFailedException { Status: 404 })
                    {
                        _tableEnsured = false; // deleted under us: create it again
                    }

                    lastFailure = ex;
                    failed.Enqueue(cell);
                }
            }).ConfigureAwait(false);

            if (failed.IsEmpty)
            {
                return;
            }

            remaining = [.. failed];
            var delay = UsageBackoff.After(attempt);
            GatewayLog.UsageRollupRetry(_logger, remaining.Count, attempt, delay.TotalMilliseconds, lastFailure);
            await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Read, add, write with If-Match (insert when absent); on 409/412 read again. A cell that already holds <paramref name="roundId"/> is left as it is.</summary>
    private async Task MergeAsync(string roundId, UsageRollupKey key, UsageRollupCounts delta, CancellationToken cancellationToken)
    {
        var partitionKey = key.PartitionKey;
        var rowKey = key.RowKey;
        for (var tries = 1; ; tries++)
        {
            if (!_tableEnsured)
            {
                await _table.CreateTableIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
                _tableEnsured = true;
            }

            var total = delta;
            var applied = string.Empty;
            string? etag = null;
            if (await _table.GetEntityAsync(partitionKey, rowKey, cancellationToken).ConfigureAwait(false) is { } current)
            {
                using (current.Entity)
                {
                    (var counts, applied) = UsageRollupRow.Read(current.Entity.RootElement);
                    if (UsageRollupRow.HasApplied(applied, roundId))
                    {
                        return;
                    }

                    total.Add(counts);
                }

                etag = current.ETag;
            }

            var json = UsageRollupRow.Write(key, total, _currency, UsageRollupRow.AddApplied(applied, roundId));
            try
            {
                await _table.WriteEntityAsync(partitionKey, rowKey, json, etag, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412 && tries < MaxTriesPerMerge)
            {
                // Another instance (or this merge's own retried write) came first: read again.
            }
        }
    }

    /// <summary>A status the table will give again for the same cell. 409/412 past the tries are contention, retried later.</summary>
    private static bool IsRefusal(int status) => status is >= 400 and < 500 and not (401 or 403 or 404 or 408 or 409 or 412 or 429);
}
