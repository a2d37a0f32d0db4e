using Azure;
using Azure.Data.Tables;
using FunctionsRouter.Gateway.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FunctionsRouter.Gateway.Limits;

/// <summary>
/// Exchanges this instance's counts with the others through the shared count table (<see cref="LimitCountKeys"/>), every
/// <c>Router__Limits__SyncInterval</c> while some counter was used in the last two minutes or still has counts to merge,
/// and at once when a request has made a new counter (so that a restarted instance soon holds a spent quota):
/// per counter, one query for its rows, then for each period with counts pending a read-modify-write under
/// <c>If-Match</c> (retried on 412/409 with a fresh read), so that concurrent instances never lose each other's
/// increments. What the table then holds becomes the counter's shared count. When the table cannot be reached the
/// counts stay pending and requests are decided on this instance's counts; one warning per round says so, and the
/// next round that gets through merges them. Each round is bounded by <c>Router__TableOperationTimeout</c>. The
/// request path never waits on any of this.
/// </summary>
internal sealed class LimitCountSync : BackgroundService
{
    private const int MaxMergeTries = 5;
    private const int Parallelism = 4;
    private static readonly long ActiveForMs = (long)TimeSpan.FromMinutes(2).TotalMilliseconds;
    private static readonly long ForgetAfterMs = (long)TimeSpan.FromMinutes(10).TotalMilliseconds;

    private readonly TableClient _table;
    private readonly LimitCounts _counts;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TimeSpan _interval;
    private readonly TimeSpan _operationTimeout;
    private bool _tableReady;
    private bool _failing;
    private int _rounds;

    public LimitCountSync(TableClient table, LimitCounts counts, IOptions<RouterOptions> options, TimeProvider time, ILogger<LimitCountSync> logger)
    {
        _table = table;
        _counts = counts;
        _time = time;
        _logger = logger;
        _interval = options.Value.Limits.SyncInterval;
        _operationTimeout = options.Value.TableOperationTimeout;
    }

