using FunctionsRouter.Gateway.Caching;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace FunctionsRouter.Gateway.Tests.Caching;

/// <summary>
/// The request path's cache against a fake table read and a fake clock: what it serves at once, when it reads, what a
/// request waits for, and what it serves when the table fails or hangs.
/// </summary>
public sealed class StaleWhileRevalidateCacheTests
{
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ColdWait = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan MaxStaleness = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(10);
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private int _reads;
    private Func<string, CancellationToken, Task<string?>> _read = (key, _) => Task.FromResult<string?>("row:" + key);

    [Fact]
    public async Task GetAsync_WithinHalfTheTtl_OneRead()
    {
        var cache = Create();

        var first = await cache.GetAsync("a", CancellationToken.None);
        _time.Advance(Ttl / 2 - TimeSpan.FromSeconds(1));
        var second = await cache.GetAsync("a", CancellationToken.None);

        Assert.Equal(("row:a", true), first);
        Assert.Equal(("row:a", true), second);
        Assert.Equal(1, _reads);
    }

    [Fact]
    public async Task GetAsync_PastTheTtlWhileTheTableHangs_ServedAtOnceWithExactlyOneBackgroundRead()
    {
        var cache = Create();
        await cache.GetAsync("a", CancellationToken.None);
        var hang = new TaskCompletionSource<string?>();
        _read = (_, _) => hang.Task;
        _time.Advance(Ttl * 3);

        var served = Enumerable.Range(0, 20).Select(_ => cache.GetAsync("a", CancellationToken.None)).ToList();

        Assert.All(served, s => Assert.True(s.IsCompletedSuccessfully)); // No request waited on the table.
        Assert.All(served, s => Assert.Equal(("row:a", true), s.Result));
        await WaitUntilAsync(() => _reads == 2);
        await Task.Delay(50);
        Assert.Equal(2, _reads); // The first read, and one background re-read for twenty requests.
    }

    [Fact]
    public async Task GetAsync_PastTheTtl_ServesTheHeldValueThenTheChangeOnceTheTableAnswers()
    {
        var cache = Create();
        await cache.GetAsync("a", CancellationToken.None);
        _read = (_, _) => Task.FromResult<string?>(null); // Deleted from the table.
        _time.Advance(Ttl + TimeSpan.FromSeconds(1));

        var served = await cache.GetAsync("a", CancellationToken.None);
        await WaitUntilAsync(() => cache.GetAsync("a", CancellationToken.None).Result.Value is null);

        Assert.Equal(("row:a", true), served);
        Assert.Equal(2, _reads);
    }

    [Fact]
    public async Task GetAsync_SteadyTraffic_RefreshedBeforeItExpiresAndNeverWaits()
    {
        var cache = Create();
        await cache.GetAsync("a", CancellationToken.None);
        var version = 0;
        _read = (_, _) => Task.FromResult<string?>("v" + Interlocked.Increment(ref version));

        for (var second = 0; second < 120; second++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            var got = cache.GetAsync("a", CancellationToken.None);
            Assert.True(got.IsCompletedSuccessfully);
            await Task.Delay(1); // Lets a background read land.
        }

        // Re-read every half TTL or so: about 120 / 15 reads, each one behind a request (not one per request, not none).
        Assert.InRange(_reads, 1 + 4, 1 + 10);
    }

