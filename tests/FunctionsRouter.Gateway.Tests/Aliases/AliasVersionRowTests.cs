using Azure.Data.Tables;
using FunctionsRouter.Gateway.Aliases;
using FunctionsRouter.Gateway.Configuration;
using FunctionsRouter.Gateway.Tests.Integration;
using FunctionsRouter.Gateway.Tests.Support;
using Microsoft.Extensions.Options;

namespace FunctionsRouter.Gateway.Tests.Aliases;

/// <summary>The management API's version row (<see cref="AliasRowReader.VersionRowKey"/>) is never a target of the catalog.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class AliasVersionRowTests(IntegrationFixture fixture)
{
    [Fact]
    public async Task GetSnapshotAsync_AliasWithVersionRow_VersionRowNeitherTargetNorSkippedRow()
    {
        var table = new TableClient(fixture.Azurite.ConnectionString, fixture.Azurite.CreateTableName("ver"));
        await table.CreateAsync();
        await table.AddEntityAsync(new TableEntity("chat", "primary") { ["Deployment"] = "dep-a" });
        await table.AddEntityAsync(new TableEntity("chat", AliasRowReader.VersionRowKey) { ["UpdatedBy"] = "key:abc" });
        using var logs = new LogCapture();
        var catalog = new TableAliasCatalog(
            table,
            Options.Create(new RouterOptions()),
            endpoint => endpoint == "default",
            TimeProvider.System,
            new Microsoft.Extensions.Logging.Logger<TableAliasCatalog>(new Microsoft.Extensions.Logging.LoggerFactory([logs])));

        var snapshot = await catalog.GetSnapshotAsync();

        Assert.True(snapshot.TryGet("chat", out var route));
        Assert.Equal(["primary"], route!.Targets.Select(t => t.Name));
        Assert.DoesNotContain(logs.Events, e => e.EventId == 1002);
        Assert.True(AliasRowReader.IsVersionRow(new TableEntity("chat", "$version")));
        Assert.False(AliasRowReader.IsVersionRow(new TableEntity("chat", "version")));
    }
}
