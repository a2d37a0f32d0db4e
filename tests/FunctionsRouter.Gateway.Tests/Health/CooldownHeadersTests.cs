using FunctionsRouter.Gateway.Health;

namespace FunctionsRouter.Gateway.Tests.Health;

public sealed class CooldownHeadersTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-25T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    [Theory]
    [InlineData("1500", null, null, null, 1500)]
    [InlineData("250.5", "9", "1m", null, 250.5)]
    [InlineData(null, "7", null, null, 7000)]
    [InlineData(null, "0.5", null, null, 500)]
    [InlineData(null, "Wed, 25 Nov 2026 10:00:30 GMT", null, null, 30_000)]
    [InlineData(null, "Wed, 25 Nov 2026 09:59:00 GMT", null, null, 0)]
    [InlineData(null, null, "12", null, 12_000)]
    [InlineData(null, null, "1m30s", "45s", 90_000)]
    [InlineData(null, null, "20ms", "6m0s", 360_000)]
    [InlineData(null, null, null, "1h2m3.5s", 3_723_500)]
    [InlineData("-5", "3", null, null, 3000)]
    [InlineData(null, "soon", "2s", null, 2000)]
    public void Read_EachHeaderForm_GivesTheWaitItNames(string? retryAfterMs, string? retryAfter, string? resetRequests, string? resetTokens, double expectedMs)
    {
        var wait = CooldownHeaders.Read(retryAfterMs, retryAfter, resetRequests, resetTokens, Now);

        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), wait);
    }

    [Theory]
    [InlineData(null, null, null, null)]
    [InlineData("", " ", "", "")]
    [InlineData("NaN", "later", "1x", "s")]
    [InlineData(null, null, "1m-3s", "abc")]
    public void Read_NoUsableHeader_Null(string? retryAfterMs, string? retryAfter, string? resetRequests, string? resetTokens)
    {
        Assert.Null(CooldownHeaders.Read(retryAfterMs, retryAfter, resetRequests, resetTokens, Now));
    }
}
