using FunctionsRouter.Gateway.Aliases;
using FunctionsRouter.Gateway.Usage;

namespace FunctionsRouter.Gateway.Tests.Aliases;

public sealed class TargetPriceTests
{
    private static readonly TargetPrice Price = new(InputPerMillion: 2.50m, CachedInputPerMillion: 1.25m, OutputPerMillion: 10m);

    [Fact]
    public void CostOf_CachedTokens_PricedAtTheCachedPrice()
    {
        // 1,000 prompt tokens of which 600 cached, 200 completion: 400 × 2.50 + 600 × 1.25 + 200 × 10, per million.
        var cost = Price.CostOf(new TokenUsage(1_000, 200, 1_200) { CachedTokens = 600 });

        Assert.Equal(0.00375m, cost);
    }

    [Fact]
    public void CostOf_NoCachedCount_AllPromptAtTheInputPrice()
    {
        Assert.Equal(0.0045m, Price.CostOf(new TokenUsage(1_000, 200, 1_200)));
    }

    [Fact]
    public void CostOf_NoTokenCounts_NoCost()
    {
        Assert.Null(Price.CostOf(default));
        Assert.Null(Price.CostOf(new TokenUsage(null, null, 12)));
    }

    [Fact]
    public void CostOf_EmbeddingsWithoutCompletion_PromptOnly()
    {
        Assert.Equal(0.0000025m, Price.CostOf(new TokenUsage(1, null, 1)));
    }

    [Fact]
    public void CostOf_MoreCachedThanPrompt_CachedCutToThePrompt()
    {
        Assert.Equal(0.000125m, Price.CostOf(new TokenUsage(100, 0, 100) { CachedTokens = 500 }));
    }

    [Fact]
    public void CostOf_TinyCost_RoundedToNinePlaces()
    {
        var cost = new TargetPrice(0.0001m, 0m, 0m).CostOf(new TokenUsage(1, 0, 1));

        Assert.Equal(0m, cost); // 1e-10 rounds to zero at nine places
        Assert.Equal(0.000000001m, new TargetPrice(0.001m, 0m, 0m).CostOf(new TokenUsage(1, 0, 1)));
    }
}
