using System.Globalization;
using FunctionsRouter.Gateway.Callers;

namespace FunctionsRouter.Cli.Callers;

/// <summary>
/// Reads the values given to <c>callers …</c>, with the gateway's own rules (<see cref="CallerTable"/>,
/// <see cref="AliasAccess"/>), before any table access; each bad value adds a problem that names it.
/// </summary>
internal static class CallerArguments
{
    /// <summary>The longest grace a rotation may give the old keys.</summary>
    public static readonly TimeSpan MaxGrace = TimeSpan.FromDays(365);

    /// <summary>ISO 8601 dates and times; without an offset, UTC.</summary>
    private static readonly string[] DateFormats =
    [
        "yyyy-MM-dd",
        "yyyy-MM-dd'T'HH:mm",
        "yyyy-MM-dd'T'HH:mm:ss",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF",
        "yyyy-MM-dd'T'HH:mmK",
        "yyyy-MM-dd'T'HH:mm:ssK",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
    ];

    public static string? ReadId(string? text, List<string> problems)
    {
        if (text is not null && CallerTable.IsValidId(text))
        {
            return text;
        }

        problems.Add($"'{Shorten(text)}' is not a caller id (1 to {CallerTable.MaxIdLength} letters, digits, '-', '_' or '.').");
        return null;
    }

    public static string? ReadName(string? text, List<string> problems)
    {
        var name = text?.Trim();
        if (name is not null && CallerTable.IsValidName(name))
        {
            return name;
        }

        problems.Add($"--name must be 1 to {CallerTable.MaxNameLength} characters without control characters; got '{Shorten(text)}'.");
        return null;
    }

    /// <summary><c>*</c> or a comma-separated list; none given (or empty) grants no alias.</summary>
    public static AliasAccess? ReadAliases(string? text, List<string> problems)
    {
        if (AliasAccess.TryParse(text, out var access, out var problem))
        {
            return access;
        }

        problems.Add($"--aliases: {problem}");
        return null;
    }

    /// <summary>An ISO 8601 date or time (UTC unless it says otherwise); a past one is accepted (the caller is then expired).</summary>
    public static bool TryReadExpiry(string? text, List<string> problems, out DateTimeOffset? expires)
    {
        expires = null;
        if (text is null)
        {
            return true;
        }

        if (DateTimeOffset.TryParseExact(text.Trim(), DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
        {
            expires = parsed.ToUniversalTime();
            return true;
        }

        problems.Add($"--expires must be an ISO 8601 date or time such as 2026-12-31 or 2026-12-31T18:00:00Z; got '{Shorten(text)}'.");
        return false;
    }

    /// <summary>
    /// A duration: a whole number and a unit (<c>90s</c>, <c>30m</c>, <c>1h</c>, <c>2d</c>) or a TimeSpan
    /// (<c>1.12:00:00</c>, <c>00:30:00</c>); 0 to 365 days.
    /// </summary>
    public static bool TryReadDuration(string? text, string switchName, List<string> problems, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (text is null)
        {
            return true;
        }

        if (TryParseDuration(text.Trim(), out duration) && duration >= TimeSpan.Zero && duration <= MaxGrace)
        {
            return true;
        }

        problems.Add($"{switchName} must be a duration from 0 to {MaxGrace.TotalDays:0} days such as 90s, 30m, 1h, 2d or 1.12:00:00; got '{Shorten(text)}'.");
        return false;
    }

    private static bool TryParseDuration(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (text.Length >= 2 && char.IsAsciiLetter(text[^1]))
        {
            if (!long.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var count))
            {
                return false;
            }

            TimeSpan? unit = char.ToLowerInvariant(text[^1]) switch
            {
                's' => TimeSpan.FromSeconds(1),
                'm' => TimeSpan.FromMinutes(1),
                'h' => TimeSpan.FromHours(1),
                'd' => TimeSpan.FromDays(1),
                _ => null,
            };
            if (unit is not { } step || count > MaxGrace.Ticks / step.Ticks)
            {
                return false;
            }

            duration = step * count;
            return true;
        }

        return TimeSpan.TryParseExact(text, "c", CultureInfo.InvariantCulture, out duration);
    }

    private static string Shorten(string? text) => text is null ? string.Empty : text.Length > 40 ? text[..40] + "…" : text;
}
