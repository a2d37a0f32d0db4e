using FunctionsRouter.Gateway.Upstream;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace FunctionsRouter.Gateway.Tests.Upstream;

public sealed class UpstreamTokenCacheTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly FakeTokenCredential _credential;
    private readonly UpstreamTokenCache _cache;

    public UpstreamTokenCacheTests()
    {
        _credential = new FakeTokenCredential(_time);
        _cache = new UpstreamTokenCache(_credential, UpstreamEndpoints.TokenScope, _time, NullLogger.Instance);
    }

    [Fact]
    public async Task GetAuthorization_Cached_ServedFromMemoryWithoutAFetch()
    {
        Assert.Equal("Bearer token-1", await _cache.GetAuthorizationAsync(CancellationToken.None));

        for (var i = 0; i < 100; i++)
        {
            var pending = _cache.GetAuthorizationAsync(CancellationToken.None);
            Assert.True(pending.IsCompletedSuccessfully);
            Assert.Equal("Bearer token-1", await pending);
        }

        Assert.Equal(1, _credential.Fetches);
        Assert.Equal(UpstreamEndpoints.TokenScope, _credential.LastScope);
    }

    [Fact]
    public async Task GetAuthorization_PastRefreshTime_ServesTheHeldTokenAndRefreshesOnceInTheBackground()
    {
        await _cache.GetAuthorizationAsync(CancellationToken.None);
        _credential.Hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _time.Advance(TimeSpan.FromMinutes(56)); // Four minutes before expiry: inside the refresh margin.

        for (var i = 0; i < 20; i++)
        {
            var pending = _cache.GetAuthorizationAsync(CancellationToken.None);
            Assert.True(pending.IsCompletedSuccessfully, "A request waited for the refresh.");
            Assert.Equal("Bearer token-1", await pending);
        }

        await WaitUntilAsync(() => _credential.Fetches == 2);
        _credential.Hold.SetResult();
        await WaitUntilAsync(() => _cache.GetAuthorizationAsync(CancellationToken.None).Result == "Bearer token-2");
        Assert.Equal(2, _credential.Fetches);
    }

    [Fact]
    public async Task GetAuthorization_NothingHeldAndTheCredentialHangs_GivesUpAfterTheColdWait()
    {
        _credential.Hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var pending = _cache.GetAuthorizationAsync(CancellationToken.None).AsTask();
        await WaitUntilAsync(() => _credential.Fetches == 1);
        Assert.False(pending.IsCompleted);
        _time.Advance(UpstreamTokenCache.ColdWait);

        var error = await Assert.ThrowsAsync<UpstreamCredentialException>(() => pending);
        Assert.IsType<TimeoutException>(error.InnerException);
        _credential.Hold.SetResult(); // The fetch itself goes on, for the next request.
        await WaitUntilAsync(() => _cache.GetAuthorizationAsync(CancellationToken.None) is { IsCompletedSuccessfully: true } done && done.Result == "Bearer token-1");
        Assert.Equal(1, _credential.Fetches);
    }

    [Fact]
    public async Task GetAuthorization_RefreshFails_HeldTokenServedUntilItExpiresThenTheError()
    {
        await _cache.GetAuthorizationAsync(CancellationToken.None);
        _credential.Fail = true;
        _time.Advance(TimeSpan.FromMinutes(56));

        Assert.Equal("Bearer token-1", await _cache.GetAuthorizationAsync(CancellationToken.None));
        await WaitUntilAsync(() => _credential.Fetches == 2);
        await Task.Delay(50); // Let the failed fetch finish.
        Assert.Equal("Bearer token-1", await _cache.GetAuthorizationAsync(CancellationToken.None));
        Assert.Equal(2, _credential.Fetches); // Not retried before the retry delay.

        _time.Advance(TimeSpan.FromMinutes(5));
        await Assert.ThrowsAsync<UpstreamCredentialException>(async () => await _cache.GetAuthorizationAsync(CancellationToken.None));
    }

    [Fact]
    public async Task GetAuthorization_CallerCancelsWhileWaiting_OperationCanceled()
    {
        _credential.Hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var cancel = new CancellationTokenSource();

        var pending = _cache.GetAuthorizationAsync(cancel.Token).AsTask();
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition was never met.");
            await Task.Delay(10);
        }
    }
}
