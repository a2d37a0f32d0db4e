namespace FunctionsRouter.Gateway.Limits;

/// <summary>
/// Limits as they bind one caller, with the key its requests are counted under: the caller id for a key holder or a
/// registered principal (<c>key:&lt;id&gt;</c>, <c>entra:&lt;oid&gt;</c>); for a principal admitted through an app-role
/// row, that row and the principal (<c>role-&lt;role&gt;|entra:&lt;oid&gt;</c>), so that every user of the role has
/// the whole budget.
/// </summary>
/// <param name="CountKey">What the requests are counted under (in memory and in the shared count table).</param>
/// <param name="Limits">The limits.</param>
public sealed record LimitBudget(string CountKey, CallerLimits Limits)
{
    /// <summary>The count key of a principal admitted through the app-role row <paramref name="roleRowId"/>.</summary>
    public static string ForRolePrincipal(string roleRowId, string principalCallerId) => roleRowId + "|" + principalCallerId;
}
