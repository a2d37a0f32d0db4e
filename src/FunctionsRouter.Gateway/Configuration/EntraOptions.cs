namespace FunctionsRouter.Gateway.Configuration;

/// <summary>
/// Microsoft Entra ID access tokens accepted in <c>Authorization: Bearer</c> (<c>Router__Entra__…</c>). Tokens are
/// refused unless <see cref="TenantId"/> and <see cref="Audience"/> are both set.
/// </summary>
public sealed class EntraOptions
{
    /// <summary>The directory (tenant) id whose tokens are accepted (<c>Router__Entra__TenantId</c>), v1 and v2 issuers alike.</summary>
    /// <value>Default none: Entra tokens are not accepted.</value>
    public string? TenantId { get; set; }

    /// <summary>
    /// The audiences accepted, comma-separated (<c>Router__Entra__Audience</c>): the gateway app registration's client
    /// id and/or its application id URI (<c>api://…</c>), as v2 and v1 tokens carry them.
    /// </summary>
    /// <value>Default none; required with <see cref="TenantId"/>.</value>
    public string? Audience { get; set; }

    /// <summary>
    /// The OpenID Connect authority (<c>Router__Entra__Authority</c>); its <c>/.well-known/openid-configuration</c> names
    /// the signing keys. <c>{tenant}</c> is replaced by <see cref="TenantId"/>. Plain <c>http</c> only for a loopback host.
    /// </summary>
    /// <value>Default <c>https://login.microsoftonline.com/{tenant}/v2.0</c>.</value>
    public string Authority { get; set; } = "https://login.microsoftonline.com/{tenant}/v2.0";

    /// <summary>How far a token's <c>nbf</c> and <c>exp</c> may be off the gateway's clock (<c>Router__Entra__ClockSkew</c>).</summary>
    /// <value>Default 1 minute; up to 5 minutes.</value>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The app role that makes a token's bearer an admin of the gateway (<c>Router__Entra__AdminRole</c>): it may use the
    /// management routes (<c>/api/manage/…</c>) even with no caller row of its own.
    /// </summary>
    /// <value>Default <c>Router.Admin</c>; letters, digits, <c>-</c>, <c>_</c>, <c>.</c>, at most 120 characters.</value>
    public string AdminRole { get; set; } = "Router.Admin";

    public bool IsEnabled => !string.IsNullOrWhiteSpace(TenantId);

    /// <summary>The audiences, split and trimmed.</summary>
    public IReadOnlyList<string> Audiences =>
        (Audience ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The authority with the tenant filled in, without a trailing slash.</summary>
    public string ResolvedAuthority => Authority.Replace("{tenant}", TenantId?.Trim(), StringComparison.OrdinalIgnoreCase).TrimEnd('/');
}
