using Azure.Data.Tables;
using FunctionsRouter.AliasSeeder;
using FunctionsRouter.Testing;
using Microsoft.Extensions.Configuration;

namespace FunctionsRouter.Infra.Tests.AliasSeeding;

[Collection(AzuriteCollection.Name)]
public sealed class SeedAliasesCommandTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task RunAsync_ConnectionStringAndDeployments_SeedsEachAliasAndExitsZero()
    {
        var tableName = azurite.CreateTableName("cmd");
        var (exitCode, output, error) = await RunAsync(
            "--connection-string", azurite.ConnectionString, "--table", tableName, "--deployments", "gpt-4.1-mini, Phi-4");

        Assert.True(exitCode == SeedAliasesCommand.Succeeded, error);
        Assert.Contains("Seeded alias 'gpt-4.1-mini' -> deployment 'gpt-4.1-mini'", output, StringComparison.Ordinal);
        Assert.Contains("Seeded alias 'phi-4' -> deployment 'Phi-4'", output, StringComparison.Ordinal);
        var row = (await azurite.CreateServiceClient().GetTableClient(tableName).GetEntityAsync<TableEntity>("phi-4", "primary")).Value;
        Assert.Equal("Phi-4", row.GetString("Deployment"));
    }

    [Fact]
    public async Task RunAsync_SecondRun_SaysEachRowWasLeftUnchanged()
    {
        var tableName = azurite.CreateTableName("cmd");
        string[] args = ["--connection-string", azurite.ConnectionString, "--table", tableName, "--deployments", "gpt-4.1-mini"];
        await RunAsync(args);

        var (exitCode, output, _) = await RunAsync(args);

        Assert.Equal(SeedAliasesCommand.Succeeded, exitCode);
        Assert.Contains($"Alias 'gpt-4.1-mini' already has a 'primary' row in table {tableName}; left it unchanged.", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_EmptyDeploymentList_ExitsZeroWithoutCreatingTheTable()
    {
        var tableName = azurite.CreateTableName("cmd");

        var (exitCode, output, _) = await RunAsync("--connection-string", azurite.ConnectionString, "--table", tableName, "--deployments", "");

        Assert.Equal(SeedAliasesCommand.Succeeded, exitCode);
        Assert.Contains("no alias to seed", output, StringComparison.Ordinal);
        var tables = azurite.CreateServiceClient().QueryAsync(t => t.Name == tableName);
        await foreach (var table in tables)
        {
            Assert.Fail($"Table {table.Name} was created.");
        }
    }

    [Fact]
    public async Task RunAsync_NoTableGiven_ExitsOneWithUsage()
    {
        var (exitCode, _, error) = await RunAsync("--deployments", "gpt-4.1-mini");

        Assert.Equal(SeedAliasesCommand.InvalidSettings, exitCode);
        Assert.Contains("--table-endpoint", error, StringComparison.Ordinal);
        Assert.Contains("Usage:", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_StorageRefuses_ExitsTwoNamingTheStatus()
    {
        // Azurite refuses a request signed with the wrong account key (403); after the last attempt the command says so.
        var wrongKey = azurite.ConnectionString.Replace("AccountKey=Eby8", "AccountKey=AAAA", StringComparison.Ordinal);
        Assert.NotEqual(azurite.ConnectionString, wrongKey);

        var (exitCode, _, error) = await RunAsync(
            "--connection-string", wrongKey, "--table", azurite.CreateTableName("cmd"), "--deployments", "gpt-4.1-mini",
            "--permission-attempts", "1");

        Assert.Equal(SeedAliasesCommand.Failed, exitCode);
        Assert.Contains("403", error, StringComparison.Ordinal);
    }

    /// <summary>Runs the command as Program does, with switches only (no environment variables of the test process).</summary>
    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        var configuration = new ConfigurationBuilder().AddCommandLine(args, SeedAliasesSettings.SwitchMappings).Build();
        var output = new StringWriter();
        var error = new StringWriter();

        var exitCode = await SeedAliasesCommand.RunAsync(configuration, output, error);

        return (exitCode, output.ToString(), error.ToString());
    }
}
