namespace FunctionsRouter.Web.Tests;

/// <summary>The page's own logic (src/FunctionsRouter.Web/test/*.test.ts) under node's test runner, after its type check.</summary>
public sealed class PageUnitTests
{
    [Fact]
    public async Task NpmTest_TypeCheckAndNodeUnitTests_Pass()
    {
        var (exitCode, output) = await WebPageBuild.RunAsync("test");

        Assert.True(exitCode == 0, output);
        Assert.Contains("# fail 0", output, StringComparison.Ordinal);
        Assert.DoesNotContain("# pass 0", output, StringComparison.Ordinal);
    }
}
