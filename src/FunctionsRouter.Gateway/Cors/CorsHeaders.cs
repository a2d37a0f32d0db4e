using System.Collections.Frozen;
using System.Globalization;
using FunctionsRouter.Gateway.Configuration;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace FunctionsRouter.Gateway.Cors;

/// <summary>
/// Browser access, answered by the gateway itself so that it behaves the same under <c>func start</c> and in Azure
/// (the platform's CORS would answer preflights before the gateway sees them, and knows nothing of its headers).
/// An allowed origin gets <c>Access-Control-Allow-Origin</c> (its own value, never <c>*</c>, with <c>Vary: Origin</c>) and
/// <c>Access-Control-Expose-Headers</c> on every answer, errors included; a preflight gets 204 with the methods, the
/// requested headers reflected (the OpenAI JS SDK sends <c>x-stainless-*</c>) and <c>Access-Control-Max-Age</c>.
/// An origin not listed gets no CORS header at all. No cookies: <c>Allow-Credentials</c> is never sent.
/// </summary>
internal sealed class CorsHeaders
{
    /// <summary>What a page may read from an answer: the gateway's own headers and the rate-limit state it relays.</summary>
    internal const string ExposedHeaders =
        "x-request-id, x-router-alias, x-router-deployment, x-router-attempts, retry-after, retry-after-ms, server-timing, etag, " +
        "x-ms-error-code, apim-request-id, x-ratelimit-limit-requests, x-ratelimit-remaining-requests, x-ratelimit-reset-requests, " +
        "x-ratelimit-limit-tokens, x-ratelimit-remaining-tokens, x-ratelimit-reset-tokens";

    private const string AllowedMethods = "GET, POST, PUT, PATCH, DELETE, OPTIONS";
    private static readonly StringValues Exposed = new(ExposedHeaders);
    private static readonly StringValues Methods = new(AllowedMethods);
    private static readonly StringValues VaryOrigin = new("Origin");

    private readonly FrozenSet<string> _origins;
    private readonly bool _anyOrigin;
    private readonly StringValues _maxAge;

    public CorsHeaders(CorsOptions options)
    {
        var origins = options.Origins;
        _anyOrigin = origins.Contains("*");
        _origins = origins.Where(o => o != "*").ToFrozenSet(StringComparer.OrdinalIgnoreCase);
        _maxAge = ((long)options.MaxAge.TotalSeconds).ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>Whether any browser origin may call at all.</summary>
    public bool IsEnabled => _anyOrigin || _origins.Count > 0;

    /// <summary>
    /// Adds the CORS headers an allowed origin gets to the response about to be written. When the request is a preflight,
    /// answers it (204) and returns <see langword="true"/>: nothing else is to be done with it.
    /// </summary>
    public bool Apply(HttpContext context)
    {
        var request = context.Request;
        var response = context.Response;
        var isPreflight = HttpMethods.IsOptions(request.Method);
        var origin = request.Headers.Origin;
        if (IsEnabled && origin.Count == 1 && IsAllowed(origin.ToString()))
        {
            var headers = response.Headers;
            headers.AccessControlAllowOrigin = origin;
            headers.Vary = VaryOrigin;
            if (isPreflight)
            {
                headers.AccessControlAllowMethods = Methods;
                headers.AccessControlMaxAge = _maxAge;
                var requested = request.Headers.AccessControlRequestHeaders;
                if (requested.Count > 0 && IsHeaderList(requested.ToString()))
                {
                    headers.AccessControlAllowHeaders = requested;
                }
            }
            else
            {
                headers.AccessControlExposeHeaders = Exposed;
            }
        }

        if (!isPreflight)
        {
            return false;
        }

        response.StatusCode = StatusCodes.Status204NoContent;
        response.Headers.Allow = Methods;
        return true;
    }

    private bool IsAllowed(string origin) => _anyOrigin ? IsOriginShape(origin) : _origins.Contains(origin);

    private static bool IsOriginShape(string origin) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp) && uri.AbsolutePath == "/" && !origin.EndsWith('/');

    /// <summary>A comma-separated list of header names (RFC 9110 tokens): reflected only when it is one.</summary>
    private static bool IsHeaderList(string value)
    {
        if (value.Length > 4096)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ',' or ' ' or '!' or '#' or '$' or '%' or '&' or '\'' or '*' or '+' or '^' or '`' or '|' or '~'))
            {
                return false;
            }
        }

        return true;
    }
}
