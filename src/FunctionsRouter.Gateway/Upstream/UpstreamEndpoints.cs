using System.Collections.Frozen;
using System.Diagnostics;
using System.Net;
using Azure.Core;
using FunctionsRouter.Gateway.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FunctionsRouter.Gateway.Upstream;

/// <summary>
/// The endpoints from settings, each with its own connection pool: an <see cref="HttpMessageInvoker"/> over a
/// <see cref="SocketsHttpHandler"/> set up as YARP's forwarder sets up its own (no proxy, no redirects, no cookies, no
/// decompression: the caller gets the upstream's bytes as sent; connections renewed every few minutes so DNS changes are
/// seen). Nothing else sits between the gateway and the socket: failover, retries and the idle timeout are the gateway's
/// own, and a request's body goes from its pooled buffer to the socket.
/// </summary>
/// <remarks>
/// An endpoint without a key gets Microsoft Entra ID tokens for <see cref="TokenScope"/> (Azure AI Services and Azure
/// OpenAI) from one <see cref="UpstreamTokenCache"/> shared by all such endpoints.
/// </remarks>
internal sealed class UpstreamEndpoints : IDisposable
{
    public const string TokenScope = "https://cognitiveservices.azure.com/.default";

    private readonly FrozenDictionary<string, UpstreamEndpoint> _endpoints;

    public UpstreamEndpoints(IOptions<RouterOptions> options, Lazy<TokenCredential> credential, TimeProvider time, ILogger<UpstreamEndpoints> logger)
    {
        var settings = options.Value;
        UpstreamTokenCache? tokens = null;
        var endpoints = new Dictionary<string, UpstreamEndpoint>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, endpoint) in settings.Endpoints)
        {
            UpstreamApiKinds.TryParse(endpoint.Api, out var api);
            var key = string.IsNullOrEmpty(endpoint.Key) ? null : endpoint.Key;
            if (key is null)
            {
                tokens ??= new UpstreamTokenCache(credential.Value, TokenScope, time, logger);
            }

            var invoker = new HttpMessageInvoker(CreateHandler(), disposeHandler: true);
            endpoints[name] = new UpstreamEndpoint(name, api, new Uri(endpoint.Url!), endpoint.ApiVersion, invoker, key, tokens);
        }

        _endpoints = endpoints.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }

    public bool Contains(string name) => _endpoints.ContainsKey(name);

    public UpstreamEndpoint Get(string name) => _endpoints[name];

    public void Dispose()
    {
        foreach (var endpoint in _endpoints.Values)
        {
            endpoint.Dispose();
        }
    }

    private static SocketsHttpHandler CreateHandler() => new()
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
        EnableMultipleHttp2Connections = true,
        ConnectTimeout = TimeSpan.FromSeconds(10),

        // The attempt span's trace context goes upstream as traceparent (the default propagator, as before).
        ActivityHeadersPropagator = DistributedContextPropagator.Current,
    };
}
