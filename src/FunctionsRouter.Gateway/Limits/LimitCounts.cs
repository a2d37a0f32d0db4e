using System.Collections.Concurrent;

namespace FunctionsRouter.Gateway.Limits;

/// <summary>
/// This instance's counters: one per count key for all of its requests, and one per count key and alias where an alias
/// limit is set. Found without allocating once made.
/// </summary>
internal sealed class LimitCounts
{
    private readonly ConcurrentDictionary<string, LimitCounter> _own = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string CountKey, string Alias), LimitCounter> _aliases = new(AliasKeyComparer.Instance);

    private readonly SemaphoreSlim _created = new(0, 1);

    public LimitCounter For(string countKey) =>
        _own.GetOrAdd(countKey, static (key, counts) => counts.Created(new LimitCounter(key, null)), this);

    public LimitCounter For(string countKey, string alias) =>
        _aliases.GetOrAdd((countKey, alias), static (key, counts) => counts.Created(new LimitCounter(key.CountKey, key.Alias.ToLowerInvariant())), this);

    /// <summary>
    /// Completes when a counter has been made since the last wait: the sync then reads its shared counts at once (a
    /// restarted instance holds a spent quota after one table round trip, not one interval).
    /// </summary>
    public Task WaitForNewCounterAsync(CancellationToken cancellationToken) => _created.WaitAsync(cancellationToken);

    /// <summary>Every counter, for the sync.</summary>
    public IEnumerable<LimitCounter> All => _own.Values.Concat(_aliases.Values);

    /// <summary>Drops an idle counter; a later request starts a new one, which the next sync fills from the table.</summary>
    public void Forget(LimitCounter counter)
    {
        if (counter.Alias is null)
        {
            _own.TryRemove(new KeyValuePair<string, LimitCounter>(counter.CountKey, counter));
        }
        else
        {
            _aliases.TryRemove(new KeyValuePair<(string, string), LimitCounter>((counter.CountKey, counter.Alias), counter));
        }
    }

    private LimitCounter Created(LimitCounter counter)
    {
        if (_created.CurrentCount == 0)
        {
            try
            {
                _created.Release();
            }
            catch (SemaphoreFullException)
            {
                // Another new counter signalled first: one round reads both.
            }
        }

        return counter;
    }

    /// <summary>Aliases match case-insensitively, as the catalog matches them.</summary>
    private sealed class AliasKeyComparer : IEqualityComparer<(string CountKey, string Alias)>
    {
        public static AliasKeyComparer Instance { get; } = new();

        public bool Equals((string CountKey, string Alias) x, (string CountKey, string Alias) y) =>
            string.Equals(x.CountKey, y.CountKey, StringComparison.Ordinal) && string.Equals(x.Alias, y.Alias, StringComparison.OrdinalIgnoreCase);

        public int GetHashCode((string CountKey, string Alias) obj) =>
            HashCode.Combine(StringComparer.Ordinal.GetHashCode(obj.CountKey), StringComparer.OrdinalIgnoreCase.GetHashCode(obj.Alias));
    }
}
