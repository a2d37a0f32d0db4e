namespace FunctionsRouter.Gateway.Management;

/// <summary>The body of <c>PATCH /api/manage/callers/{id}</c>: only the fields given change (read by <see cref="CallerBodyReader"/>; here for the OpenAPI document).</summary>
/// <param name="Name">A new display name.</param>
/// <param name="Aliases">A new grant: <c>"*"</c>, <c>"a,b"</c> or <c>["a","b"]</c>.</param>
/// <param name="ExpiresAt">A new expiry; <c>null</c> for never.</param>
/// <param name="Admin">Whether it may use the management routes.</param>
/// <param name="Enabled">Whether it is admitted.</param>
/// <param name="Limits">New limits, replacing the caller's whole; <c>null</c> removes them (README, "Limits").</param>
public sealed record CallerUpdateRequest(string? Name = null, string? Aliases = null, DateTimeOffset? ExpiresAt = null, bool? Admin = null, bool? Enabled = null, LimitsView? Limits = null);
