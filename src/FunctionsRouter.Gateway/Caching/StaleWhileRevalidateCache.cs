using System.Collections.Concurrent;
using FunctionsRouter.Gateway.Configuration;
using FunctionsRouter.Gateway.Diagnostics;
using Microsoft.Extensions.Logging;

namespace FunctionsRouter.Gateway.Caching;

/// <summary>
/// The one read-through cache of the request path (caller keys and rows, Entra principals' rows, the alias catalog,
/// response affinity): a cache answers before it asks (house rule 14).
/// <list type="bullet">
/// <item>A value held is served at once, whatever its age up to <see cref="CacheTimings.MaxStaleness"/>. From half the
/// time to live on, the request that sees it starts a re-read in the background, so under steady traffic a value is
/// replaced before it expires and no request ever waits on the table for it.</item>
/// <item>Only a cold miss waits: nothing held, a value older than <see cref="CacheTimings.MaxStaleness"/> (it could not be
/// re-read for that long), or a key <see cref="Invalidate"/>d by a write of this instance. The wait is bounded by
/// <see cref="CacheTimings.ColdWait"/>; past it the request gets the value still held if it may be served, else
/// <c>Available = false</c> (the caller answers 503).</item>
/// <item>One read at a time per key (single flight); a read is cancelled after <see cref="CacheTimings.ReadTimeout"/>.
/// After a failed read, no new one starts for <see cref="RetryDelay"/>: a down table costs one read per key per delay.</item>
/// <item>Absent rows are cached too (at most <c>maxAbsent</c>: random keys cannot grow memory), and present ones at most
/// <c>maxPresent</c>; when full, entries older than the time to live are swept, and a new one is not kept if still full.</item>
/// </list>
/// So a change in the table is seen within half the time to live plus one read under steady traffic; for a key idle
/// longer than the time to live, as soon as the re-read its next request starts has answered; and when the table does not
/// answer, a value is served at most <see cref="CacheTimings.MaxStaleness"/> after the read that fetched it started.
/// </summary>
internal sealed class StaleWhileRevalidateCache<TKey, TValue>
    where TKey : notnull
    where TValue : class
{
    /// <summary>After a failed read, how long no new read of that key starts (requests are served what is held meanwhile).</summary>
    internal static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<TKey, Entry> _entries = new();
    private readonly Func<TKey, CancellationToken, Task<TValue?>> _read;
    private readonly CacheTimings _timings;
    private readonly int _maxAbsent;
    private readonly int _maxPresent;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _what;
    private int _absentCount;
    private int _presentCount;

    /// <param name="what">What a value is, for logs ("key", "caller", "alias catalog").</param>
    /// <param name="read">One table read; <see langword="null"/> when the row is absent, a storage failure thrown otherwise.</param>
    public StaleWhileRevalidateCache(
        string what,
        Func<TKey, CancellationToken, Task<TValue?>> read,
        CacheTimings timings,
        TimeProvider time,
        ILogger logger,
        int maxAbsent = 10_000,
        int maxPresent = int.MaxValue)
    {
        _what = what;
        _read = read;
        _timings = timings;
        _time = time;
        _logger = logger;
        _maxAbsent = maxAbsent;
        _maxPresent = maxPresent;
    }

    /// <summary>How many keys, present, absent or being read, are held (for tests).</summary>
    internal int Count => _entries.Count;

    /// <returns>The value (or <see langword="null"/> when absent); <c>Available</c> is false when nothing servable could be read in time.</returns>
    public async ValueTask<(TValue? Value, bool Available)> GetAsync(TKey key, CancellationToken cancellationToken)
    {
        var now = _time.GetTimestamp();
        if (_entries.TryGetValue(key, out var entry) && entry.Current is { } held)
        {
            var age = _time.GetElapsedTime(held.ReadAt, now);
            var invalidated = held.Generation < entry.Generation;
            if (age < _timings.Ttl / 2 && !invalidated)
            {
                return (held.Value, true);
            }

            if (age < _timings.MaxStaleness)
            {
                if (entry.InBackoff(now))
                {
                    return (held.Value, true); // The table failed a moment ago: do not ask again yet.
                }

                var refresh = StartRead(key, entry);
                if (!invalidated)
                {
                    return (held.Value, true); // Stale while revalidate: the next request gets the fresh value.
                }

                // Changed by a write of this instance: wait (bounded) for a read started after it, else serve what is held.
                var (read, value) = await WaitAsync(refresh, cancellationToken).ConfigureAwait(false);
                return read ? (value, true) : (held.Value, true);
            }

            // Held too long without a successful read: not served any more, a cold miss.
            if (entry.InBackoff(now))
            {
                return (null, false);
            }
        }
        else
        {
            entry ??= _entries.GetOrAdd(key, static _ => new Entry());
        }

        var (found, fresh) = await WaitAsync(StartRead(key, entry), cancellationToken).ConfigureAwait(false);
        return found ? (fresh, true) : (null, false);
    }

    /// <summary>
    /// A write of this instance changed <paramref name="key"/>: the next requests wait (at most the cold wait) for a read
    /// started after this call, a read under way being joined only if it started after it.
    /// </summary>
    public void Invalidate(TKey key)
    {
        if (_entries.TryGetValue(key, out var entry))
        {
            entry.Invalidate();
        }
    }

    /// <summary>Invalidates (as <see cref="Invalidate"/>) every key whose held value matches <paramref name="match"/>: a write changed rows this cache holds under keys the writer does not know (a caller's keys, by their hashes).</summary>
    public void InvalidateWhere(Func<TValue, bool> match)
    {
        foreach (var (_, entry) in _entries)
        {
            if (entry.Current?.Value is { } value && match(value))
            {
                entry.Invalidate();
            }
        }
    }

    private async ValueTask<(bool Read, TValue? Value)> WaitAsync(Task<Entry.Outcome> read, CancellationToken cancellationToken)
    {
        if (!read.IsCompleted)
        {
            // Past the wait the read goes on in the background (up to its own timeout); the request stops waiting.
            await ((Task)read).WaitAsync(_timings.ColdWait, _time, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            cancellationToken.ThrowIfCancellationRequested();
        }

        // A read never throws a storage failure (it is an outcome); anything else counts as a failed read.
        return read.IsCompletedSuccessfully && !read.Result.Failed ? (true, read.Result.Value) : (false, null);
    }

    /// <summary>Joins the read of <paramref name="key"/> under way, unless it started before the latest invalidation: then a new one is chained after it.</summary>
    private Task<Entry.Outcome> StartRead(TKey key, Entry entry)
    {
        lock (entry)
        {
            var wanted = entry.Generation;
            if (entry.Read is { IsCompleted: false } running)
            {
                if (entry.ReadGeneration >= wanted)
                {
                    return running;
                }

                // One read at a time still: the new one starts when the older one ends.
                entry.Read = running.ContinueWith(_ => ReadAsync(key, entry, wanted), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).Unwrap();
            }
            else
            {
                entry.Read = ReadAsync(key, entry, wanted);
            }

            entry.ReadGeneration = wanted;
            return entry.Read;
        }
    }

    private async Task<Entry.Outcome> ReadAsync(TKey key, Entry entry, long generation)
    {
        await Task.Yield(); // Never run the table call on the request's own stack.
        var started = _time.GetTimestamp();
        TValue? value;
        try
        {
            using var timeout = new CancellationTokenSource(_timings.ReadTimeout, _time);
            value = await _read(key, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (TableStorageFailures.IsStorageFailure(ex))
        {
            GatewayLog.CachedReadFailed(_logger, _what, entry.Current is not null, ex);
            entry.MarkBackoff(_time);
            if (entry.Current is null)
            {
                _entries.TryRemove(new KeyValuePair<TKey, Entry>(key, entry)); // Nothing learnt: keep no trace of it.
            }

            return Entry.Outcome.Failure;
        }

        if (!_entries.TryGetValue(key, out var kept) || !ReferenceEquals(kept, entry))
        {
            return new Entry.Outcome(value, Failed: false); // Swept while it was read: the request gets it, nothing is counted.
        }

        var previous = entry.Current;
        var wasAbsent = previous is { Value: null };
        var wasPresent = previous is { Value: not null };
        if (value is null && !wasAbsent && !Reserve(ref _absentCount, _maxAbsent, absent: true))
        {
            Forget(key, entry, wasPresent);
            return new Entry.Outcome(null, Failed: false);
        }

        if (value is not null && !wasPresent && !Reserve(ref _presentCount, _maxPresent, absent: false))
        {
            Forget(key, entry, wasPresent: false);
            if (wasAbsent)
            {
                Interlocked.Decrement(ref _absentCount);
            }

            return new Entry.Outcome(value, Failed: false);
        }

        if (value is not null && wasAbsent)
        {
            Interlocked.Decrement(ref _absentCount);
        }
        else if (value is null && wasPresent)
        {
            Interlocked.Decrement(ref _presentCount);
        }

        entry.Current = new Entry.Held(value, started, generation);
        entry.ClearBackoff();
        return new Entry.Outcome(value, Failed: false);
    }

    /// <summary>A value not kept (the cache is full): the request gets it, the next one reads again.</summary>
    private void Forget(TKey key, Entry entry, bool wasPresent)
    {
        if (_entries.TryRemove(new KeyValuePair<TKey, Entry>(key, entry)) && wasPresent)
        {
            Interlocked.Decrement(ref _presentCount);
        }
    }

    /// <summary>Makes room for one more absent (or present) value: sweeps those past the time to live when full, refuses when still full.</summary>
    private bool Reserve(ref int count, int max, bool absent)
    {
        if (max == 0)
        {
            return false; // Such values are never kept: nothing to sweep.
        }

        if (Interlocked.Increment(ref count) <= max)
        {
            return true;
        }

        var now = _time.GetTimestamp();
        foreach (var (key, entry) in _entries)
        {
            if (entry.Current is { } held && held.Value is null == absent && _time.GetElapsedTime(held.ReadAt, now) >= _timings.Ttl &&
                _entries.TryRemove(new KeyValuePair<TKey, Entry>(key, entry)))
            {
                Interlocked.Decrement(ref count);
            }
        }

        if (Volatile.Read(ref count) <= max)
        {
            return true;
        }

        Interlocked.Decrement(ref count);
        return false;
    }

    private sealed class Entry
    {
        private long _backoffUntil;
        private long _generation;
        private volatile Held? _current;

        /// <summary>The value last read, when it was read, and the generation that read saw; null before the first read.</summary>
        public Held? Current
        {
            get => _current;
            set => _current = value;
        }

        /// <summary>Bumped by <see cref="Invalidate"/>: a held value of an older generation is not served without a wait.</summary>
        public long Generation => Interlocked.Read(ref _generation);

        /// <summary>The read under way or last run (guarded by the entry's lock), and the generation it reads for.</summary>
        public Task<Outcome>? Read { get; set; }

        public long ReadGeneration { get; set; }

        public void Invalidate() => Interlocked.Increment(ref _generation);

        public void MarkBackoff(TimeProvider time) =>
            Volatile.Write(ref _backoffUntil, time.GetTimestamp() + (long)(RetryDelay.TotalSeconds * time.TimestampFrequency));

        public void ClearBackoff() => Volatile.Write(ref _backoffUntil, 0);

        public bool InBackoff(long now) => now < Volatile.Read(ref _backoffUntil);

        public sealed record Held(TValue? Value, long ReadAt, long Generation);

        /// <summary>What one read found; a failed read is a value, not an exception, since background reads are never awaited.</summary>
        public sealed record Outcome(TValue? Value, bool Failed)
        {
            public static Outcome Failure { get; } = new(null, Failed: true);
        }
    }
}
