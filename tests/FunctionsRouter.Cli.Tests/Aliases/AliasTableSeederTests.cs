using Azure;
using Azure.Data.Tables;
using FunctionsRouter.Cli.Aliases;
using FunctionsRouter.Testing;

namespace FunctionsRouter.Cli.Tests.Aliases;

[Collection(AzuriteCollection.Name)]
public sealed class AliasTableSeederTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task SeedAsync_MissingTableAndRows_InsertsOneDefaultRowPerDeployment()
    {
        var table = CreateTable();

        var results = await CreateSeeder(table).SeedAsync(["gpt-4.1-mini", "Phi-4-mini-instruct"]);

        Assert.Equal(
            [
                new AliasSeedResult("gpt-4.1-mini", "gpt-4.1-mini", AliasSeedOutcome.Inserted),
                new AliasSeedResult("phi-4-mini-instruct", "Phi-4-mini-instruct", AliasSeedOutcome.Inserted),
            ],
            results);
        var rows = await ReadAllAsync(table);
        Assert.Equal(2, rows.Count);
        AssertDefaultRow(rows.Single(r => r.PartitionKey == "gpt-4.1-mini"), "gpt-4.1-mini");
        AssertDefaultRow(rows.Single(r => r.PartitionKey == "phi-4-mini-instruct"), "Phi-4-mini-instruct");
    }

    [Fact]
    public async Task SeedAsync_SecondRun_ReportsAlreadyPresentAndWritesNothing()
    {
        var table = CreateTable();
        await CreateSeeder(table).SeedAsync(["gpt-4.1-mini"]);
        var before = await table.GetEntityAsync<TableEntity>("gpt-4.1-mini", "primary");

        var results = await CreateSeeder(table).SeedAsync(["gpt-4.1-mini"]);

        Assert.Equal([new AliasSeedResult("gpt-4.1-mini", "gpt-4.1-mini", AliasSeedOutcome.AlreadyPresent)], results);
        var after = await table.GetEntityAsync<TableEntity>("gpt-4.1-mini", "primary");
        Assert.Equal(before.Value.ETag, after.Value.ETag);
        Assert.Single(await ReadAllAsync(table));
    }

    [Fact]
    public async Task SeedAsync_AdminEditedRow_IsLeftUnchanged()
    {
        var table = CreateTable();
        await table.CreateAsync();
        var edited = new TableEntity("gpt-4.1-mini", "primary")
        {
            ["Deployment"] = "gpt-4.1-mini-eu",
            ["Endpoint"] = "westeurope",
            ["Enabled"] = false,
            ["Priority"] = 3,
            ["Weight"] = 7,
        };
        await table.AddEntityAsync(edited);
        var before = await table.GetEntityAsync<TableEntity>("gpt-4.1-mini", "primary");

        var results = await CreateSeeder(table).SeedAsync(["gpt-4.1-mini", "o4-mini"]);

        Assert.Equal(AliasSeedOutcome.AlreadyPresent, results[0].Outcome);
        Assert.Equal(AliasSeedOutcome.Inserted, results[1].Outcome);
        var after = (await table.GetEntityAsync<TableEntity>("gpt-4.1-mini", "primary")).Value;
        Assert.Equal(before.Value.ETag, after.ETag);
        Assert.Equal("gpt-4.1-mini-eu", after.GetString("Deployment"));
        Assert.Equal("westeurope", after.GetString("Endpoint"));
        Assert.False(after.GetBoolean("Enabled"));
        Assert.Equal(3, after.GetInt32("Priority"));
        Assert.Equal(7, after.GetInt32("Weight"));
    }

    [Fact]
    public async Task SeedAsync_OtherTargetOfTheAlias_IsKeptBesideTheSeededRow()
    {
        var table = CreateTable();
        await table.CreateAsync();
        await table.AddEntityAsync(new TableEntity("gpt-4.1-mini", "fallback") { ["Deployment"] = "gpt-4o-mini" });

        var results = await CreateSeeder(table).SeedAsync(["gpt-4.1-mini"]);

        Assert.Equal(AliasSeedOutcome.Inserted, Assert.Single(results).Outcome);
        var rows = await ReadAllAsync(table);
        Assert.Equal(["fallback", "primary"], rows.Select(r => r.RowKey).Order());
        Assert.Equal("gpt-4o-mini", rows.Single(r => r.RowKey == "fallback").GetString("Deployment"));
    }

    [Fact]
    public async Task SeedAsync_ForbiddenUntilTheRoleArrives_RetriesThenInserts()
    {
        var table = new ForbiddenFirstTableClient(CreateTable(), forbiddenInserts: 2);
        var log = new StringWriter();

        var results = await new AliasTableSeeder(table, log, TimeSpan.Zero, permissionAttempts: 3).SeedAsync(["gpt-4.1-mini"]);

        Assert.Equal(AliasSeedOutcome.Inserted, Assert.Single(results).Outcome);
        Assert.Equal(3, table.InsertAttempts);
        Assert.Equal(2, log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        AssertDefaultRow(await table.GetEntityAsync<TableEntity>("gpt-4.1-mini", "primary"), "gpt-4.1-mini");
    }

    [Fact]
    public async Task SeedAsync_ForbiddenOnEveryAttempt_ThrowsTheLast403()
    {
        var table = new ForbiddenFirstTableClient(CreateTable(), forbiddenInserts: int.MaxValue);

        var error = await Assert.ThrowsAsync<RequestFailedException>(
            () => new AliasTableSeeder(table, TextWriter.Null, TimeSpan.Zero, permissionAttempts: 3).SeedAsync(["gpt-4.1-mini"]));

        Assert.Equal(403, error.Status);
        Assert.Equal(3, table.InsertAttempts);
    }

    private static void AssertDefaultRow(TableEntity row, string deployment)
    {
        Assert.Equal(deployment.ToLowerInvariant(), row.PartitionKey);
        Assert.Equal("primary", row.RowKey);
        Assert.Equal(deployment, row.GetString("Deployment"));
        Assert.Equal("default", row.GetString("Endpoint"));
        Assert.True(row.GetBoolean("Enabled"));
        Assert.Equal(0, row.GetInt32("Priority"));
        Assert.Equal(1, row.GetInt32("Weight"));
    }

    private static async Task<List<TableEntity>> ReadAllAsync(TableClient table)
    {
        var rows = new List<TableEntity>();
        await foreach (var row in table.QueryAsync<TableEntity>())
        {
            rows.Add(row);
        }

        return rows;
    }

    private static AliasTableSeeder CreateSeeder(TableClient table) =>
        new(table, TextWriter.Null, TimeSpan.Zero, SeedAliasesSettings.DefaultPermissionAttempts);

    private TableClient CreateTable() => azurite.CreateServiceClient().GetTableClient(azurite.CreateTableName("aliases"));
}
