using Azure;
using Azure.Data.Tables;
using FunctionsRouter.Gateway.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FunctionsRouter.Gateway.Usage;

/// <summary>
/// Drains the usage queue into the usage table, off the request path: once a record arrives, the writer lets more gather
/// for <c>Router__UsageBatchLinger</c>, then sends what has queued up together, as entity-group transactions of up to
/// 100 rows per partition (upserts, so a retry
/// rewrites the same rows). Transient failures are retried with exponential backoff; at shutdown the queue is drained
/// until the host's shutdown timeout. Every record is also logged as a structured event.
/// </summary>
internal sealed class UsageTableWriter : IHostedService, IAsyncDisposable
{
    internal const int MaxBatch = 100;
    internal const int MaxAttempts = 6;
    private const int MaxDrain = 2_000;

    private readonly UsageQueue _queue;
    private readonly TimeSpan _linger;
    private readonly TableClient _table;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ILogger _usageLogger;
    private readonly CancellationTokenSource _abort = new();
    private readonly CancellationTokenSource _stopping = new();
    private Task? _loop;
    private bool _tableEnsured;
    private int _disposed;

    public UsageTableWriter(UsageQueue queue, TableClient table, TimeProvider time, ILoggerFactory loggers, TimeSpan linger = default)
    {
        _linger = linger;
        _queue = queue;
        _table = table;
        _time = time;
        _logger = loggers.CreateLogger<UsageTableWriter>();
        _usageLogger = loggers.CreateLogger(UsageLogger.Category);
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _loop = Task.Run(() => RunAsync(_abort.Token), CancellationToken.None);
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
        var batch = new List<UsageRecord>(MaxBatch);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                await LingerAsync().ConfigureAwait(false);

                batch.Clear();
                while (batch.Count < MaxDrain && _queue.Reader.TryRead(out var record))
                {
                    UsageLogger.Log(_usageLogger, record);
                    batch.Add(record);
                }

                foreach (var partition in batch.Select(r => (Record: r, Entity: UsageEntity.From(r))).GroupBy(p => p.Entity.PartitionKey))
                {
                    foreach (var chunk in partition.Select(p => p.Entity).Chunk(MaxBatch))
                    {
                        await WriteAsync(partition.Key, chunk, cancellationToken).ConfigureAwait(false);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutdown ran out of time; StopAsync has logged what is left.
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

    private async Task WriteAsync(string partition, TableEntity[] entities, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                if (!_tableEnsured)
                {
                    await _table.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
                    _tableEnsured = true;
                }

                await _table.SubmitTransactionAsync(entities.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e)), cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (IsTransient(ex) && attempt < MaxAttempts)
            {
                var delay = TimeSpan.FromMilliseconds(Math.Min(200 * Math.Pow(2, attempt - 1), 10_000));
                GatewayLog.UsageWriteRetry(_logger, entities.Length, partition, attempt, delay.TotalMilliseconds, ex);
                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is RequestFailedException or IOException or HttpRequestException)
            {
                if (ex is TableTransactionFailedException && entities.Length > 1)
                {
                    // One bad row fails the whole transaction: write the rows one by one so the others still land.
                    foreach (var entity in entities)
                    {
                        await WriteAsync(partition, [entity], cancellationToken).ConfigureAwait(false);
                    }

                    return;
                }

                GatewayLog.UsageWriteFailed(_logger, entities.Length, partition, attempt, ex);
                return;
            }
        }
    }

    private static bool IsTransient(Exception ex) => ex switch
    {
        TableTransactionFailedException t => t.Status is 0 or 408 or 429 or >= 500,
        RequestFailedException r => r.Status is 0 or 408 or 429 or >= 500,
        IOException or HttpRequestException => true,
        _ => false,
    };
}
