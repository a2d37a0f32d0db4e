using Azure.Core.Pipeline;
using FunctionsRouter.Gateway.Configuration;
using FunctionsRouter.Gateway.Requests;

namespace FunctionsRouter.Gateway.Upstream;

/// <summary>A configured model endpoint: its wire API, its request URIs, and the Azure.Core pipeline that calls it.</summary>
internal sealed class UpstreamEndpoint
{
    private readonly Uri _chatCompletions;
    private readonly Uri _embeddings;

    public UpstreamEndpoint(string name, UpstreamApiKind api, Uri baseUri, string apiVersion, HttpPipeline pipeline)
    {
        Name = name;
        Api = api;
        Pipeline = pipeline;
        var root = baseUri.AbsoluteUri.TrimEnd('/');
        var query = api == UpstreamApiKind.Models ? "?api-version=" + Uri.EscapeDataString(apiVersion) : string.Empty;
        _chatCompletions = new Uri(root + "/chat/completions" + query);
        _embeddings = new Uri(root + "/embeddings" + query);
    }

    public string Name { get; }

    public UpstreamApiKind Api { get; }

    public HttpPipeline Pipeline { get; }

    public Uri UriFor(GatewayOperation operation) => operation switch
    {
        GatewayOperation.ChatCompletions => _chatCompletions,
        GatewayOperation.Embeddings => _embeddings,
        _ => throw new ArgumentOutOfRangeException(nameof(operation), operation, null),
    };
}