    /// <summary>Rounds completed (whether or not the table answered); tests wait on it.</summary>
    public int Rounds => Volatile.Read(ref _rounds);

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        await SyncOnceAsync(cancellationToken).ConfigureAwait(false); // What was admitted last is not lost to a restart.
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // The interval, or sooner when a request made a counter: its shared counts are read at once.
                using var wake = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                await Task.WhenAny(Task.Delay(_interval, _time, wake.Token), _counts.WaitForNewCounterAsync(wake.Token)).ConfigureAwait(false);
                await wake.CancelAsync().ConfigureAwait(false);
                stoppingToken.ThrowIfCancellationRequested();
            }
            catch (OperationCanceledException)
            {
                return;
            }

            await SyncOnceAsync(stoppingToken).ConfigureAwait(false);
        }
    }

    /// <summary>One round: every active counter merged and re-read. Never throws for a table failure.</summary>
    internal async Task SyncOnceAsync(CancellationToken cancellationToken)
    {
        var now = new LimitInstant(_time.GetUtcNow());
        var work = new List<(LimitCounter Counter, LimitBucket[] Snapshot)>();
        foreach (var counter in _counts.All)
        {
            var snapshot = new LimitBucket[LimitCounter.BucketCount];
            if (counter.TryTakeSnapshot(now, now.UnixMs - ActiveForMs, snapshot))
            {
                work.Add((counter, snapshot));
            }
            else if (counter.LastUsedMs != 0 && counter.LastUsedMs < now.UnixMs - ForgetAfterMs)
            {
                // Idle for ten minutes (one a request has only just made, not yet used, is kept).
                _counts.Forget(counter);
            }
        }

        if (work.Count > 0)
        {
            await ExchangeAsync(work, now, cancellationToken).ConfigureAwait(false);
        }

        Interlocked.Increment(ref _rounds);
    }

    private async Task ExchangeAsync(List<(LimitCounter Counter, LimitBucket[] Snapshot)> work, LimitInstant now, CancellationToken cancellationToken)
    {
        using var bounded = TableStorageTimeouts.StartOperation(_operationTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(bounded.Token, cancellationToken);
        var failed = 0;
        Exception? firstFailure = null;
        try
        {
            if (!_tableReady)
            {
                await _table.CreateIfNotExistsAsync(linked.Token).ConfigureAwait(false);
                _tableReady = true;
            }

            await Parallel.ForEachAsync(work, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = linked.Token }, async (item, token) =>
            {
                try
                {
                    await ExchangeAsync(item.Counter, item.Snapshot, now, token).ConfigureAwait(false);
                }
                catch (Exception ex) when (TableStorageFailures.IsStorageFailure(ex))
                {
                    Interlocked.Increment(ref failed);
                    Interlocked.CompareExchange(ref firstFailure, ex, null);
                    if (ex is RequestFailedException { Status: 404 })
                    {
                        _tableReady = false; // Deleted under us: made again next round.
                    }
                }
            }).ConfigureAwait(false);
        }
        catch (Exception ex) when (TableStorageFailures.IsStorageFailure(ex) && !cancellationToken.IsCancellationRequested)
        {
            failed = work.Count;
            firstFailure ??= ex;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return; // Shutting down.
        }

        if (failed > 0)
        {
            _failing = true;
            LimitLog.SyncFailed(_logger, _table.Name, failed, work.Count, firstFailure);
        }
        else if (_failing)
        {
            _failing = false;
            LimitLog.SyncRecovered(_logger, _table.Name);
        }
    }

    private async Task ExchangeAsync(LimitCounter counter, LimitBucket[] snapshot, LimitInstant now, CancellationToken cancellationToken)
    {
        var partition = counter.CountKey;
        var scope = LimitCountKeys.Scope(counter.Alias);
        var (from, to) = LimitCountKeys.ScopeRange(scope);
        var rows = new Dictionary<string, TableEntity>(8, StringComparer.Ordinal);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {from} and RowKey lt {to}");
        await foreach (var row in _table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            rows[row.RowKey] = row;
        }

        for (var i = 0; i < snapshot.Length; i++)
        {
            var bucket = snapshot[i];
            var kind = i <= (int)LimitBucketKind.PreviousMinute ? LimitBucketKind.Minute : (LimitBucketKind)i;
            var rowKey = LimitCountKeys.RowKey(scope, kind, bucket.Index);
            rows.TryGetValue(rowKey, out var existing);
            if (bucket.PendingRequests == 0 && bucket.PendingTokens == 0)
            {
                var (requests, tokens) = CountsOf(existing, bucket.Index);
                counter.ApplyShared(kind, bucket.Index, requests, tokens, 0, 0);
                continue;
            }

            await MergeAsync(counter, kind, bucket, partition, rowKey, existing, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Adds the bucket's pending counts to its row: read (already done), add, write if the row is unchanged; else again.</summary>
    private async Task MergeAsync(LimitCounter counter, LimitBucketKind kind, LimitBucket bucket, string partition, string rowKey, TableEntity? row, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxMergeTries; attempt++)
        {
            var rowIndex = row?.GetInt64(LimitCountKeys.IndexColumn) ?? long.MinValue;
            if (rowIndex > bucket.Index)
            {
                // The slot has moved on to a later period: this one is over for every instance, nothing to add to.
                counter.ApplyShared(kind, bucket.Index, 0, 0, bucket.PendingRequests, bucket.PendingTokens);
                return;
            }

            var (requests, tokens) = CountsOf(row, bucket.Index);
            var entity = new TableEntity(partition, rowKey)
            {
                [LimitCountKeys.IndexColumn] = bucket.Index,
                [LimitCountKeys.PeriodColumn] = LimitCountKeys.Period(kind, bucket.Index),
                [LimitCountKeys.RequestsColumn] = requests + bucket.PendingRequests,
                [LimitCountKeys.TokensColumn] = Math.Max(0, tokens + bucket.PendingTokens),
            };
            try
            {
                if (row is null)
                {
                    await _table.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await _table.UpdateEntityAsync(entity, row.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
                }

                counter.ApplyShared(kind, bucket.Index, (long)entity[LimitCountKeys.RequestsColumn], (long)entity[LimitCountKeys.TokensColumn], bucket.PendingRequests, bucket.PendingTokens);
                return;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412 || (ex.Status == 404 && row is not null))
            {
                // Another instance wrote first (or removed the row): read it again and add to what it holds now.
                var fresh = await _table.GetEntityIfExistsAsync<TableEntity>(partition, rowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
                row = fresh.HasValue ? fresh.Value : null;
            }
        }

        // Contended past the tries: the counts stay pending for the next round.
    }

    private static (long Requests, long Tokens) CountsOf(TableEntity? row, long index) =>
        row is not null && row.GetInt64(LimitCountKeys.IndexColumn) == index
            ? (row.GetInt64(LimitCountKeys.RequestsColumn) ?? 0, row.GetInt64(LimitCountKeys.TokensColumn) ?? 0)
            : (0, 0);
}
