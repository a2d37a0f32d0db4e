using FunctionsRouter.Cli.Storage;
using Microsoft.Extensions.Configuration;

namespace FunctionsRouter.Cli.Tests.Storage;

public sealed class TableSettingsTests
{
    [Fact]
    public void Read_Endpoint_UsesTheDefaultTable()
    {
        var settings = Read(new() { ["AZURE_TABLE_ENDPOINT"] = "https://st1.table.core.windows.net/" });

        Assert.Equal(new Uri("https://st1.table.core.windows.net/"), settings.Endpoint);
        Assert.Null(settings.ConnectionString);
        Assert.Equal("Default1", settings.TableName);
        Assert.Null(settings.TenantId);
    }

    [Fact]
    public void Read_EnvironmentKeys_AreRead()
    {
        var settings = Read(new()
        {
            ["AZURE_TABLE_ENDPOINT"] = "https://st1.table.core.windows.net/",
            ["TABLE_KEY"] = "Aliases2",
            ["AZURE_TENANT_ID"] = "contoso.onmicrosoft.com",
        });

        Assert.Equal("Aliases2", settings.TableName);
        Assert.Equal("contoso.onmicrosoft.com", settings.TenantId);
    }

    [Fact]
    public void Read_ConnectionStringAndEndpoint_ConnectionStringWins()
    {
        var settings = Read(new() { ["ALIAS_SEEDER_CONNECTION_STRING"] = "UseDevelopmentStorage=true", ["AZURE_TABLE_ENDPOINT"] = "not a uri" });

        Assert.Equal("UseDevelopmentStorage=true", settings.ConnectionString);
        Assert.Null(settings.Endpoint);
    }

    [Theory]
    [InlineData("No table to work on", null, null)]
    [InlineData("must be an absolute https URI", "http://st1.table.core.windows.net/", null)]
    [InlineData("must be an absolute https URI", "st1", null)]
    [InlineData("--table (TABLE_KEY) must be", "https://st1.table.core.windows.net/", "model-aliases")]
    public void Read_BadSetting_IsNamedInTheProblems(string expected, string? endpoint, string? table)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AZURE_TABLE_ENDPOINT"] = endpoint,
            ["TABLE_KEY"] = table,
        }).Build();
        var problems = new List<string>();

        var settings = TableSettings.Read(configuration, "TABLE_KEY", "Default1", problems);

        Assert.Null(settings);
        Assert.Contains(problems, p => p.Contains(expected, StringComparison.Ordinal));
    }

    private static TableSettings Read(Dictionary<string, string?> values)
    {
        var problems = new List<string>();
        var settings = TableSettings.Read(new ConfigurationBuilder().AddInMemoryCollection(values).Build(), "TABLE_KEY", "Default1", problems);
        Assert.True(settings is not null, string.Join('\n', problems));
        return settings;
    }
}
