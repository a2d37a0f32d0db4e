using Azure.Core;
using FunctionsRouter.Gateway.Diagnostics;
using Microsoft.Extensions.Logging;

namespace FunctionsRouter.Gateway.Upstream;

/// <summary>
/// The Microsoft Entra ID token the gateway sends to endpoints without a key, for one scope: fetched once, served from
/// memory (the whole <c>Authorization</c> value, so a request allocates nothing for it), and refreshed in the background
/// from the time the credential says (<see cref="AccessToken.RefreshOn"/>, else five minutes before expiry), one fetch
/// at a time. A request waits only when no unexpired token is held, and then at most <see cref="ColdWait"/>.
/// A failed fetch is not retried for <see cref="RetryDelay"/>: the token held stays in use until it expires.
/// </summary>
internal sealed class UpstreamTokenCache
{
    /// <summary>The longest a request waits for a token when none is held (the fetch itself goes on for the next one).</summary>
    internal static readonly TimeSpan ColdWait = TimeSpan.FromSeconds(30);

    /// <summary>How long after a failed fetch the next may start.</summary>
    internal static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(5);

    /// <summary>The longest one fetch may take (it holds the single flight).</summary>
    internal static readonly TimeSpan FetchTimeout = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(5);

    private readonly TokenCredential _credential;
    private readonly TokenRequestContext _context;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private volatile Held? _held;
    private Task<Held?>? _fetch;
    private volatile Exception? _lastError;
    private DateTimeOffset _nextFetch = DateTimeOffset.MinValue;

    public UpstreamTokenCache(TokenCredential credential, string scope, TimeProvider time, ILogger logger)
    {
        _credential = credential;
        _context = new TokenRequestContext([scope]);
        _time = time;
        _logger = logger;
    }

    /// <summary>The <c>Authorization</c> header value (<c>Bearer …</c>).</summary>
    /// <exception cref="UpstreamCredentialException">No token could be had within <see cref="ColdWait"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled while waiting.</exception>
    public ValueTask<string> GetAuthorizationAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var held = _held;
        if (held is not null && now < held.ExpiresOn)
        {
            if (now >= held.RefreshAt)
            {
                _ = StartFetch(now); // In the background: this request is served the token held.
            }

            return ValueTask.FromResult(held.Authorization);
        }

        return WaitAsync(now, cancellationToken);
    }

    private async ValueTask<string> WaitAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var fetch = StartFetch(now);
        if (fetch is null)
        {
            throw new UpstreamCredentialException(_lastError);
        }

        Held? held;
        try
        {
            held = await fetch.WaitAsync(ColdWait, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException ex)
        {
            throw new UpstreamCredentialException(ex);
        }

        return held?.Authorization ?? throw new UpstreamCredentialException(_lastError);
    }

    /// <summary>The fetch in flight, a new one, or null while a failed fetch's retry delay runs.</summary>
    private Task<Held?>? StartFetch(DateTimeOffset now)
    {
        lock (_lock)
        {
            if (_fetch is { IsCompleted: false } running)
            {
                return running;
            }

            if (now < _nextFetch)
            {
                return null;
            }

            _nextFetch = now + RetryDelay;
            return _fetch = FetchAsync();
        }
    }

    /// <summary>Fetches and holds a token; never throws (a failure is logged, kept for the waiters, and answers null).</summary>
    private async Task<Held?> FetchAsync()
    {
        await Task.Yield(); // The request that started a background refresh goes on at once.
        try
        {
            using var timeout = new CancellationTokenSource(FetchTimeout, _time);
            var token = await _credential.GetTokenAsync(_context, timeout.Token).ConfigureAwait(false);
            var now = _time.GetUtcNow();
            var lifetime = token.ExpiresOn - now;
            var refreshAt = token.RefreshOn ?? token.ExpiresOn - (lifetime > RefreshMargin * 2 ? RefreshMargin : lifetime / 2);
            var held = new Held("Bearer " + token.Token, token.ExpiresOn, refreshAt);
            _held = held;
            return held;
        }
        catch (Exception ex)
        {
            _lastError = ex;
            GatewayLog.UpstreamTokenUnavailable(_logger, _held is { } held && held.ExpiresOn > _time.GetUtcNow(), ex);
            return null;
        }
    }

    private sealed record Held(string Authorization, DateTimeOffset ExpiresOn, DateTimeOffset RefreshAt);
}
