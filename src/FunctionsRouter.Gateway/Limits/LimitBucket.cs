namespace FunctionsRouter.Gateway.Limits;

/// <summary>One period's counts: what the shared table held when last read, and what this instance added since.</summary>
internal struct LimitBucket(long index)
{
    /// <summary>Which minute, day or month (see <see cref="LimitWindows"/>).</summary>
    public long Index = index;

    public long SharedRequests;

    public long SharedTokens;

    public long PendingRequests;

    public long PendingTokens;

    public readonly long Requests => SharedRequests + PendingRequests;

    public readonly long Tokens => SharedTokens + PendingTokens;

    public void Add(long requests, long tokens)
    {
        PendingRequests += requests;
        PendingTokens += tokens;
    }
}
