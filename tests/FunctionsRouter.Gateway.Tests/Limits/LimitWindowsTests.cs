using FunctionsRouter.Gateway.Limits;

namespace FunctionsRouter.Gateway.Tests.Limits;

public sealed class LimitWindowsTests
{
    [Theory]
    [InlineData(0, 0, 0.5, 5, 1, 0)] // Room.
    [InlineData(0, 4, 0.5, 5, 1, 0)] // Exactly fits.
    [InlineData(0, 5, 10.0 / 60, 5, 1, 62_000)] // Full this minute: fits at 1:12, when 5 × (1 − 0.2) + 1 = 5.
    [InlineData(2, 0, 27.0 / 60, 2, 1, 3_000)] // The previous minute's 2 fade to 1 at 0:30.
    [InlineData(10, 0, 0.99, 10, 1, 0)] // The previous minute's 10 weigh 0.1 by now.
    public void WaitFor_SlidingMinute_WhenTheNextFits(long previous, long current, double fraction, long limit, long cost, double expectedMs)
    {
        var wait = LimitWindows.WaitFor(previous, current, fraction, limit, cost);

        Assert.Equal(expectedMs, wait.TotalMilliseconds, 1);
    }

    [Fact]
    public void NextDayAndMonth_UtcMidnightAndTheFirst()
    {
        var now = new DateTimeOffset(2026, 12, 31, 22, 15, 0, TimeSpan.FromHours(-3)); // 2027-01-01T01:15Z.

        Assert.Equal(new DateTimeOffset(2027, 1, 2, 0, 0, 0, TimeSpan.Zero), LimitWindows.NextDay(now.ToUniversalTime()));
        Assert.Equal(new DateTimeOffset(2027, 2, 1, 0, 0, 0, TimeSpan.Zero), LimitWindows.NextMonth(now.ToUniversalTime()));
    }
}
