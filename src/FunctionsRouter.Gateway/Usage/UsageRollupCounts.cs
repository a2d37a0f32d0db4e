namespace FunctionsRouter.Gateway.Usage;

/// <summary>
/// What a rollup cell counts. Cost is kept in billionths of the currency unit (<see cref="Aliases.TargetPrice.CostDecimals"/>
/// places, as each row's cost is rounded), so sums are exact; <see cref="PricedRequests"/> says how many requests it covers.
/// </summary>
internal struct UsageRollupCounts
{
    private const decimal NanosPerUnit = 1_000_000_000m;

    public long Requests;
    public long Errors;
    public long PromptTokens;
    public long CompletionTokens;
    public long TotalTokens;
    public long CachedTokens;
    public long PricedRequests;
    public long CostNanos;

    public readonly decimal Cost => CostNanos / NanosPerUnit;

    public void Add(UsageRecord record)
    {
        Requests++;
        if (record.HttpStatus >= 400)
        {
            Errors++;
        }

        var tokens = record.Tokens;
        PromptTokens += tokens.PromptTokens ?? 0;
        CompletionTokens += tokens.CompletionTokens ?? 0;
        TotalTokens += tokens.TotalTokens ?? 0;
        CachedTokens += tokens.CachedTokens ?? 0;
        if (record.Cost is { } cost)
        {
            PricedRequests++;
            CostNanos += ToNanos(cost);
        }
    }

    public void Add(in UsageRollupCounts other)
    {
        Requests += other.Requests;
        Errors += other.Errors;
        PromptTokens += other.PromptTokens;
        CompletionTokens += other.CompletionTokens;
        TotalTokens += other.TotalTokens;
        CachedTokens += other.CachedTokens;
        PricedRequests += other.PricedRequests;
        CostNanos += other.CostNanos;
    }

    public static long ToNanos(decimal cost) => (long)decimal.Round(cost * NanosPerUnit, 0, MidpointRounding.AwayFromZero);
}
