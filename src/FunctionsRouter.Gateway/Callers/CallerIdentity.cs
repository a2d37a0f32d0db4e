namespace FunctionsRouter.Gateway.Callers;

/// <summary>
/// Who is calling, as admission established it. Flows into every usage record and span; never holds a key or token.
/// </summary>
/// <param name="Id">
/// A stable identifier for usage records and limits: <c>key:&lt;caller id&gt;</c>, <c>entra:&lt;object id&gt;</c> or
/// <c>anonymous</c>.
/// </param>
/// <param name="Kind">How the caller was identified: <c>key</c>, <c>entra</c> or <c>anonymous</c>.</param>
public sealed record CallerIdentity(string Id, string Kind)
{
    public const string KeyKind = "key";
    public const string EntraKind = "entra";
    public const string AnonymousKind = "anonymous";

    /// <summary>A credential-less caller, admitted only when <c>Router__AllowAnonymous</c> is set; may use every alias.</summary>
    public static CallerIdentity Anonymous { get; } = new("anonymous", AnonymousKind);

    /// <summary>The aliases this caller may use.</summary>
    public AliasAccess Access { get; init; } = AliasAccess.All;

    /// <summary>
    /// Whether the caller may use the management routes: its caller row (or an app-role grant it holds) says
    /// <c>Admin</c>, or its token carries the app role <c>Router__Entra__AdminRole</c>. Anonymous is never an admin.
    /// </summary>
    public bool IsAdmin { get; init; }

    /// <summary>
    /// The limits that bind this caller (its row's; for a principal admitted through app-role rows, each such row's,
    /// counted per principal); none when it has no limits, which costs the request nothing.
    /// </summary>
    public Limits.LimitBudget[]? Limits { get; init; }

    /// <summary>The caller row's display name, for logs; none for anonymous.</summary>
    public string? Name { get; init; }
}
