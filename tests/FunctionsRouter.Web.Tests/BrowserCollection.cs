namespace FunctionsRouter.Web.Tests;

/// <summary>The browser tests: one <see cref="BrowserFixture"/> (one chromium, one gateway), tests one after another.</summary>
[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "Browser";
}
