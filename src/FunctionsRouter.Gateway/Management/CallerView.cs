using FunctionsRouter.Gateway.Callers;

namespace FunctionsRouter.Gateway.Management;

/// <summary>A caller as the management surfaces show it (<c>callers list/show --json</c>, <c>GET /api/manage/callers</c>). Never a key or a key's hash.</summary>
/// <param name="Id">The caller id (row key).</param>
/// <param name="Kind"><c>key</c>, <c>principal</c> or <c>role</c>.</param>
/// <param name="Name">Display name.</param>
/// <param name="Enabled">The enabled flag.</param>
/// <param name="Active">Enabled and not expired: what the gateway admits now.</param>
/// <param name="Admin">Whether it may use the management routes.</param>
/// <param name="ExpiresAt">When it stops being admitted; absent for never.</param>
/// <param name="Aliases">The aliases it may use; <c>["*"]</c> for every alias.</param>
/// <param name="Subject">The Entra object id or app role; absent for a key caller.</param>
/// <param name="CreatedAt">When the row was made.</param>
/// <param name="Keys">Its keys (one key caller shown on its own only).</param>
public sealed record CallerView(
    string Id,
    string Kind,
    string Name,
    bool Enabled,
    bool Active,
    bool Admin,
    DateTimeOffset? ExpiresAt,
    IReadOnlyList<string> Aliases,
    string? Subject,
    DateTimeOffset CreatedAt,
    IReadOnlyList<CallerKeyView>? Keys)
{
    /// <summary>Its request and token limits (<see cref="LimitsView"/>); <c>{}</c> when it has none.</summary>
    public LimitsView Limits { get; init; } = LimitsView.From(Gateway.Limits.CallerLimits.None);

    public static CallerView From(CallerRecord caller, DateTimeOffset now, IReadOnlyList<CallerKeyView>? keys = null) => new(
        caller.Id,
        caller.Kind.ToString().ToLowerInvariant(),
        caller.Name,
        caller.Enabled,
        caller.IsActive(now),
        caller.IsAdmin,
        caller.ExpiresAt,
        caller.Aliases.IsAll ? ["*"] : [.. caller.Aliases.Aliases.Order(StringComparer.OrdinalIgnoreCase)],
        caller.Subject,
        caller.CreatedAt,
        keys)
    {
        Limits = LimitsView.From(caller.Limits),
    };
}
