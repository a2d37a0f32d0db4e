using System.Collections.Frozen;
using System.Net;
using Azure.AI.Inference;
using Azure.Core;
using Azure.Core.Pipeline;
using FunctionsRouter.Gateway.Configuration;
using Microsoft.Extensions.Options;

namespace FunctionsRouter.Gateway.Upstream;

/// <summary>
/// The endpoints from settings, each with its own Azure.Core pipeline (the one Azure.AI.Inference's clients use,
/// built with that SDK's client options) sharing one connection pool. The pipeline brings authentication, the SDK's
/// user agent, distributed tracing and the idle timeout; its retries are off, because a retry is the router's choice.
/// </summary>
/// <remarks>
/// The pipeline is built here rather than taken from <c>ChatCompletionsClient.Pipeline</c>: that client fixes the
/// token scope to <c>https://ml.azure.com/.default</c> and sends keys as <c>Authorization: Bearer</c>, while Azure AI
/// Services and Azure OpenAI want <c>https://cognitiveservices.azure.com/.default</c> and accept <c>api-key</c>.
/// </remarks>
internal sealed class UpstreamEndpoints : IDisposable
{
    public const string TokenScope = "https://cognitiveservices.azure.com/.default";

    private readonly FrozenDictionary<string, UpstreamEndpoint> _endpoints;
    private readonly SocketsHttpHandler _handler;

    public UpstreamEndpoints(IOptions<RouterOptions> options, Lazy<TokenCredential> credential)
    {
        var settings = options.Value;
        _handler = new SocketsHttpHandler
        {
            // Pass-through: the caller gets the upstream's bytes as sent, so nothing is decompressed here.
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            AllowAutoRedirect = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
            EnableMultipleHttp2Connections = true,
            ConnectTimeout = TimeSpan.FromSeconds(10),
        };
        var transport = new HttpClientTransport(_handler);
        var endpoints = new Dictionary<string, UpstreamEndpoint>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, endpoint) in settings.Endpoints)
        {
            UpstreamApiKinds.TryParse(endpoint.Api, out var api);
            var clientOptions = new AzureAIInferenceClientOptions { Transport = transport };
            clientOptions.Retry.MaxRetries = 0;
            clientOptions.Retry.NetworkTimeout = settings.UpstreamIdleTimeout;
            HttpPipelinePolicy auth = string.IsNullOrEmpty(endpoint.Key)
                ? new BearerTokenAuthenticationPolicy(credential.Value, TokenScope)
                : new ApiKeyPolicy(endpoint.Key);
            var pipeline = HttpPipelineBuilder.Build(clientOptions, [], [auth], new ResponseClassifier());
            endpoints[name] = new UpstreamEndpoint(name, api, new Uri(endpoint.Url!), endpoint.ApiVersion, pipeline);
        }

        _endpoints = endpoints.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }

    public bool Contains(string name) => _endpoints.ContainsKey(name);

    public UpstreamEndpoint Get(string name) => _endpoints[name];

    public void Dispose() => _handler.Dispose();
}
