namespace FunctionsRouter.Gateway.Tests.Integration;

/// <summary>The tests that share <see cref="IntegrationFixture"/> (run one after another).</summary>
[CollectionDefinition(Name)]
public sealed class IntegrationCollection : ICollectionFixture<IntegrationFixture>
{
    public const string Name = "Integration";
}
