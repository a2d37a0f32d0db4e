using System.Globalization;
using FunctionsRouter.Gateway.Callers;

namespace FunctionsRouter.Cli.Callers;

/// <summary>A key as <c>callers show</c> prints it: its prefix and dates, never the key or its hash.</summary>
internal sealed record CallerKeyView(string Prefix, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, bool Active)
{
    public static CallerKeyView From(CallerKeyRecord key, DateTimeOffset now) => new(key.Prefix, key.CreatedAt, key.ExpiresAt, key.IsActive(now));

    public string Describe() =>
        string.Create(CultureInfo.InvariantCulture, $"{Prefix}  created {CreatedAt:u}  ") +
        (ExpiresAt is { } expires
            ? string.Create(CultureInfo.InvariantCulture, $"{(Active ? "expires" : "expired")} {expires:u}")
            : "no expiry");
}
