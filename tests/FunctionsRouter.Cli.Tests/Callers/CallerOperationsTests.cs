using Azure;
using FunctionsRouter.Cli.Callers;
using FunctionsRouter.Gateway.Callers;
using FunctionsRouter.Testing;

namespace FunctionsRouter.Cli.Tests.Callers;

[Collection(AzuriteCollection.Name)]
public sealed class CallerOperationsTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task CreateAsync_KeyRowRefused_RemovesTheCallerRowAndThrows()
    {
        var tableName = azurite.CreateTableName("half");
        var table = new KeyRowRefusingTableClient(azurite.CreateServiceClient().GetTableClient(tableName));
        var notes = new StringWriter();
        var operations = new CallerOperations(new CallerStore(table), TimeProvider.System, notes);

        var error = await Assert.ThrowsAsync<RequestFailedException>(
            () => operations.CreateAsync("svc", AliasAccess.All, expires: null, CancellationToken.None));

        Assert.Equal(500, error.Status);
        Assert.Empty(await new CallerTableRows(azurite.CreateServiceClient(), tableName).AllAsync());
        Assert.Empty(notes.ToString());
    }
}
