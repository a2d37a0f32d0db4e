using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace FunctionsRouter.Gateway.Limits;

/// <summary>
/// The OpenAI-style rate-limit headers on every response to a caller with limits, for its tightest request and token
/// limits: <c>x-ratelimit-limit-requests</c>, <c>-remaining-requests</c>, <c>-reset-requests</c> and the same for
/// tokens. Reset values are durations in OpenAI's form (<c>1.2s</c>, <c>6m0s</c>, <c>250ms</c>, <c>2h3m0s</c>). The
/// relay keeps these over an upstream's own (<see cref="Relay.ResponseHeaderRelay"/>).
/// </summary>
internal static class LimitHeaders
{
    public const string Prefix = "x-ratelimit-";
    public const string LimitRequests = "x-ratelimit-limit-requests";
    public const string RemainingRequests = "x-ratelimit-remaining-requests";
    public const string ResetRequests = "x-ratelimit-reset-requests";
    public const string LimitTokens = "x-ratelimit-limit-tokens";
    public const string RemainingTokens = "x-ratelimit-remaining-tokens";
    public const string ResetTokens = "x-ratelimit-reset-tokens";

    public static void Write(IHeaderDictionary headers, in LimitHeaderState state)
    {
        if (state.HasRequests)
        {
            headers[LimitRequests] = Number(state.RequestLimit);
            headers[RemainingRequests] = Number(state.RequestsLeft);
            headers[ResetRequests] = Duration(state.RequestsReset);
        }

        if (state.HasTokens)
        {
            headers[LimitTokens] = Number(state.TokenLimit);
            headers[RemainingTokens] = Number(state.TokensLeft);
            headers[ResetTokens] = Duration(state.TokensReset);
        }
    }

    /// <summary>Sets <c>Retry-After</c> (whole seconds, rounded up) and <c>retry-after-ms</c>.</summary>
    public static void WriteRetryAfter(IHeaderDictionary headers, TimeSpan wait)
    {
        headers.RetryAfter = Number(RetryAfterSeconds(wait));
        headers["retry-after-ms"] = Number(Math.Max(1, (long)Math.Ceiling(wait.TotalMilliseconds)));
    }

    public static long RetryAfterSeconds(TimeSpan wait) => Math.Max(1, (long)Math.Ceiling(wait.TotalSeconds));

    /// <summary>OpenAI's duration form: <c>250ms</c> under a second, <c>1.2s</c> under a minute, else <c>6m0s</c> / <c>2h3m0s</c>.</summary>
    public static string Duration(TimeSpan value)
    {
        var ms = Math.Max(0, (long)Math.Ceiling(value.TotalMilliseconds));
        if (ms < 1000)
        {
            return Number(ms) + "ms";
        }

        if (ms < 60_000)
        {
            return (ms / 1000.0).ToString("0.###", CultureInfo.InvariantCulture) + "s";
        }

        var seconds = ms / 1000;
        var hours = seconds / 3600;
        var minutes = seconds / 60 % 60;
        var rest = seconds % 60;
        return hours > 0
            ? string.Create(CultureInfo.InvariantCulture, $"{hours}h{minutes}m{rest}s")
            : string.Create(CultureInfo.InvariantCulture, $"{minutes}m{rest}s");
    }

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}
