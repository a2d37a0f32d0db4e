using FunctionsRouter.Gateway.Limits;

namespace FunctionsRouter.Gateway.Tests.Limits;

public sealed class CallerLimitsTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("{}")]
    [InlineData("""{"rpm":0,"aliases":{}}""")]
    public void TryParse_EmptyOrNothingSet_NoLimits(string? text)
    {
        Assert.True(CallerLimits.TryParse(text, out var limits, out var problem));
        Assert.True(limits.IsEmpty);
        Assert.Null(problem);
    }

    [Fact]
    public void TryParse_EveryMember_ReadAndWrittenBackTheSame()
    {
        const string Text = """{"rpm":60,"tpm":40000,"tokensPerDay":1000000,"tokensPerMonth":20000000,"aliases":{"gpt-4o":{"rpm":10,"tokensPerDay":5000}}}""";

        Assert.True(CallerLimits.TryParse(Text, out var limits, out _));

        Assert.Equal(new LimitSet(60, 40000, 1000000, 20000000), limits.Own);
        Assert.Equal(new LimitSet(10, null, 5000, null), limits.Aliases["GPT-4O"]);
        Assert.True(limits.CountsTokens("gpt-4o"));
        Assert.Equal(Text, limits.ToString());
    }

    [Theory]
    [InlineData("not json", "not valid JSON")]
    [InlineData("[1]", "not a JSON object")]
    [InlineData("""{"rpm":"60"}""", "'rpm'")]
    [InlineData("""{"rpm":-1}""", "'rpm'")]
    [InlineData("""{"rpm":1.5}""", "'rpm'")]
    [InlineData("""{"requestsPerMinute":5}""", "unknown member")]
    [InlineData("""{"aliases":[]}""", "not an object")]
    [InlineData("""{"aliases":{"a b":{"rpm":1}}}""", "bad or repeated alias")]
    [InlineData("""{"aliases":{"x":{"rpm":1},"X":{"rpm":2}}}""", "bad or repeated alias")]
    [InlineData("""{"aliases":{"x":{"burst":1}}}""", "unknown member")]
    public void TryParse_Malformed_RefusedWithTheProblem(string text, string expected)
    {
        Assert.False(CallerLimits.TryParse(text, out _, out var problem));
        Assert.Contains(expected, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void With_ZeroRemovesNullKeeps_AliasLeftEmptyIsDropped()
    {
        Assert.True(CallerLimits.TryParse("""{"rpm":5,"tpm":100,"aliases":{"fast":{"rpm":2}}}""", out var limits, out _));

        var changed = limits.With(null, limits.Own.With(rpm: 0, tpm: null, tokensPerDay: 7, tokensPerMonth: null));
        Assert.Equal(new LimitSet(null, 100, 7, null), changed.Own);

        var aliasGone = changed.With("FAST", changed.Aliases["fast"].With(0, null, null, null));
        Assert.Empty(aliasGone.Aliases);
        Assert.Equal("""{"tpm":100,"tokensPerDay":7}""", aliasGone.ToString());
    }
}
