using FunctionsRouter.Cli.Aliases;
using Microsoft.Extensions.Configuration;

namespace FunctionsRouter.Cli.Tests.Aliases;

public sealed class SeedAliasesSettingsTests
{
    [Fact]
    public void Read_DeploymentsOnly_UsesDefaultsForTheRest()
    {
        var settings = Read(new() { ["AZURE_AI_DEPLOYMENT_NAMES"] = "gpt-4.1-mini" });

        Assert.Equal(["gpt-4.1-mini"], settings.DeploymentNames);
        Assert.Equal(20, settings.PermissionAttempts);
        Assert.Equal(TimeSpan.FromSeconds(15), settings.PermissionRetryDelay);
    }

    [Fact]
    public void Read_EveryKey_IsRead()
    {
        // azd exports the Bicep outputs under these names (the hook passes no switch); switches override the same keys.
        var settings = Read(new()
        {
            ["AZURE_AI_DEPLOYMENT_NAMES"] = "a,b",
            ["ALIAS_SEEDER_PERMISSION_ATTEMPTS"] = "3",
            ["ALIAS_SEEDER_PERMISSION_RETRY_SECONDS"] = "0",
        });

        Assert.Equal(["a", "b"], settings.DeploymentNames);
        Assert.Equal(3, settings.PermissionAttempts);
        Assert.Equal(TimeSpan.Zero, settings.PermissionRetryDelay);
    }

    [Fact]
    public void Read_RepeatedAliasesAndBlanks_KeepsTheFirstDeploymentOfEachAlias()
    {
        var settings = Read(new() { ["AZURE_AI_DEPLOYMENT_NAMES"] = " GPT-4o , ,gpt-4o,phi-4," });

        Assert.Equal(["GPT-4o", "phi-4"], settings.DeploymentNames);
    }

    [Fact]
    public void Read_EmptyDeploymentList_IsValidAndEmpty()
    {
        var settings = Read(new() { ["AZURE_AI_DEPLOYMENT_NAMES"] = string.Empty });

        Assert.Empty(settings.DeploymentNames);
    }

    [Theory]
    [InlineData("No model deployments given", null, null, null)]
    [InlineData("cannot be an alias", "ok,bad/name", null, null)]
    [InlineData("--permission-attempts (ALIAS_SEEDER_PERMISSION_ATTEMPTS) must be", "x", "0", null)]
    [InlineData("--permission-retry-seconds (ALIAS_SEEDER_PERMISSION_RETRY_SECONDS) must be", "x", null, "-1")]
    public void Read_BadSetting_IsNamedInTheProblems(string expected, string? deployments, string? attempts, string? retrySeconds)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AZURE_AI_DEPLOYMENT_NAMES"] = deployments,
            ["ALIAS_SEEDER_PERMISSION_ATTEMPTS"] = attempts,
            ["ALIAS_SEEDER_PERMISSION_RETRY_SECONDS"] = retrySeconds,
        }).Build();
        var problems = new List<string>();

        var settings = SeedAliasesSettings.Read(configuration, problems);

        Assert.Null(settings);
        Assert.Contains(problems, p => p.Contains(expected, StringComparison.Ordinal));
    }

    private static SeedAliasesSettings Read(Dictionary<string, string?> values)
    {
        var problems = new List<string>();
        var settings = SeedAliasesSettings.Read(new ConfigurationBuilder().AddInMemoryCollection(values).Build(), problems);
        Assert.True(settings is not null, string.Join('\n', problems));
        return settings;
    }
}
