using Azure.Core.Pipeline;
using FunctionsRouter.Gateway.Configuration;
using FunctionsRouter.Gateway.Requests;

namespace FunctionsRouter.Gateway.Upstream;

/// <summary>
/// A configured model endpoint: its wire API, its request URIs, and the Azure.Core pipeline that calls it. The
/// Responses API exists only on <see cref="UpstreamApiKind.OpenAI"/> endpoints (<c>&lt;url&gt;/responses</c>).
/// </summary>
internal sealed class UpstreamEndpoint
{
    private readonly Uri _chatCompletions;
    private readonly Uri _embeddings;
    private readonly Uri _responses;
    private readonly string _root;

    public UpstreamEndpoint(string name, UpstreamApiKind api, Uri baseUri, string apiVersion, HttpPipeline pipeline)
    {
        Name = name;
        Api = api;
        Pipeline = pipeline;
        var root = baseUri.AbsoluteUri.TrimEnd('/');
        var query = api == UpstreamApiKind.Models ? "?api-version=" + Uri.EscapeDataString(apiVersion) : string.Empty;
        _chatCompletions = new Uri(root + "/chat/completions" + query);
        _embeddings = new Uri(root + "/embeddings" + query);
        _responses = new Uri(root + "/responses");
        _root = root;
    }

    public string Name { get; }

    public UpstreamApiKind Api { get; }

    public HttpPipeline Pipeline { get; }

    public Uri UriFor(GatewayOperation operation) => operation switch
    {
        GatewayOperation.ChatCompletions => _chatCompletions,
        GatewayOperation.Embeddings => _embeddings,
        GatewayOperation.Responses => _responses,
        _ => throw new ArgumentOutOfRangeException(nameof(operation), operation, null),
    };

    /// <summary><c>&lt;url&gt;/responses/{id}</c> plus <paramref name="suffix"/> (<c>/cancel</c>, <c>/input_items</c>) and the caller's query.</summary>
    public Uri StoredResponseUri(string responseId, string suffix, string query) =>
        new(_root + "/responses/" + Uri.EscapeDataString(responseId) + suffix + query);
}
