namespace FunctionsRouter.Gateway.Callers;

/// <summary>What a validated Entra access token says about its bearer: all the gateway keeps of it.</summary>
/// <param name="ObjectId">The <c>oid</c> claim: the user's, app's or managed identity's object id.</param>
/// <param name="TenantId">The <c>tid</c> claim.</param>
/// <param name="Roles">The <c>roles</c> claim (app roles granted to the principal, directly or through a group).</param>
/// <param name="ExpiresAt">The token's <c>exp</c>: the validation is trusted until then.</param>
internal sealed record EntraPrincipal(Guid ObjectId, string TenantId, IReadOnlyList<string> Roles, DateTimeOffset ExpiresAt)
{
    /// <summary><c>entra:&lt;object id&gt;</c>, as usage records name the caller.</summary>
    public string CallerId { get; } = "entra:" + ObjectId.ToString("D");

    /// <summary>The caller row registered for this principal, if any (<see cref="CallerTable.PrincipalId"/>), made once per token.</summary>
    public string RowId { get; } = CallerTable.PrincipalId(ObjectId);
}
