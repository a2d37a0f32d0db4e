namespace FunctionsRouter.Gateway.Limits;

/// <summary>The tightest request limit and the tightest token limit among those that bind a request, for its headers.</summary>
internal struct LimitHeaderState
{
    public bool HasRequests;
    public long RequestLimit;
    public long RequestsLeft;
    public TimeSpan RequestsReset;

    public bool HasTokens;
    public long TokenLimit;
    public long TokensLeft;
    public TimeSpan TokensReset;

    public void OfferRequests(long limit, long left, TimeSpan reset)
    {
        left = Math.Max(0, left);
        if (!HasRequests || left < RequestsLeft)
        {
            (HasRequests, RequestLimit, RequestsLeft, RequestsReset) = (true, limit, left, reset);
        }
    }

    public void OfferTokens(long limit, long left, TimeSpan reset)
    {
        left = Math.Max(0, left);
        if (!HasTokens || left < TokensLeft)
        {
            (HasTokens, TokenLimit, TokensLeft, TokensReset) = (true, limit, left, reset);
        }
    }
}
