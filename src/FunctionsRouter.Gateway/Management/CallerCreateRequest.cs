namespace FunctionsRouter.Gateway.Management;

/// <summary>The body of <c>POST /api/manage/callers</c> (read by <see cref="CallerBodyReader"/>; here for the OpenAPI document).</summary>
/// <param name="Name">Display name, 1 to 200 characters.</param>
/// <param name="Aliases"><c>"*"</c>, <c>"a,b"</c> or <c>["a","b"]</c>; absent grants none.</param>
/// <param name="ExpiresAt">When the caller stops being admitted (ISO 8601, UTC unless it says otherwise); absent for never.</param>
/// <param name="Admin">Whether it may use the management routes.</param>
public sealed record CallerCreateRequest(string Name, string? Aliases = null, DateTimeOffset? ExpiresAt = null, bool Admin = false);
