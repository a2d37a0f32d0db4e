using System.Collections.Frozen;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace FunctionsRouter.Gateway.Relay;

/// <summary>
/// Copies the upstream's response headers to the caller: all of them (rate-limit state, request ids, retry-after,
/// region…) except hop-by-hop headers and those the gateway itself owns.
/// </summary>
internal static class ResponseHeaderRelay
{
    private static readonly FrozenSet<string> NotRelayed = new[]
    {
        "Connection", "Keep-Alive", "Proxy-Authenticate", "Proxy-Authorization", "Proxy-Connection", "TE", "Trailer",
        "Transfer-Encoding", "Upgrade", "Content-Length", "Date", "Server", "Set-Cookie", "Strict-Transport-Security",
        "Alt-Svc", "x-request-id", "Access-Control-Allow-Origin", "Access-Control-Allow-Credentials",
        "Access-Control-Allow-Headers", "Access-Control-Allow-Methods", "Access-Control-Expose-Headers", "Access-Control-Max-Age",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>The headers that name the upstream's request, in order of preference.</summary>
    private static readonly string[] RequestIdHeaders = ["apim-request-id", "x-ms-request-id", "x-request-id"];

    /// <summary>Copies the headers of the response and of its content, as received (nothing is parsed).</summary>
    public static void Copy(HttpResponseMessage upstream, HttpResponse response)
    {
        Copy(upstream.Headers.NonValidated, response.Headers);
        Copy(upstream.Content.Headers.NonValidated, response.Headers);
    }

    public static string? UpstreamRequestId(HttpResponseMessage upstream)
    {
        var headers = upstream.Headers.NonValidated;
        foreach (var name in RequestIdHeaders)
        {
            if (headers.TryGetValues(name, out var values) && values.ToString() is { Length: > 0 } value)
            {
                return value;
            }
        }

        return null;
    }

    /// <summary>The content header <paramref name="name"/> as received (comma-joined when repeated), or null.</summary>
    public static string? ContentHeader(HttpResponseMessage upstream, string name) =>
        upstream.Content.Headers.NonValidated.TryGetValues(name, out var values) ? values.ToString() : null;

    private static void Copy(HttpHeadersNonValidated headers, IHeaderDictionary destination)
    {
        foreach (var (name, values) in headers)
        {
            // A caller with limits has the gateway's own rate-limit headers (Limits/LimitHeaders), which the upstream's must not mix with.
            if (!NotRelayed.Contains(name)
                && !(name.StartsWith(Limits.LimitHeaders.Prefix, StringComparison.OrdinalIgnoreCase) && destination.ContainsKey(name)))
            {
                destination.Append(name, values.Count == 1 ? values.ToString() : ToValues(values));
            }
        }
    }

    private static StringValues ToValues(HeaderStringValues values)
    {
        var array = new string[values.Count];
        var i = 0;
        foreach (var value in values)
        {
            array[i++] = value;
        }

        return array;
    }
}
