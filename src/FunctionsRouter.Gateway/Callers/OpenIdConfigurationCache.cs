using FunctionsRouter.Gateway.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace FunctionsRouter.Gateway.Callers;

/// <summary>
/// The token issuer's OpenID Connect metadata and signing keys (JWKS), fetched once and kept:
/// re-read in the background every <see cref="RefreshInterval"/>, and at once (waited for, within the lookup timeout) when
/// a token names a key that is not known yet — the issuer has rolled its keys — but at most once per
/// <see cref="UnknownKeyRefreshInterval"/>, so tokens with made-up key ids cannot make the gateway hammer the issuer.
/// A failed read keeps the last keys (last known good). Microsoft.IdentityModel's <c>ConfigurationManager</c> is not
/// used because its refresh after a key rollover runs in the background, so the request that saw the new key would fail.
/// </summary>
internal sealed class OpenIdConfigurationCache
{
    internal static readonly TimeSpan RefreshInterval = TimeSpan.FromHours(1);
    internal static readonly TimeSpan UnknownKeyRefreshInterval = TimeSpan.FromSeconds(30);
    internal static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(10);

    private readonly string _metadataAddress;
    private readonly IDocumentRetriever _documents;
    private readonly TimeSpan _requestWait;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private OpenIdConnectConfiguration? _current;
    private long _fetchedAt;
    private long _lastAttempt;
    private long _lastUnknownKeyRead;
    private Task<OpenIdConnectConfiguration?>? _read;

    public OpenIdConfigurationCache(string authority, HttpClient http, TimeSpan requestWait, TimeProvider time, ILogger logger)
    {
        var uri = new Uri(authority);
        _metadataAddress = authority.TrimEnd('/') + "/.well-known/openid-configuration";
        _documents = new HttpDocumentRetriever(http) { RequireHttps = !uri.IsLoopback };
        _requestWait = requestWait;
        _time = time;
        _logger = logger;
    }

    /// <returns>The issuer's configuration, or <see langword="null"/> when none was ever read.</returns>
    public async ValueTask<OpenIdConnectConfiguration?> GetAsync(CancellationToken cancellationToken)
    {
        var current = Volatile.Read(ref _current);
        if (current is not null)
        {
            if (_time.GetElapsedTime(Interlocked.Read(ref _fetchedAt)) >= RefreshInterval)
            {
                _ = StartRead(minimumGap: UnknownKeyRefreshInterval);
            }

            return current;
        }

        return await WaitAsync(StartRead(minimumGap: TimeSpan.Zero), cancellationToken).ConfigureAwait(false) ?? Volatile.Read(ref _current);
    }

    /// <summary>A token names a key the cached set lacks: read the keys again (throttled) and return what is known then.</summary>
    public async ValueTask<OpenIdConnectConfiguration?> RefreshForUnknownKeyAsync(CancellationToken cancellationToken)
    {
        Task<OpenIdConnectConfiguration?>? read;
        lock (_gate)
        {
            var now = _time.GetTimestamp();
            if (_lastUnknownKeyRead != 0 && _time.GetElapsedTime(_lastUnknownKeyRead, now) < UnknownKeyRefreshInterval)
            {
                return Volatile.Read(ref _current); // Asked a moment ago: made-up key ids must not make us hammer the issuer.
            }

            _lastUnknownKeyRead = now;
            read = StartRead(minimumGap: TimeSpan.Zero);
        }

        return await WaitAsync(read, cancellationToken).ConfigureAwait(false) ?? Volatile.Read(ref _current);
    }

    private async Task<OpenIdConnectConfiguration?> WaitAsync(Task<OpenIdConnectConfiguration?>? read, CancellationToken cancellationToken)
    {
        if (read is null)
        {
            return null;
        }

        try
        {
            return await read.WaitAsync(_requestWait, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return null;
        }
    }

    private Task<OpenIdConnectConfiguration?>? StartRead(TimeSpan minimumGap)
    {
        lock (_gate)
        {
            if (_read is { IsCompleted: false } running)
            {
                return running;
            }

            var now = _time.GetTimestamp();
            if (_lastAttempt != 0 && _time.GetElapsedTime(_lastAttempt, now) < minimumGap)
            {
                return null;
            }

            _lastAttempt = now;
            _read = ReadAsync();
            return _read;
        }
    }

    private async Task<OpenIdConnectConfiguration?> ReadAsync()
    {
        await Task.Yield();
        using var timeout = new CancellationTokenSource(ReadTimeout, _time);
        try
        {
            var configuration = await OpenIdConnectConfigurationRetriever.GetAsync(_metadataAddress, _documents, timeout.Token).ConfigureAwait(false);
            Volatile.Write(ref _current, configuration);
            Interlocked.Exchange(ref _fetchedAt, _time.GetTimestamp());
            return configuration;
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException or OperationCanceledException or InvalidOperationException or ArgumentException or System.Text.Json.JsonException)
        {
            GatewayLog.TokenKeysUnavailable(_logger, _metadataAddress, Volatile.Read(ref _current) is not null, ex);
            return null;
        }
    }
}
