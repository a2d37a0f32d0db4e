using FunctionsRouter.Gateway.Callers;

namespace FunctionsRouter.Gateway.Management;

/// <summary>A caller's key as the management surfaces show it: its prefix and dates, never the key or its hash.</summary>
public sealed record CallerKeyView(string Prefix, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, bool Active)
{
    public static CallerKeyView From(CallerKeyRecord key, DateTimeOffset now) => new(key.Prefix, key.CreatedAt, key.ExpiresAt, key.IsActive(now));
}
