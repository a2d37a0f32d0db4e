using FunctionsRouter.Gateway.Limits;

namespace FunctionsRouter.Gateway.Callers;

/// <summary>A caller row as cached, with the identity it admits made once rather than per request.</summary>
internal sealed class RegisteredCaller(CallerRecord record)
{
    public CallerRecord Record { get; } = record;

    /// <summary>The identity of a key holder (<c>key:&lt;id&gt;</c>) or a registered principal (<c>entra:&lt;oid&gt;</c>).</summary>
    public CallerIdentity Identity { get; } = record.Kind switch
    {
        CallerKind.Key => new CallerIdentity("key:" + record.Id, CallerIdentity.KeyKind) { Access = record.Aliases, Name = record.Name, IsAdmin = record.IsAdmin, Limits = Budget("key:" + record.Id, record) },
        _ => new CallerIdentity("entra:" + record.Subject, CallerIdentity.EntraKind) { Access = record.Aliases, Name = record.Name, IsAdmin = record.IsAdmin, Limits = Budget("entra:" + record.Subject, record) },
    };

    /// <summary>Counted under the caller's own id: every key of a key holder shares one budget.</summary>
    private static LimitBudget[]? Budget(string countKey, CallerRecord record) =>
        record.Limits.IsEmpty ? null : [new LimitBudget(countKey, record.Limits)];
}
