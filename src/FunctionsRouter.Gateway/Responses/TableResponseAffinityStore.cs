using System.Collections.Concurrent;
using System.Threading.Channels;
using Azure;
using Azure.Data.Tables;
using FunctionsRouter.Gateway.Caching;
using FunctionsRouter.Gateway.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FunctionsRouter.Gateway.Responses;

/// <summary>
/// Response affinity in Table Storage (<c>Router__ResponsesTable</c>), one row per response: PartitionKey = the response
/// id, RowKey <c>affinity</c>, columns <c>Alias</c>, <c>Target</c>, <c>Endpoint</c>, <c>Deployment</c>, <c>Caller</c>,
/// <c>CreatedAt</c>, <c>ExpiresAt</c> (30 days on, as long as upstreams keep a response). A look-up is a point read.
/// </summary>
/// <remarks>
/// Writes leave the request path: <see cref="Remember"/> puts the row in this instance's memory (the last
/// <see cref="MemoryEntries"/> ids, so a follow-up on the same instance never waits for the table) and in a queue that a
/// background loop upserts, each attempt bounded by <see cref="WriteTimeout"/>, <see cref="WriteAttempts"/> attempts;
/// a row that cannot be written is logged and known to this instance only.
/// An id this instance remembers is served from memory. Rows read from the table are kept by the request path's
/// <see cref="StaleWhileRevalidateCache{TKey, TValue}"/> (at most <see cref="MemoryEntries"/>; <see cref="CacheTtl"/>,
/// re-read in the background, served whatever their age up to <c>Router__MaxStaleness</c>), so a conversation that
/// goes on through another instance waits on the table once. Only that first read waits, at most
/// <c>Router__TableWaitTimeout</c> (<see cref="ReadTimeout"/> by default); one that fails or times out answers
/// <see cref="ResponseAffinityStatus.Unavailable"/> (503, retryable) rather than a wrong 404. A miss is not kept, and is
/// read once more after <see cref="MissRecheckDelay"/>, covering the write still on its way from the instance that relayed it.
/// Rows past <c>ExpiresAt</c> count as absent (Table Storage has no TTL of its own; they can be purged by that column).
/// </remarks>
internal sealed class TableResponseAffinityStore : IResponseAffinityStore, IHostedService, IDisposable
{
    internal const string RowKey = "affinity";
    internal const int MemoryEntries = 10_000;
    internal const int WriteAttempts = 3;
    internal static readonly TimeSpan TimeToLive = TimeSpan.FromDays(30);
    internal static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(2);

    /// <summary>How long a row read from the table is trusted before a background re-read (a row never changes but for its end).</summary>
    internal static readonly TimeSpan CacheTtl = TimeSpan.FromMinutes(1);
    internal static readonly TimeSpan WriteTimeout = TimeSpan.FromSeconds(5);
    internal static readonly TimeSpan MissRecheckDelay = TimeSpan.FromMilliseconds(300);
    private static readonly TimeSpan WriteRetryDelay = TimeSpan.FromMilliseconds(500);

