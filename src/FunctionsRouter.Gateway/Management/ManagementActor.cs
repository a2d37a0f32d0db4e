namespace FunctionsRouter.Gateway.Management;

/// <summary>Who makes a change, for the audit trail.</summary>
/// <param name="CallerId">The admin's caller id (<c>key:…</c>, <c>entra:…</c>), or <c>cli:&lt;user&gt;</c> for the command line.</param>
/// <param name="RequestId">The request's id (<c>x-request-id</c>, or one made for it); the command line makes one per command.</param>
public sealed record ManagementActor(string CallerId, string RequestId);
