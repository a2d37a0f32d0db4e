namespace FunctionsRouter.Gateway.Management;

/// <summary>A page of an entity's audit trail, newest first.</summary>
/// <param name="Entries">The entries of this page.</param>
/// <param name="ContinuationToken">Pass it back (<c>?continuationToken=</c>, <c>--continuation-token</c>) for the next page; absent on the last.</param>
public sealed record AuditPageView(IReadOnlyList<AuditEntryView> Entries, string? ContinuationToken = null);
