using FunctionsRouter.Gateway.Limits;

namespace FunctionsRouter.Gateway.Tests.Limits;

public sealed class LimitHeadersTests
{
    [Theory]
    [InlineData(0, "0ms")]
    [InlineData(250, "250ms")]
    [InlineData(1_200, "1.2s")]
    [InlineData(59_999, "59.999s")]
    [InlineData(60_000, "1m0s")]
    [InlineData(360_000, "6m0s")]
    [InlineData(47_040_000, "13h4m0s")]
    public void Duration_OpenAIForm(long ms, string expected) =>
        Assert.Equal(expected, LimitHeaders.Duration(TimeSpan.FromMilliseconds(ms)));

    [Theory]
    [InlineData(1, 1)]
    [InlineData(1_000, 1)]
    [InlineData(1_001, 2)]
    [InlineData(62_000, 62)]
    public void RetryAfterSeconds_WholeSecondsRoundedUp(long ms, long expected) =>
        Assert.Equal(expected, LimitHeaders.RetryAfterSeconds(TimeSpan.FromMilliseconds(ms)));
}
