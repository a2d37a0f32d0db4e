using FunctionsRouter.Gateway.Configuration;

namespace FunctionsRouter.Gateway.Caching;

/// <summary>The times that drive a <see cref="StaleWhileRevalidateCache{TKey, TValue}"/>.</summary>
/// <param name="Ttl">How long a value read is trusted; it is re-read in the background from half of it on.</param>
/// <param name="ColdWait">The longest a request waits on a read when nothing usable is held (a cold miss).</param>
/// <param name="MaxStaleness">How old a held value may grow while it cannot be re-read; older, it is a cold miss (<c>Router__MaxStaleness</c>).</param>
/// <param name="ReadTimeout">How long one read may take before it is cancelled (a hung read is a failure, not a pause).</param>
internal sealed record CacheTimings(TimeSpan Ttl, TimeSpan ColdWait, TimeSpan MaxStaleness, TimeSpan ReadTimeout)
{
    /// <summary>The timings of a request-path cache with time to live <paramref name="ttl"/> and a cold wait of <paramref name="coldWait"/>.</summary>
    public static CacheTimings From(RouterOptions options, TimeSpan ttl, TimeSpan coldWait) =>
        new(ttl, coldWait, options.MaxStaleness > ttl ? options.MaxStaleness : ttl, options.TableOperationTimeout);
}
