using FunctionsRouter.AliasSeeder;
using Microsoft.Extensions.Configuration;

namespace FunctionsRouter.Infra.Tests.AliasSeeding;

public sealed class SeedAliasesSettingsTests
{
    [Fact]
    public void TryCreate_EndpointAndDeployments_UsesDefaultsForTheRest()
    {
        var settings = Create("--table-endpoint", "https://st1.table.core.windows.net/", "--deployments", "gpt-4.1-mini");

        Assert.Equal(new Uri("https://st1.table.core.windows.net/"), settings.TableEndpoint);
        Assert.Null(settings.ConnectionString);
        Assert.Equal("ModelAliases", settings.TableName);
        Assert.Equal(["gpt-4.1-mini"], settings.DeploymentNames);
        Assert.Null(settings.TenantId);
        Assert.Equal(20, settings.PermissionAttempts);
        Assert.Equal(TimeSpan.FromSeconds(15), settings.PermissionRetryDelay);
    }

    [Fact]
    public void TryCreate_EnvironmentKeys_AreReadLikeTheSwitches()
    {
        // azd exports the Bicep outputs under these names; the hook passes them as switches, but either works.
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AZURE_TABLE_ENDPOINT"] = "https://st1.table.core.windows.net/",
            ["AZURE_ALIAS_TABLE"] = "Aliases2",
            ["AZURE_AI_DEPLOYMENT_NAMES"] = "a,b",
            ["AZURE_TENANT_ID"] = "contoso.onmicrosoft.com",
        }).Build();

        Assert.True(SeedAliasesSettings.TryCreate(configuration, out var settings, out var problems), string.Join('\n', problems));
        Assert.Equal("Aliases2", settings.TableName);
        Assert.Equal(["a", "b"], settings.DeploymentNames);
        Assert.Equal("contoso.onmicrosoft.com", settings.TenantId);
    }

    [Fact]
    public void TryCreate_ConnectionStringAndEndpoint_ConnectionStringWins()
    {
        var settings = Create("--connection-string", "UseDevelopmentStorage=true", "--table-endpoint", "not a uri", "--deployments", "x");

        Assert.Equal("UseDevelopmentStorage=true", settings.ConnectionString);
        Assert.Null(settings.TableEndpoint);
    }

    [Fact]
    public void TryCreate_RepeatedAliasesAndBlanks_KeepsTheFirstDeploymentOfEachAlias()
    {
        var settings = Create("--connection-string", "UseDevelopmentStorage=true", "--deployments", " GPT-4o , ,gpt-4o,phi-4,");

        Assert.Equal(["GPT-4o", "phi-4"], settings.DeploymentNames);
    }

    [Fact]
    public void TryCreate_EmptyDeploymentList_IsValidAndEmpty()
    {
        var settings = Create("--connection-string", "UseDevelopmentStorage=true", "--deployments", "");

        Assert.Empty(settings.DeploymentNames);
    }

    [Theory]
    [InlineData("No table to write to", "--deployments", "x")]
    [InlineData("must be an absolute https URI", "--table-endpoint", "http://st1.table.core.windows.net/", "--deployments", "x")]
    [InlineData("must be an absolute https URI", "--table-endpoint", "st1", "--deployments", "x")]
    [InlineData("No model deployments given", "--table-endpoint", "https://st1.table.core.windows.net/")]
    [InlineData("--table (AZURE_ALIAS_TABLE) must be", "--table-endpoint", "https://st1.table.core.windows.net/", "--deployments", "x", "--table", "model-aliases")]
    [InlineData("cannot be an alias", "--table-endpoint", "https://st1.table.core.windows.net/", "--deployments", "ok,bad/name")]
    [InlineData("--permission-attempts (ALIAS_SEEDER_PERMISSION_ATTEMPTS) must be", "--table-endpoint", "https://st1.table.core.windows.net/", "--deployments", "x", "--permission-attempts", "0")]
    [InlineData("--permission-retry-seconds (ALIAS_SEEDER_PERMISSION_RETRY_SECONDS) must be", "--table-endpoint", "https://st1.table.core.windows.net/", "--deployments", "x", "--permission-retry-seconds", "-1")]
    public void TryCreate_BadSetting_IsNamedInTheProblems(string expected, params string[] args)
    {
        var configuration = new ConfigurationBuilder().AddCommandLine(args, SeedAliasesSettings.SwitchMappings).Build();

        Assert.False(SeedAliasesSettings.TryCreate(configuration, out var settings, out var problems));
        Assert.Null(settings);
        Assert.Contains(problems, p => p.Contains(expected, StringComparison.Ordinal));
    }

    private static SeedAliasesSettings Create(params string[] args)
    {
        var configuration = new ConfigurationBuilder().AddCommandLine(args, SeedAliasesSettings.SwitchMappings).Build();
        Assert.True(SeedAliasesSettings.TryCreate(configuration, out var settings, out var problems), string.Join('\n', problems));
        return settings;
    }
}
