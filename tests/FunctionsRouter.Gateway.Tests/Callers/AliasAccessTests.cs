using FunctionsRouter.Gateway.Callers;

namespace FunctionsRouter.Gateway.Tests.Callers;

public sealed class AliasAccessTests
{
    [Theory]
    [InlineData("*")]
    [InlineData(" * ")]
    [InlineData("fast,*")]
    public void TryParse_Star_AllowsEveryAlias(string text)
    {
        Assert.True(AliasAccess.TryParse(text, out var access, out _));

        Assert.True(access.IsAll);
        Assert.True(access.Allows("anything"));
        Assert.Equal("*", access.ToString());
    }

    [Fact]
    public void TryParse_List_AllowsListedCaseInsensitivelyAndNothingElse()
    {
        Assert.True(AliasAccess.TryParse(" fast , Chat-Default,,", out var access, out _));

        Assert.True(access.Allows("FAST"));
        Assert.True(access.Allows("chat-default"));
        Assert.False(access.Allows("embed"));
        Assert.Equal("Chat-Default,fast", access.ToString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" , ")]
    public void TryParse_Empty_AllowsNothing(string? text)
    {
        Assert.True(AliasAccess.TryParse(text, out var access, out _));

        Assert.False(access.Allows("fast"));
    }

    [Theory]
    [InlineData("fast,bad alias")]
    [InlineData("a/b")]
    [InlineData("x#y")]
    public void TryParse_BadName_FalseNamingIt(string text)
    {
        Assert.False(AliasAccess.TryParse(text, out _, out var problem));

        Assert.Contains("is not an alias name", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Union_TwoGrants_AllowsEither()
    {
        AliasAccess.TryParse("a", out var a, out _);
        AliasAccess.TryParse("b", out var b, out _);

        var both = a.Union(b);

        Assert.True(both.Allows("a") && both.Allows("b"));
        Assert.False(both.Allows("c"));
        Assert.True(a.Union(AliasAccess.All).IsAll);
    }
}
