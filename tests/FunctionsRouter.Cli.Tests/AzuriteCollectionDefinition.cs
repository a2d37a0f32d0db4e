using FunctionsRouter.Testing;

namespace FunctionsRouter.Cli.Tests;

/// <summary>The tests of this assembly that need Table Storage share one Azurite (xunit wants the definition here).</summary>
[CollectionDefinition(AzuriteCollection.Name)]
public sealed class AzuriteCollectionDefinition : ICollectionFixture<AzuriteFixture>;
