using System.Net;
using FunctionsRouter.Gateway.Configuration;
using FunctionsRouter.Gateway.Requests;

namespace FunctionsRouter.Gateway.Upstream;

/// <summary>
/// A configured model endpoint: its wire API, its request URIs, its connection pool (an <see cref="HttpMessageInvoker"/>
/// over its own <see cref="SocketsHttpHandler"/>) and how it is authenticated: its key as <c>api-key</c>, or a Microsoft
/// Entra ID token from the shared <see cref="UpstreamTokenCache"/>. The Responses API exists only on
/// <see cref="UpstreamApiKind.OpenAI"/> endpoints (<c>&lt;url&gt;/responses</c>).
/// </summary>
internal sealed class UpstreamEndpoint : IDisposable
{
    private const string ClientRequestIdHeader = "x-ms-client-request-id";
    private const string UserAgent = "FunctionsRouter/1.0";

    private readonly Uri _chatCompletions;
    private readonly Uri _embeddings;
    private readonly Uri _responses;
    private readonly string _root;
    private readonly string? _key;
    private readonly UpstreamTokenCache? _tokens;

    /// <param name="name">The endpoint's name in settings.</param>
    /// <param name="api">Its wire API.</param>
    /// <param name="baseUri">Its URL from settings.</param>
    /// <param name="apiVersion">The <c>api-version</c> sent to a <see cref="UpstreamApiKind.Models"/> endpoint.</param>
    /// <param name="invoker">Its connection pool; disposed with the endpoint.</param>
    /// <param name="key">Its key, sent as <c>api-key</c>; or null to send <paramref name="tokens"/>' token.</param>
    /// <param name="tokens">The Entra ID token cache, for an endpoint without a key.</param>
    public UpstreamEndpoint(string name, UpstreamApiKind api, Uri baseUri, string apiVersion, HttpMessageInvoker invoker, string? key, UpstreamTokenCache? tokens)
    {
        Name = name;
        Api = api;
        Invoker = invoker;
        _key = key;
        _tokens = key is null ? tokens ?? throw new ArgumentNullException(nameof(tokens)) : null;
        var root = baseUri.AbsoluteUri.TrimEnd('/');
        var query = api == UpstreamApiKind.Models ? "?api-version=" + Uri.EscapeDataString(apiVersion) : string.Empty;
        _chatCompletions = new Uri(root + "/chat/completions" + query);
        _embeddings = new Uri(root + "/embeddings" + query);
        _responses = new Uri(root + "/responses");
        _root = root;
    }

    public string Name { get; }

    public UpstreamApiKind Api { get; }

    public HttpMessageInvoker Invoker { get; }

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

    /// <summary>
    /// A request to this endpoint with the headers every call carries: the gateway's request id as the client request
    /// id (in the upstream's own logs), and the user agent. HTTP/2 when the endpoint offers it over TLS, else HTTP/1.1, as
    /// YARP asks. Header values are the gateway's own or checked (<see cref="RequestHeaderChecks"/>), so none is parsed.
    /// </summary>
    public HttpRequestMessage CreateRequest(HttpMethod method, Uri uri, string requestId)
    {
        var request = new HttpRequestMessage(method, uri)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
        };
        var headers = request.Headers;
        headers.TryAddWithoutValidation(ClientRequestIdHeader, requestId);
        headers.TryAddWithoutValidation("User-Agent", UserAgent);
        return request;
    }

    /// <summary>Adds the endpoint's credential: its key, or a token (from memory, unless none is held yet).</summary>
    /// <exception cref="UpstreamCredentialException">No token could be had in time.</exception>
    public ValueTask AuthenticateAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (_key is not null)
        {
            request.Headers.TryAddWithoutValidation("api-key", _key);
            return ValueTask.CompletedTask;
        }

        var pending = _tokens!.GetAuthorizationAsync(cancellationToken);
        if (pending.IsCompletedSuccessfully)
        {
            request.Headers.TryAddWithoutValidation("Authorization", pending.Result);
            return ValueTask.CompletedTask;
        }

        return AddTokenAsync(request, pending);
    }

    public void Dispose() => Invoker.Dispose();

    private static async ValueTask AddTokenAsync(HttpRequestMessage request, ValueTask<string> pending) =>
        request.Headers.TryAddWithoutValidation("Authorization", await pending.ConfigureAwait(false));
}
