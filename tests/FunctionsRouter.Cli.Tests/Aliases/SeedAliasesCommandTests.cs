using System.Text.Json;
using Azure.Data.Tables;
using FunctionsRouter.Cli.CommandLine;
using FunctionsRouter.Testing;

namespace FunctionsRouter.Cli.Tests.Aliases;

[Collection(AzuriteCollection.Name)]
public sealed class SeedAliasesCommandTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Seed_ConnectionStringAndDeployments_SeedsEachAliasAndExitsZero()
    {
        var tableName = azurite.CreateTableName("cmd");
        var run = await SeedAsync("--connection-string", azurite.ConnectionString, "--table", tableName, "--deployments", "gpt-4.1-mini, Phi-4");

        Assert.True(run.ExitCode == CliExitCodes.Succeeded, run.ToString());
        Assert.Contains("Seeded alias 'gpt-4.1-mini' -> deployment 'gpt-4.1-mini'", run.Output, StringComparison.Ordinal);
        Assert.Contains("Seeded alias 'phi-4' -> deployment 'Phi-4'", run.Output, StringComparison.Ordinal);
        var row = (await azurite.CreateServiceClient().GetTableClient(tableName).GetEntityAsync<TableEntity>("phi-4", "primary")).Value;
        Assert.Equal("Phi-4", row.GetString("Deployment"));
    }

    [Fact]
    public async Task Seed_EnvironmentOnly_ReadsTheSettingsAzdExports()
    {
        // azd's postprovision hook runs `aliases seed` with no switch: everything comes from the provisioning outputs.
        var tableName = azurite.CreateTableName("env");
        var run = await CliRun.RunAsync(["aliases", "seed"], new Dictionary<string, string?>
        {
            ["ALIAS_SEEDER_CONNECTION_STRING"] = azurite.ConnectionString,
            ["AZURE_ALIAS_TABLE"] = tableName,
            ["AZURE_AI_DEPLOYMENT_NAMES"] = "o4-mini",
        });

        Assert.True(run.ExitCode == CliExitCodes.Succeeded, run.ToString());
        var row = (await azurite.CreateServiceClient().GetTableClient(tableName).GetEntityAsync<TableEntity>("o4-mini", "primary")).Value;
        Assert.Equal("o4-mini", row.GetString("Deployment"));
    }

    [Fact]
    public async Task Seed_SwitchAndEnvironment_SwitchWins()
    {
        var fromEnvironment = azurite.CreateTableName("env");
        var fromSwitch = azurite.CreateTableName("sw");
        var run = await CliRun.RunAsync(["aliases", "seed", "--table", fromSwitch], new Dictionary<string, string?>
        {
            ["ALIAS_SEEDER_CONNECTION_STRING"] = azurite.ConnectionString,
            ["AZURE_ALIAS_TABLE"] = fromEnvironment,
            ["AZURE_AI_DEPLOYMENT_NAMES"] = "o4-mini",
        });

        Assert.True(run.ExitCode == CliExitCodes.Succeeded, run.ToString());
        Assert.True(await TableExistsAsync(fromSwitch));
        Assert.False(await TableExistsAsync(fromEnvironment));
    }

    [Fact]
    public async Task Seed_Json_PrintsOneObjectWithEachAlias()
    {
        var tableName = azurite.CreateTableName("json");
        await SeedAsync("--connection-string", azurite.ConnectionString, "--table", tableName, "--deployments", "gpt-4.1-mini");

        var run = await SeedAsync("--connection-string", azurite.ConnectionString, "--table", tableName, "--deployments", "gpt-4.1-mini,Phi-4", "--json");

        Assert.True(run.ExitCode == CliExitCodes.Succeeded, run.ToString());
        using var json = JsonDocument.Parse(run.Output);
        Assert.Equal(tableName, json.RootElement.GetProperty("table").GetString());
        var aliases = json.RootElement.GetProperty("aliases").EnumerateArray().ToList();
        Assert.Equal(["gpt-4.1-mini", "phi-4"], aliases.Select(a => a.GetProperty("alias").GetString()));
        Assert.Equal([false, true], aliases.Select(a => a.GetProperty("seeded").GetBoolean()));
        Assert.Equal("Phi-4", aliases[1].GetProperty("deployment").GetString());
    }

    [Fact]
    public async Task Seed_SecondRun_SaysEachRowWasLeftUnchanged()
    {
        var tableName = azurite.CreateTableName("cmd");
        string[] args = ["--connection-string", azurite.ConnectionString, "--table", tableName, "--deployments", "gpt-4.1-mini"];
        await SeedAsync(args);

        var run = await SeedAsync(args);

        Assert.Equal(CliExitCodes.Succeeded, run.ExitCode);
        Assert.Contains($"Alias 'gpt-4.1-mini' already has a 'primary' row in table {tableName}; left it unchanged.", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Seed_EmptyDeploymentList_ExitsZeroWithoutCreatingTheTable()
    {
        var tableName = azurite.CreateTableName("cmd");

        var run = await SeedAsync("--connection-string", azurite.ConnectionString, "--table", tableName, "--deployments", "");

        Assert.Equal(CliExitCodes.Succeeded, run.ExitCode);
        Assert.Contains("no alias to seed", run.Output, StringComparison.Ordinal);
        Assert.False(await TableExistsAsync(tableName));
    }

    [Fact]
    public async Task Seed_NoTableGiven_ExitsOneWithUsage()
    {
        var run = await SeedAsync("--deployments", "gpt-4.1-mini");

        Assert.Equal(CliExitCodes.InvalidArguments, run.ExitCode);
        Assert.Contains("--table-endpoint", run.Error, StringComparison.Ordinal);
        Assert.Contains("Usage:", run.Error, StringComparison.Ordinal);
        Assert.Empty(run.Output);
    }

    [Fact]
    public async Task Seed_StorageRefuses_ExitsTwoNamingTheStatus()
    {
        // Azurite refuses a request signed with the wrong account key (403); after the last attempt the command says so.
        var wrongKey = azurite.ConnectionString.Replace("AccountKey=Eby8", "AccountKey=AAAA", StringComparison.Ordinal);
        Assert.NotEqual(azurite.ConnectionString, wrongKey);

        var run = await SeedAsync(
            "--connection-string", wrongKey, "--table", azurite.CreateTableName("cmd"), "--deployments", "gpt-4.1-mini",
            "--permission-attempts", "1");

        Assert.Equal(CliExitCodes.Failed, run.ExitCode);
        Assert.Contains("403", run.Error, StringComparison.Ordinal);
    }

    /// <summary>Runs <c>aliases seed</c> with switches only (no environment variables of the test process).</summary>
    private static Task<CliRun> SeedAsync(params string[] args) => CliRun.RunAsync(["aliases", "seed", .. args]);

    private async Task<bool> TableExistsAsync(string tableName)
    {
        await foreach (var _ in azurite.CreateServiceClient().QueryAsync(t => t.Name == tableName))
        {
            return true;
        }

        return false;
    }
}
