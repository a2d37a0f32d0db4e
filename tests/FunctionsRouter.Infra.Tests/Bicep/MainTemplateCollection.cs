namespace FunctionsRouter.Infra.Tests.Bicep;

/// <summary>Tests that read the compiled <c>infra/main.bicep</c> share one build.</summary>
[CollectionDefinition(Name)]
public sealed class MainTemplateCollection : ICollectionFixture<MainTemplateFixture>
{
    public const string Name = "Compiled main.bicep";
}
