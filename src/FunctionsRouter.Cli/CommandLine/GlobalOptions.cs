using System.CommandLine;
using FunctionsRouter.Cli.Storage;
using Microsoft.Extensions.Configuration;

namespace FunctionsRouter.Cli.CommandLine;

/// <summary>The switches every command takes: where the table is, which table, and <c>--json</c>.</summary>
internal sealed class GlobalOptions
{
    public Option<bool> Json { get; } = new("--json")
    {
        Description = "Print exactly one JSON object on stdout (for scripts) instead of readable lines.",
        Recursive = true,
    };

    public Option<string?> ConnectionString { get; } = new(TableSettings.ConnectionStringSwitch)
    {
        Description = $"A storage connection string (e.g. local Azurite); wins over --table-endpoint. Default: ${TableSettings.ConnectionStringKey}.",
        HelpName = "connection string",
        Recursive = true,
    };

    public Option<string?> TableEndpoint { get; } = new(TableSettings.TableEndpointSwitch)
    {
        Description = $"The table service endpoint (https://ACCOUNT.table.core.windows.net/), reached with your Microsoft Entra sign-in (azd, then DefaultAzureCredential). Default: ${TableSettings.TableEndpointKey}.",
        HelpName = "url",
        Recursive = true,
    };

    public Option<string?> TenantId { get; } = new(TableSettings.TenantIdSwitch)
    {
        Description = $"The tenant to sign in to. Default: ${TableSettings.TenantIdKey}.",
        HelpName = "tenant",
        Recursive = true,
    };

    public Option<string?> Table { get; } = new(TableSettings.TableSwitch)
    {
        Description = "The table, when not the gateway's default. Default: $AZURE_ALIAS_TABLE or ModelAliases (aliases), $AZURE_CALLER_TABLE or Callers (callers), $AZURE_USAGE_ROLLUP_TABLE or UsageRollup (usage).",
        HelpName = "name",
        Recursive = true,
    };

    public IEnumerable<Option> All => [Json, ConnectionString, TableEndpoint, TenantId, Table];

    /// <summary>
    /// The environment, overridden by the switches given: the storage switches, <c>--table</c> under
    /// <paramref name="tableNameKey"/>, and the command's own <paramref name="switches"/> under their keys.
    /// </summary>
    public IConfiguration ReadSettings(
        ParseResult parse,
        IConfiguration environment,
        string tableNameKey,
        IEnumerable<(Option<string?> Option, string Key)> switches)
    {
        var given = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        IEnumerable<(Option<string?> Option, string Key)> all =
        [
            (ConnectionString, TableSettings.ConnectionStringKey),
            (TableEndpoint, TableSettings.TableEndpointKey),
            (TenantId, TableSettings.TenantIdKey),
            (Table, tableNameKey),
            .. switches,
        ];
        foreach (var (option, key) in all)
        {
            if (parse.GetResult(option) is { Implicit: false })
            {
                given[key] = parse.GetValue(option) ?? string.Empty;
            }
        }

        return new ConfigurationBuilder().AddConfiguration(environment).AddInMemoryCollection(given).Build();
    }
}
