namespace FunctionsRouter.Testing;

/// <summary>Names the xunit collection whose tests share one <see cref="AzuriteFixture"/>.</summary>
public static class AzuriteCollection
{
    public const string Name = "Azurite";
}