    private readonly TableClient _table;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, ResponseAffinity> _recent = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _recentOrder = new();
    private readonly Channel<ResponseAffinity> _writes = Channel.CreateBounded<ResponseAffinity>(
        new BoundedChannelOptions(MemoryEntries) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    private readonly StaleWhileRevalidateCache<string, ResponseAffinity> _read;
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;
    private bool _tableEnsured;
    private int _disposed;

    /// <param name="timings">The read cache's timings; by default <see cref="CacheTtl"/>, a cold wait of <see cref="ReadTimeout"/>, 5 minutes' staleness.</param>
    public TableResponseAffinityStore(TableClient table, TimeProvider time, ILogger<TableResponseAffinityStore> logger, CacheTimings? timings = null)
    {
        _table = table;
        _time = time;
        _logger = logger;
        _read = new StaleWhileRevalidateCache<string, ResponseAffinity>(
            "response affinity",
            ReadAsync,
            timings ?? new CacheTimings(CacheTtl, ReadTimeout, TimeSpan.FromMinutes(5), ReadTimeout),
            time,
            logger,
            maxAbsent: 0,
            maxPresent: MemoryEntries);
    }

    public void Remember(ResponseAffinity affinity)
    {
        if (!IsValidKey(affinity.ResponseId))
        {
            return;
        }

        if (_recent.TryAdd(affinity.ResponseId, affinity))
        {
            _recentOrder.Enqueue(affinity.ResponseId);
            while (_recent.Count > MemoryEntries && _recentOrder.TryDequeue(out var oldest))
            {
                _recent.TryRemove(oldest, out _);
            }
        }

        if (!_writes.Writer.TryWrite(affinity))
        {
            ResponseAffinityLog.QueueFull(_logger, affinity.ResponseId);
        }
    }

    public async ValueTask<ResponseAffinityLookup> FindAsync(string responseId, string callerId, CancellationToken cancellationToken = default)
    {
        if (!IsValidKey(responseId))
        {
            return ResponseAffinityLookup.NotFound;
        }

        if (_recent.TryGetValue(responseId, out var remembered))
        {
            return Check(remembered, callerId);
        }

        for (var read = 0; ; read++)
        {
            var (row, available) = await _read.GetAsync(responseId, cancellationToken).ConfigureAwait(false);
            if (!available)
            {
                return ResponseAffinityLookup.Unavailable;
            }

            if (row is not null)
            {
                return Check(row, callerId);
            }

            if (read == 1)
            {
                return ResponseAffinityLookup.NotFound;
            }

            await Task.Delay(MissRecheckDelay, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _loop = Task.Run(() => WriteLoopAsync(_stop.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _writes.Writer.TryComplete();
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
            await _stop.CancelAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Stops the write loop (hosts that never started it dispose it synchronously).</summary>
    public void Dispose()
    {
        // Registered both as itself and as a hosted service: the container may dispose it twice.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _writes.Writer.TryComplete();
        _stop.Cancel();
        _stop.Dispose();
    }

    /// <summary>Table keys may not hold <c>/ \ # ?</c> or control characters; no id the gateway relayed does.</summary>
    internal static bool IsValidKey(string id) =>
        id.Length is > 0 and <= 256 && !id.AsSpan().ContainsAny("/\\#?") && !id.Any(char.IsControl);

    internal static TableEntity ToEntity(ResponseAffinity a) => new(a.ResponseId, RowKey)
    {
        ["Alias"] = a.Alias,
        ["Target"] = a.Target,
        ["Endpoint"] = a.Endpoint,
        ["Deployment"] = a.Deployment,
        ["Caller"] = a.CallerId,
        ["CreatedAt"] = a.CreatedAt,
        ["ExpiresAt"] = a.CreatedAt + TimeToLive,
    };

    private ResponseAffinityLookup Check(ResponseAffinity affinity, string callerId) =>
        affinity.CreatedAt + TimeToLive > _time.GetUtcNow() && string.Equals(affinity.CallerId, callerId, StringComparison.Ordinal)
            ? new ResponseAffinityLookup(ResponseAffinityStatus.Found, affinity)
            : ResponseAffinityLookup.NotFound;

    private async Task<ResponseAffinity?> ReadAsync(string responseId, CancellationToken cancellationToken)
    {
        try
        {
            var result = await _table.GetEntityIfExistsAsync<TableEntity>(responseId, RowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (!result.HasValue || result.Value is not { } e)
            {
                return null;
            }

            return new ResponseAffinity(
                responseId,
                e.GetString("Alias") ?? string.Empty,
                e.GetString("Target") ?? string.Empty,
                e.GetString("Endpoint") ?? string.Empty,
                e.GetString("Deployment") ?? string.Empty,
                e.GetString("Caller") ?? string.Empty,
                e.GetDateTimeOffset("CreatedAt") ?? DateTimeOffset.MinValue);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null; // No table yet: nothing was ever written.
        }
    }

    private async Task WriteLoopAsync(CancellationToken stopping)
    {
        try
        {
            await foreach (var affinity in _writes.Reader.ReadAllAsync(stopping).ConfigureAwait(false))
            {
                await WriteAsync(affinity, stopping).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopped before the queue drained: those ids stay known to this instance only.
        }
    }

    private async Task WriteAsync(ResponseAffinity affinity, CancellationToken stopping)
    {
        var entity = ToEntity(affinity);
        for (var attempt = 1; ; attempt++)
        {
            using var timeout = new CancellationTokenSource(WriteTimeout, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, timeout.Token);
            try
            {
                if (!_tableEnsured)
                {
                    await _table.CreateIfNotExistsAsync(linked.Token).ConfigureAwait(false);
                    _tableEnsured = true;
                }

                await _table.UpsertEntityAsync(entity, TableUpdateMode.Replace, linked.Token).ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (!stopping.IsCancellationRequested && TableStorageFailures.IsStorageFailure(ex))
            {
                if (ex is RequestFailedException { Status: 404 })
                {
                    _tableEnsured = false; // The table was deleted under us: create it again.
                }

                if (attempt == WriteAttempts)
                {
                    ResponseAffinityLog.WriteFailed(_logger, affinity.ResponseId, attempt, ex);
                    return;
                }
            }

            await Task.Delay(WriteRetryDelay, _time, stopping).ConfigureAwait(false);
        }
    }
}
