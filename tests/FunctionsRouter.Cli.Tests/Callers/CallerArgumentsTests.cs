using FunctionsRouter.Cli.Callers;

namespace FunctionsRouter.Cli.Tests.Callers;

public sealed class CallerArgumentsTests
{
    [Theory]
    [InlineData("90s", 90)]
    [InlineData("30m", 1800)]
    [InlineData("1h", 3600)]
    [InlineData("2D", 172800)]
    [InlineData("0s", 0)]
    [InlineData("00:30:00", 1800)]
    [InlineData("1.12:00:00", 129600)]
    [InlineData("365d", 31536000)]
    public void TryReadDuration_Accepted_IsThatLong(string text, int seconds)
    {
        var problems = new List<string>();

        Assert.True(CallerArguments.TryReadDuration(text, "--grace", problems, out var duration), string.Join('\n', problems));
        Assert.Equal(TimeSpan.FromSeconds(seconds), duration);
    }

    [Theory]
    [InlineData("")]
    [InlineData("h")]
    [InlineData("1w")]
    [InlineData("1.5h")]
    [InlineData("-1h")]
    [InlineData("+1h")]
    [InlineData("366d")]
    [InlineData("99999999999999999999s")]
    [InlineData("-00:01:00")]
    [InlineData("soon")]
    public void TryReadDuration_Refused_NamesTheSwitch(string text)
    {
        var problems = new List<string>();

        Assert.False(CallerArguments.TryReadDuration(text, "--grace", problems, out _));
        Assert.StartsWith("--grace", Assert.Single(problems), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2026-12-31", "2026-12-31T00:00:00Z")]
    [InlineData("2026-12-31T18:30", "2026-12-31T18:30:00Z")]
    [InlineData("2026-12-31T18:30:15Z", "2026-12-31T18:30:15Z")]
    [InlineData("2026-12-31T18:30:15.5+01:00", "2026-12-31T17:30:15.5Z")]
    [InlineData("2001-01-01", "2001-01-01T00:00:00Z")]
    public void TryReadExpiry_IsoDate_IsReadAsUtc(string text, string expected)
    {
        var problems = new List<string>();

        Assert.True(CallerArguments.TryReadExpiry(text, problems, out var expires), string.Join('\n', problems));
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), expires);
        Assert.Equal(TimeSpan.Zero, expires!.Value.Offset);
    }

    [Theory]
    [InlineData("tomorrow")]
    [InlineData("12/31/2026")]
    [InlineData("31.12.2026")]
    [InlineData("2026-13-01")]
    public void TryReadExpiry_NotIso_IsRefused(string text)
    {
        var problems = new List<string>();

        Assert.False(CallerArguments.TryReadExpiry(text, problems, out _));
        Assert.Contains("--expires", Assert.Single(problems), StringComparison.Ordinal);
    }

    [Fact]
    public void ReadId_TooLong_IsRefused()
    {
        var problems = new List<string>();

        Assert.Null(CallerArguments.ReadId(new string('a', 161), problems));
        Assert.Single(problems);
    }
}
