namespace FunctionsRouter.Gateway.Management;

/// <summary>
/// The optimistic-concurrency condition of a change: <c>If-Match</c> (the entity's ETag as read) or
/// <c>If-None-Match: *</c> (create only). Neither: the change applies to whatever is stored.
/// </summary>
/// <param name="IfMatch">The ETag the stored entity must still have; <c>*</c> for any existing one.</param>
/// <param name="IfNoneMatchAny">The entity must not exist yet.</param>
public sealed record WriteCondition(string? IfMatch, bool IfNoneMatchAny)
{
    public static WriteCondition None { get; } = new(null, false);

    public bool IsConditional => IfMatch is not null || IfNoneMatchAny;
}
