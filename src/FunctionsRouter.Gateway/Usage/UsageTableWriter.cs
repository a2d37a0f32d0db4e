using Azure;
using FunctionsRouter.Gateway.Configuration;
using FunctionsRouter.Gateway.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FunctionsRouter.Gateway.Usage;

/// <summary>
/// Drains the usage queue into the usage table, off the request path: once a record arrives, the writer lets more gather
/// for <c>Router__UsageBatchLinger</c>, takes what has queued up (up to 5,000 records), and writes it as entity-group
/// transactions of up to 100 rows per partition, <see cref="MaxConcurrentBatches"/> at a time (the day's 16 shards are
/// independent partitions). Rows are upserts, so a retried batch rewrites the same rows. A batch that fails for a
/// reason that can pass (no answer within the call timeout, 408, 429, 5xx, 401/403, network) is retried with backoff
/// until it is written: its records stay in memory meanwhile and count against <c>Router__UsageQueueBytes</c>, so a
/// table outage costs memory, not records. A row the table refuses for good (another 4xx) is logged in full instead.
/// At shutdown the queue is drained until the host's shutdown timeout.
/// Each batch the table accepted is counted into the usage rollup (<see cref="UsageRollupWriter"/>), which merges on its
/// own loop: a slow or failing rollup never holds rows back.
/// </summary>
internal sealed class UsageTableWriter : IHostedService, IAsyncDisposable
{
    internal const int MaxBatch = 100;
    internal const int MaxConcurrentBatches = 8;
    internal const int MaxDrain = 5_000;

    private readonly UsageQueue _queue;
    private readonly TimeSpan _linger;
    private readonly UsageTableClient _table;
    private readonly UsageRollupWriter? _rollup;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ILogger _usageLogger;
    private readonly CancellationTokenSource _abort = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Dictionary<UsagePartitionKey, List<UsageRecord>> _partitions = [];
    private readonly List<(UsagePartitionKey Partition, ReadOnlyMemory<UsageRecord> Rows)> _batches = [];
    private Task? _loop;
    private Task? _rollupLoop;
    private volatile bool _tableEnsured;
    private int _disposed;

    public UsageTableWriter(UsageQueue queue, UsageTableClient table, TimeProvider time, ILoggerFactory loggers, TimeSpan linger = default, UsageRollupWriter? rollup = null)
    {
        _linger = linger;
        _rollup = rollup;
        _queue = queue;
        _table = table;
        _time = time;
        _logger = loggers.CreateLogger<UsageTableWriter>();
        _usageLogger = loggers.CreateLogger(UsageLogger.Category);
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _loop = Task.Run(() => RunAsync(_abort.Token), CancellationToken.None);
        if (_rollup is not null)
        {
            _rollupLoop = Task.Run(() => _rollup.RunAsync(_abort.Token), CancellationToken.None);
        }

        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Complete();
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_loop is null)
        {
            return;
        }

        try
        {
            await _loop.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            GatewayLog.UsageShutdownIncomplete(_logger, _queue.Depth);
            await _abort.CancelAsync().ConfigureAwait(false);
        }

        if (_rollupLoop is not null)
        {
            try
            {
                // The rows first, then what is left of the rollup, within the same shutdown time.
                await _rollupLoop.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                await _abort.CancelAsync().ConfigureAwait(false);
                await _rollupLoop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing); // it logs what it could not merge
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Registered both as itself and as a hosted service: the container may dispose it twice.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _abort.CancelAsync().ConfigureAwait(false);
        _abort.Dispose();
        _stopping.Dispose();
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = MaxConcurrentBatches, CancellationToken = cancellationToken };
        try
        {
            while (await _queue.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                await LingerAsync().ConfigureAwait(false);
                TakeBatches();
                await Parallel.ForEachAsync(_batches, parallel, (batch, token) => new ValueTask(WriteAsync(batch.Partition, batch.Rows, token))).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutdown ran out of time; StopAsync has logged what is left.
        }
        finally
        {
            _rollup?.Complete();
        }
    }

    /// <summary>Takes what is queued (up to <see cref="MaxDrain"/>) and cuts it into per-partition batches of up to 100.</summary>
    private void TakeBatches()
    {
        if (_partitions.Count > 4 * UsageRecordKeys.ShardCount)
        {
            _partitions.Clear(); // yesterday's
        }

        foreach (var rows in _partitions.Values)
        {
            rows.Clear();
        }

        for (var taken = 0; taken < MaxDrain && _queue.Reader.TryRead(out var record); taken++)
        {
            UsageLogger.Log(_usageLogger, record);
            var partition = UsageRecordKeys.Partition(record);
            if (!_partitions.TryGetValue(partition, out var rows))
            {
                _partitions[partition] = rows = new List<UsageRecord>(MaxBatch);
            }

            rows.Add(record);
        }

        _batches.Clear();
        foreach (var (partition, rows) in _partitions)
        {
            ReadOnlyMemory<UsageRecord> all = rows.ToArray();
            for (var start = 0; start < all.Length; start += MaxBatch)
            {
                _batches.Add((partition, all.Slice(start, Math.Min(MaxBatch, all.Length - start))));
            }
        }
    }

    /// <summary>Lets records gather, since a transaction costs about the same for 2 rows as for 100. Cut short by shutdown.</summary>
    private async Task LingerAsync()
    {
        if (_linger <= TimeSpan.Zero || _queue.Depth >= MaxDrain || _stopping.IsCancellationRequested)
        {
            return;
        }

        try
        {
            await Task.Delay(_linger, _time, _stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // Shutdown: drain now.
        }
    }

    /// <summary>Writes one batch, retrying until it is written, or refused for good (then row by row), or shutdown aborts.</summary>
    private async Task WriteAsync(UsagePartitionKey partition, ReadOnlyMemory<UsageRecord> rows, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                if (!_tableEnsured)
                {
                    await _table.CreateTableIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
                    _tableEnsured = true;
                }

                await _table.SubmitAsync(partition, rows, cancellationToken).ConfigureAwait(false);
                _queue.Release(rows.Span, written: true);
                _rollup?.Add(rows.Span);
                return;
            }
            catch (RequestFailedException ex) when (IsRefusal(ex.Status))
            {
                if (rows.Length > 1)
                {
                    // One bad row fails the whole transaction: write the rows one by one so the others still land.
                    for (var i = 0; i < rows.Length; i++)
                    {
                        await WriteAsync(partition, rows.Slice(i, 1), cancellationToken).ConfigureAwait(false);
                    }

                    return;
                }

                UsageLogger.Log(_logger, rows.Span[0]);
                GatewayLog.UsageWriteRefused(_logger, partition.ToString(), ex.Status, ex);
                _queue.Release(rows.Span, written: false);
                return;
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && TableStorageFailures.IsStorageFailure(ex))
            {
                if (ex is RequestFailedException { Status: 404 })
                {
                    _tableEnsured = false; // deleted under us: create it again
                }

                var delay = UsageBackoff.After(attempt);
                GatewayLog.UsageWriteRetry(_logger, rows.Length, partition.ToString(), attempt, delay.TotalMilliseconds, ex);
                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>A status the table will give again for the same rows: retrying cannot help.</summary>
    private static bool IsRefusal(int status) => status is >= 400 and < 500 and not (401 or 403 or 404 or 408 or 429);
}