    [Fact]
    public async Task GetAsync_ColdKeyTableHangs_WaitsAtMostTheBoundThenUnavailable()
    {
        var hang = new TaskCompletionSource<string?>();
        _read = (_, _) => hang.Task;
        var cache = Create();

        var cold = cache.GetAsync("a", CancellationToken.None).AsTask();
        await WaitUntilAsync(() => _reads == 1);
        _time.Advance(ColdWait - TimeSpan.FromMilliseconds(1));
        await Task.Delay(50);
        Assert.False(cold.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal((null, false), await cold.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task GetAsync_PastMaxStalenessWhileTheTableHangs_ColdMissThatWaitsTheBoundThenUnavailable()
    {
        var cache = Create();
        await cache.GetAsync("a", CancellationToken.None);
        var ended = 0;
        _read = async (_, cancellationToken) =>
        {
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken); // A hung table: only the read timeout ends it.
                return null;
            }
            finally
            {
                Interlocked.Increment(ref ended);
            }
        };
        _time.Advance(Ttl);
        Assert.Equal(("row:a", true), await cache.GetAsync("a", CancellationToken.None)); // Starts the re-read that hangs.
        await WaitUntilAsync(() => _reads == 2);
        _time.Advance(ReadTimeout);
        await WaitUntilAsync(() => ended == 1);
        Assert.Equal(("row:a", true), await cache.GetAsync("a", CancellationToken.None)); // Still within MaxStaleness.

        _time.Advance(MaxStaleness);
        var tooOld = cache.GetAsync("a", CancellationToken.None).AsTask();
        await WaitUntilAsync(() => _reads == 3);
        Assert.False(tooOld.IsCompleted);
        _time.Advance(ColdWait);

        Assert.Equal((null, false), await tooOld.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task GetAsync_PastMaxStalenessAndTheTableAnswers_TheFreshValue()
    {
        var cache = Create();
        await cache.GetAsync("a", CancellationToken.None);
        _read = (_, _) => Task.FromResult<string?>("fresh");
        _time.Advance(MaxStaleness);

        Assert.Equal(("fresh", true), await cache.GetAsync("a", CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task GetAsync_HungBackgroundRead_CancelledAfterTheReadTimeoutAndRetriedAfterTheDelay()
    {
        var cache = Create();
        await cache.GetAsync("a", CancellationToken.None);
        var cancelled = 0;
        _read = async (_, cancellationToken) =>
        {
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            finally
            {
                Interlocked.Increment(ref cancelled);
            }

            return null;
        };
        _time.Advance(Ttl);
        await cache.GetAsync("a", CancellationToken.None);
        await WaitUntilAsync(() => _reads == 2);

        _time.Advance(ReadTimeout);
        await WaitUntilAsync(() => cancelled == 1);
        Assert.Equal(("row:a", true), await cache.GetAsync("a", CancellationToken.None)); // In backoff: no new read.
        Assert.Equal(2, _reads);
        _time.Advance(StaleWhileRevalidateCache<string, string>.RetryDelay);
        await cache.GetAsync("a", CancellationToken.None);

        await WaitUntilAsync(() => _reads == 3);
    }

    [Fact]
    public async Task GetAsync_AbsentRowRepeated_OneReadPerPeriod()
    {
        _read = (_, _) => Task.FromResult<string?>(null);
        var cache = Create();

        for (var i = 0; i < 10; i++)
        {
            Assert.Equal((null, true), await cache.GetAsync("unknown", CancellationToken.None));
        }

        Assert.Equal(1, _reads);
    }

    [Fact]
    public async Task GetAsync_ManyAbsentRows_CachedNoMoreThanTheBound()
    {
        _read = (_, _) => Task.FromResult<string?>(null);
        var cache = Create(maxAbsent: 50);

        for (var i = 0; i < 500; i++)
        {
            await cache.GetAsync("random-" + i, CancellationToken.None);
        }

        Assert.True(cache.Count <= 50, $"{cache.Count} rows cached");
    }

    [Fact]
    public async Task GetAsync_AbsentRowsNotKept_ReadEachTime()
    {
        _read = (_, _) => Task.FromResult<string?>(null);
        var cache = Create(maxAbsent: 0);

        Assert.Equal((null, true), await cache.GetAsync("a", CancellationToken.None));
        Assert.Equal((null, true), await cache.GetAsync("a", CancellationToken.None));

        Assert.Equal(2, _reads);
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public async Task GetAsync_ManyPresentRows_CachedNoMoreThanTheBoundAndStillServed()
    {
        var cache = Create(maxPresent: 20);

        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(("row:p" + i, true), await cache.GetAsync("p" + i, CancellationToken.None));
        }

        Assert.True(cache.Count <= 20, $"{cache.Count} rows cached");
    }

    [Fact]
    public async Task GetAsync_TableFailsWithNothingCached_UnavailableAndNothingKept()
    {
        _read = (_, _) => Task.FromException<string?>(new Azure.RequestFailedException(503, "down"));
        var cache = Create();

        var result = await cache.GetAsync("a", CancellationToken.None);

        Assert.Equal((null, false), result);
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public async Task GetAsync_ConcurrentFirstReads_OneTableRead()
    {
        var gate = new TaskCompletionSource<string?>();
        _read = (_, _) => gate.Task;
        var cache = Create();

        var callers = Enumerable.Range(0, 20).Select(_ => cache.GetAsync("a", CancellationToken.None).AsTask()).ToList();
        await WaitUntilAsync(() => _reads == 1);
        gate.SetResult("row");
        var results = await Task.WhenAll(callers);

        Assert.All(results, r => Assert.Equal(("row", true), r));
        Assert.Equal(1, _reads);
    }

    [Fact]
    public async Task Invalidate_NextRequestWaitsForAReadStartedAfterIt()
    {
        var cache = Create();
        await cache.GetAsync("a", CancellationToken.None);
        _read = (_, _) => Task.FromResult<string?>("written");

        cache.Invalidate("a");

        Assert.Equal(("written", true), await cache.GetAsync("a", CancellationToken.None));
    }

    [Fact]
    public async Task Invalidate_WhileTheTableHangs_HeldValueAfterTheBound()
    {
        var cache = Create();
        await cache.GetAsync("a", CancellationToken.None);
        var hang = new TaskCompletionSource<string?>();
        _read = (_, _) => hang.Task;
        cache.Invalidate("a");

        var waiting = cache.GetAsync("a", CancellationToken.None).AsTask();
        await WaitUntilAsync(() => _reads == 2);
        _time.Advance(ColdWait);

        Assert.Equal(("row:a", true), await waiting.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    private StaleWhileRevalidateCache<string, string> Create(int maxAbsent = 100, int maxPresent = int.MaxValue) => new(
        "test",
        (key, cancellationToken) =>
        {
            Interlocked.Increment(ref _reads);
            return _read(key, cancellationToken);
        },
        new CacheTimings(Ttl, ColdWait, MaxStaleness, ReadTimeout),
        _time,
        NullLogger.Instance,
        maxAbsent,
        maxPresent);

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.True(condition());
    }
}
