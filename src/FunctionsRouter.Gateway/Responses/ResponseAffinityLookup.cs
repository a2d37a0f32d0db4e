namespace FunctionsRouter.Gateway.Responses;

/// <summary>What a look-up of a response id found.</summary>
/// <param name="Status">Found, not found (or another caller's, or expired), or the store could not answer in time.</param>
/// <param name="Affinity">The response's place when found.</param>
public readonly record struct ResponseAffinityLookup(ResponseAffinityStatus Status, ResponseAffinity? Affinity)
{
    public static ResponseAffinityLookup NotFound { get; } = new(ResponseAffinityStatus.NotFound, null);

    public static ResponseAffinityLookup Unavailable { get; } = new(ResponseAffinityStatus.Unavailable, null);
}
