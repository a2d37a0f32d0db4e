using FunctionsRouter.Gateway.Callers;
using FunctionsRouter.Gateway.Limits;

namespace FunctionsRouter.Gateway.Management;

/// <summary>
/// What <c>PATCH /api/manage/callers/{id}</c> changes: each field given replaces the stored one, each absent one is
/// kept.
/// </summary>
/// <param name="Name">A new display name.</param>
/// <param name="Aliases">A new alias grant (replaces the old one).</param>
/// <param name="ExpiresAt">A new expiry; <see cref="ClearsExpiry"/> removes it.</param>
/// <param name="ClearsExpiry">Whether <c>"expiresAt": null</c> was given: the caller never expires.</param>
/// <param name="Admin">Whether the caller is an admin.</param>
/// <param name="Enabled">Whether the caller is admitted.</param>
internal sealed record CallerChange(string? Name, AliasAccess? Aliases, DateTimeOffset? ExpiresAt, bool ClearsExpiry, bool? Admin, bool? Enabled)
{
    /// <summary>New limits, replacing the caller's whole (<c>{}</c> removes them all); see <see cref="CallerLimits"/>.</summary>
    public CallerLimits? Limits { get; init; }

    public CallerRecord ApplyTo(CallerRecord caller) => caller with
    {
        Limits = Limits ?? caller.Limits,
        Name = Name ?? caller.Name,
        Aliases = Aliases ?? caller.Aliases,
        ExpiresAt = ClearsExpiry ? null : ExpiresAt ?? caller.ExpiresAt,
        IsAdmin = Admin ?? caller.IsAdmin,
        Enabled = Enabled ?? caller.Enabled,
    };
}
