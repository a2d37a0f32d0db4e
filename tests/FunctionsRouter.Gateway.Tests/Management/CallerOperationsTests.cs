using Azure;
using Azure.Data.Tables;
using FunctionsRouter.Gateway.Callers;
using FunctionsRouter.Gateway.Management;
using FunctionsRouter.Gateway.Tests.Integration;
using FunctionsRouter.Gateway.Tests.Support;

namespace FunctionsRouter.Gateway.Tests.Management;

[Collection(IntegrationCollection.Name)]
public sealed class CallerOperationsTests(IntegrationFixture fixture)
{
    private Testing.AzuriteFixture Azurite => fixture.Azurite;

    [Fact]
    public async Task CreateAsync_KeyRowRefused_RemovesTheCallerRowAndThrows()
    {
        var tableName = Azurite.CreateTableName("half");
        var table = new KeyRowRefusingTableClient(Azurite.CreateServiceClient().GetTableClient(tableName));
        var log = new LogCapture();
        var audit = new AuditStore(Azurite.CreateServiceClient().GetTableClient(Azurite.CreateTableName("audit")));
        var operations = new CallerOperations(new CallerRowStore(table), audit, new ManagementActor("test", "r1"), TimeProvider.System, log.CreateLogger("test"));

        var error = await Assert.ThrowsAsync<RequestFailedException>(
            () => operations.CreateAsync("svc", AliasAccess.All, expires: null, admin: false, CancellationToken.None));

        Assert.Equal(500, error.Status);
        Assert.Empty(await Azurite.CreateServiceClient().GetTableClient(tableName).QueryAsync<TableEntity>().ToListAsync());
        Assert.Empty(log.Events);
    }
}
