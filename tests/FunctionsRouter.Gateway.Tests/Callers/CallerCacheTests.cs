using FunctionsRouter.Gateway.Callers;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace FunctionsRouter.Gateway.Tests.Callers;

/// <summary>The caller cache against a fake table read and a fake clock: when it reads, what it serves when the table fails or hangs.</summary>
public sealed class CallerCacheTests
{
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(30);
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private int _reads;
    private Func<string, Task<string?>> _read = key => Task.FromResult<string?>("row:" + key);

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
    public async Task GetAsync_PastTheTtl_ReadsAgainAndServesTheChange()
    {
        var cache = Create();
        await cache.GetAsync("a", CancellationToken.None);
        _read = _ => Task.FromResult<string?>(null); // Deleted from the table.

        _time.Advance(Ttl + TimeSpan.FromSeconds(1));
        var after = await cache.GetAsync("a", CancellationToken.None);

        Assert.Equal((null, true), after);
        Assert.Equal(2, _reads);
    }

    [Fact]
    public async Task GetAsync_BetweenHalfAndTheTtl_ServesCachedAndRefreshesBehind()
    {
        var cache = Create();
        await cache.GetAsync("a", CancellationToken.None);
        _read = _ => Task.FromResult<string?>("changed");
        _time.Advance(Ttl * 0.75);

        var served = await cache.GetAsync("a", CancellationToken.None);
        string? next = null;
        for (var i = 0; i < 500 && next != "changed"; i++)
        {
            await Task.Delay(10); // The read behind the request lands on another thread.
            next = (await cache.GetAsync("a", CancellationToken.None)).Value;
        }

        Assert.Equal("row:a", served.Value);
        Assert.Equal("changed", next);
        Assert.Equal(2, _reads);
    }

    [Fact]
    public async Task GetAsync_AbsentRowRepeated_OneReadPerPeriod()
    {
        _read = _ => Task.FromResult<string?>(null);
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
        _read = _ => Task.FromResult<string?>(null);
        var cache = Create(maxAbsent: 50);

        for (var i = 0; i < 500; i++)
        {
            await cache.GetAsync("random-" + i, CancellationToken.None);
        }

        Assert.True(cache.Count <= 50, $"{cache.Count} rows cached");
    }

    [Fact]
    public async Task GetAsync_TableHangsPastTheTtl_LastKnownGoodWithinTheBound()
    {
        var cache = Create();
        await cache.GetAsync("a", CancellationToken.None);
        var hang = new TaskCompletionSource<string?>();
        _read = _ => hang.Task;
        _time.Advance(Ttl + TimeSpan.FromSeconds(1));

        var pending = cache.GetAsync("a", CancellationToken.None).AsTask();
        await WaitUntilAsync(() => _reads == 2);
        _time.Advance(TimeSpan.FromSeconds(2)); // The request's bound.
        var served = await pending;
        var next = await cache.GetAsync("a", CancellationToken.None); // In backoff: no waiting at all.

        Assert.Equal(("row:a", true), served);
        Assert.True(next.Available);
        Assert.Equal("row:a", next.Value);
        Assert.Equal(2, _reads); // Single flight: the hung read is not piled on.
    }

    [Fact]
    public async Task GetAsync_TableFailsWithNothingCached_UnavailableAndNothingKept()
    {
        _read = _ => Task.FromException<string?>(new Azure.RequestFailedException(503, "down"));
        var cache = Create();

        var result = await cache.GetAsync("a", CancellationToken.None);

        Assert.Equal((null, false), result);
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public async Task GetAsync_ConcurrentFirstReads_OneTableRead()
    {
        var gate = new TaskCompletionSource<string?>();
        _read = _ => gate.Task;
        var cache = Create();

        var callers = Enumerable.Range(0, 20).Select(_ => cache.GetAsync("a", CancellationToken.None).AsTask()).ToList();
        await WaitUntilAsync(() => _reads == 1);
        gate.SetResult("row");
        var results = await Task.WhenAll(callers);

        Assert.All(results, r => Assert.Equal(("row", true), r));
        Assert.Equal(1, _reads);
    }

    private CallerCache<string, string> Create(int maxAbsent = 100) => new(
        "test",
        (key, _) =>
        {
            Interlocked.Increment(ref _reads);
            return _read(key);
        },
        Ttl,
        TimeSpan.FromSeconds(2),
        maxAbsent,
        _time,
        NullLogger.Instance);

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.True(condition());
    }
}
