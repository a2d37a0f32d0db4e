using System.Collections.Concurrent;
using FunctionsRouter.Gateway.Configuration;
using FunctionsRouter.Gateway.Diagnostics;
using Microsoft.Extensions.Logging;

namespace FunctionsRouter.Gateway.Callers;

/// <summary>
/// A read-through cache of caller-table rows, absent rows included, so that a known key costs no table I/O per request
/// and an unknown one at most one read per period:
/// <list type="bullet">
/// <item>younger than half the TTL: served as is; between half and the whole TTL: served, and re-read in the background;
/// past the TTL: re-read, the request waiting at most the lookup timeout, then served the last value read (last known good).</item>
/// <item>one read at a time per row (single flight); a read that hangs is cancelled after <see cref="ReadTimeout"/>, and
/// once a read has failed or overrun the request bound, requests stop waiting on that row for <see cref="RetryDelay"/>.</item>
/// <item>absent rows ("no such key") are kept too, but at most <c>maxAbsent</c> of them: random keys cannot grow memory.</item>
/// </list>
/// </summary>
internal sealed class CallerCache<TKey, TValue>
    where TKey : notnull
    where TValue : class
{
    /// <summary>How long one table read may take before it is cancelled: well under the SDK's 100 s network timeout.</summary>
    internal static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(10);

    /// <summary>After a failed read, how long requests are served the last value without waiting on the table.</summary>
    internal static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<TKey, Entry> _entries = new();
    private readonly Func<TKey, CancellationToken, Task<TValue?>> _read;
    private readonly TimeSpan _ttl;
    private readonly TimeSpan _requestWait;
    private readonly int _maxAbsent;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _what;
    private int _absentCount;

    public CallerCache(string what, Func<TKey, CancellationToken, Task<TValue?>> read, TimeSpan ttl, TimeSpan requestWait, int maxAbsent, TimeProvider time, ILogger logger)
    {
        _what = what;
        _read = read;
        _ttl = ttl;
        _requestWait = requestWait;
        _maxAbsent = maxAbsent;
        _time = time;
        _logger = logger;
    }

    /// <summary>How many rows, present or absent, are cached (for tests).</summary>
    internal int Count => _entries.Count;

    /// <returns>The row (or <see langword="null"/> when absent); <c>Available</c> is false when nothing could be read or cached.</returns>
    public async ValueTask<(TValue? Value, bool Available)> GetAsync(TKey key, CancellationToken cancellationToken)
    {
        var now = _time.GetTimestamp();
        if (_entries.TryGetValue(key, out var entry) && entry.Loaded)
        {
            var age = _time.GetElapsedTime(entry.LoadedAt, now);
            if (age < _ttl / 2)
            {
                return (entry.Value, true);
            }

            if (entry.InBackoff(now))
            {
                return (entry.Value, true); // The table failed a moment ago: last known good, without waiting.
            }

            if (age < _ttl)
            {
                var cached = entry.Value;
                _ = StartRead(key, entry); // Behind the request: the next one gets the fresh row.
                return (cached, true);
            }
        }
        else
        {
            entry = _entries.GetOrAdd(key, static _ => new Entry());
        }

        var read = StartRead(key, entry);
        var finished = await WaitAsync(read, cancellationToken).ConfigureAwait(false);
        if (finished && read.IsCompletedSuccessfully && !read.Result.Failed)
        {
            return (read.Result.Value, true);
        }

        entry.MarkBackoff(_time);
        if (entry.Loaded)
        {
            return (entry.Value, true); // Last known good.
        }

        return (null, false);
    }

    private async Task<bool> WaitAsync(Task read, CancellationToken cancellationToken)
    {
        if (read.IsCompleted)
        {
            return true;
        }

        try
        {
            await read.WaitAsync(_requestWait, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return false;
        }
        return read.IsCompleted;
    }

    private Task<Entry.Snapshot> StartRead(TKey key, Entry entry)
    {
        lock (entry)
        {
            if (entry.Read is { IsCompleted: false } running)
            {
                return running;
            }

            var read = ReadAsync(key, entry);
            entry.Read = read;
            return read;
        }
    }

    private async Task<Entry.Snapshot> ReadAsync(TKey key, Entry entry)
    {
        await Task.Yield(); // Never run the table call on the request's own stack.
        using var timeout = new CancellationTokenSource(ReadTimeout, _time);
        TValue? value;
        try
        {
            value = await _read(key, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (TableStorageFailures.IsStorageFailure(ex))
        {
            GatewayLog.CallerTableReadFailed(_logger, _what, entry.Loaded, ex);
            entry.MarkBackoff(_time);
            if (!entry.Loaded)
            {
                _entries.TryRemove(new KeyValuePair<TKey, Entry>(key, entry)); // Nothing learnt: keep no trace of it.
            }

            return Entry.Snapshot.Failure;
        }

        var wasAbsent = entry.Loaded && entry.Value is null;
        if (value is null && !wasAbsent && !ReserveAbsent())
        {
            _entries.TryRemove(new KeyValuePair<TKey, Entry>(key, entry));
            return Entry.Snapshot.Absent;
        }

        if (value is not null && wasAbsent)
        {
            Interlocked.Decrement(ref _absentCount);
        }

        entry.Set(value, _time.GetTimestamp());
        return new Entry.Snapshot(value, Failed: false);
    }

    /// <summary>Makes room for one more absent row: sweeps expired ones when full, refuses when still full.</summary>
    private bool ReserveAbsent()
    {
        if (Interlocked.Increment(ref _absentCount) <= _maxAbsent)
        {
            return true;
        }

        var now = _time.GetTimestamp();
        foreach (var (key, entry) in _entries)
        {
            if (entry.Loaded && entry.Value is null && _time.GetElapsedTime(entry.LoadedAt, now) >= _ttl &&
                _entries.TryRemove(new KeyValuePair<TKey, Entry>(key, entry)))
            {
                Interlocked.Decrement(ref _absentCount);
            }
        }

        if (Volatile.Read(ref _absentCount) <= _maxAbsent)
        {
            return true;
        }

        Interlocked.Decrement(ref _absentCount);
        return false;
    }

    private sealed class Entry
    {
        private long _backoffUntil;

        public TValue? Value { get; private set; }

        public long LoadedAt { get; private set; }

        public bool Loaded { get; private set; }

        public Task<Snapshot>? Read { get; set; }

        public void Set(TValue? value, long timestamp)
        {
            Value = value;
            LoadedAt = timestamp;
            Loaded = true;
        }

        public void MarkBackoff(TimeProvider time) =>
            Volatile.Write(ref _backoffUntil, time.GetTimestamp() + (long)(RetryDelay.TotalSeconds * time.TimestampFrequency));

        public bool InBackoff(long now) => now < Volatile.Read(ref _backoffUntil);

        /// <summary>What one read found; a failed read is a value, not an exception, since background reads are never awaited.</summary>
        public sealed record Snapshot(TValue? Value, bool Failed)
        {
            public static Snapshot Absent { get; } = new(null, Failed: false);

            public static Snapshot Failure { get; } = new(null, Failed: true);
        }
    }
}
