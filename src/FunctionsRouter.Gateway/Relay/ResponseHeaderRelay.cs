using System.Collections.Frozen;
using Microsoft.AspNetCore.Http;

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

    public static void Copy(Azure.Response upstream, HttpResponse response)
    {
        foreach (var header in upstream.Headers)
        {
            // A caller with limits has the gateway's own rate-limit headers (Limits/LimitHeaders), which the upstream's must not mix with.
            if (!NotRelayed.Contains(header.Name)
                && !(header.Name.StartsWith(Limits.LimitHeaders.Prefix, StringComparison.OrdinalIgnoreCase) && response.Headers.ContainsKey(header.Name)))
            {
                response.Headers.Append(header.Name, header.Value);
            }
        }
    }

    public static string? UpstreamRequestId(Azure.Response upstream)
    {
        foreach (var name in RequestIdHeaders)
        {
            if (upstream.Headers.TryGetValue(name, out var value) && !string.IsNullOrEmpty(value))
            {
                return value;
            }
        }

        return null;
    }
}
