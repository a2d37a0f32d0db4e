using System.Globalization;

namespace FunctionsRouter.Gateway.Health;

/// <summary>
/// Reads how long an upstream asks to be left alone, from the headers Azure OpenAI and the inference service send, in
/// order of precision: <c>retry-after-ms</c>, <c>retry-after</c> (seconds or an HTTP date), then the later of
/// <c>x-ratelimit-reset-requests</c> and <c>x-ratelimit-reset-tokens</c> (seconds, or OpenAI's <c>1m30s</c>/<c>250ms</c> form).
/// </summary>
internal static class CooldownHeaders
{
    public static TimeSpan? Read(HttpResponseMessage response, DateTimeOffset now)
    {
        var headers = response.Headers.NonValidated;
        return Read(Value(headers, "retry-after-ms"), Value(headers, "Retry-After"), Value(headers, "x-ratelimit-reset-requests"), Value(headers, "x-ratelimit-reset-tokens"), now);
    }

    public static TimeSpan? Read(string? retryAfterMs, string? retryAfter, string? resetRequests, string? resetTokens, DateTimeOffset now)
    {
        if (double.TryParse(retryAfterMs, NumberStyles.Float, CultureInfo.InvariantCulture, out var ms) && ms >= 0 && double.IsFinite(ms))
        {
            return TimeSpan.FromMilliseconds(ms);
        }

        if (!string.IsNullOrWhiteSpace(retryAfter))
        {
            if (double.TryParse(retryAfter, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0 && double.IsFinite(seconds))
            {
                return TimeSpan.FromSeconds(seconds);
            }

            if (DateTimeOffset.TryParseExact(retryAfter.Trim(), "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
            {
                var wait = date - now;
                return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
            }
        }

        var requests = ParseReset(resetRequests);
        var tokens = ParseReset(resetTokens);
        return requests is null ? tokens : tokens is null ? requests : (requests > tokens ? requests : tokens);
    }

    /// <summary>Seconds (<c>12</c>, <c>0.5</c>) or a Go-style duration (<c>1m30s</c>, <c>6m0s</c>, <c>250ms</c>, <c>1h2m</c>).</summary>
    internal static TimeSpan? ParseReset(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var text = value.AsSpan().Trim();
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var plainSeconds))
        {
            return plainSeconds >= 0 && double.IsFinite(plainSeconds) ? TimeSpan.FromSeconds(plainSeconds) : null;
        }

        double totalMs = 0;
        while (!text.IsEmpty)
        {
            var numberLength = 0;
            while (numberLength < text.Length && (char.IsAsciiDigit(text[numberLength]) || text[numberLength] == '.'))
            {
                numberLength++;
            }

            if (numberLength == 0 || !double.TryParse(text[..numberLength], NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
            {
                return null;
            }

            text = text[numberLength..];
            var unitLength = 0;
            while (unitLength < text.Length && char.IsAsciiLetter(text[unitLength]))
            {
                unitLength++;
            }

            double? unitMs = text[..unitLength] switch
            {
                "h" => 3_600_000,
                "m" => 60_000,
                "s" => 1_000,
                "ms" => 1,
                _ => null,
            };
            if (unitMs is null)
            {
                return null;
            }

            totalMs += number * unitMs.Value;
            text = text[unitLength..];
        }

        return TimeSpan.FromMilliseconds(totalMs);
    }

    private static string? Value(System.Net.Http.Headers.HttpHeadersNonValidated headers, string name) =>
        headers.TryGetValues(name, out var values) ? values.ToString() : null;
}
