using System.Text.Json;

namespace FunctionsRouter.Gateway.Management;

/// <summary>One change in the audit trail (table <c>Router__AuditTable</c>, default <c>AliasAudit</c>).</summary>
/// <param name="At">When the change was made (UTC).</param>
/// <param name="Who">The admin's caller id (<c>key:…</c>, <c>entra:…</c>), or <c>cli:&lt;user&gt;</c>.</param>
/// <param name="RequestId">The request's id, as in the logs.</param>
/// <param name="Action">What was done: <c>set</c>, <c>delete</c> (aliases); <c>create</c>, <c>update</c>, <c>rotate</c>, <c>delete</c>, … (callers).</param>
/// <param name="Before">The entity before (an alias's targets, a caller without keys); absent when it did not exist.</param>
/// <param name="After">The entity after; absent when it was deleted.</param>
public sealed record AuditEntryView(DateTimeOffset At, string Who, string RequestId, string Action, JsonElement? Before, JsonElement? After);
