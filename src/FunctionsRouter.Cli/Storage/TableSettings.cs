using Microsoft.Extensions.Configuration;

namespace FunctionsRouter.Cli.Storage;

/// <summary>
/// Which table a command works on and how to reach it, read from configuration: the environment azd gives its hooks
/// (the Bicep outputs of <c>infra/main.bicep</c>), overridden by the command's switches.
/// </summary>
/// <param name="ConnectionString">A storage connection string (local Azurite, tests); when set it wins over the endpoint.</param>
/// <param name="Endpoint">The table service endpoint, reached with the signed-in identity.</param>
/// <param name="TenantId">The tenant to request tokens from; optional.</param>
/// <param name="TableName">The table.</param>
internal sealed record TableSettings(string? ConnectionString, Uri? Endpoint, string? TenantId, string TableName)
{
    /// <summary>Table service endpoint, reached with the signed-in identity (Bicep output of the same name).</summary>
    public const string TableEndpointKey = "AZURE_TABLE_ENDPOINT";

    /// <summary>A storage connection string (local Azurite, tests); when set it wins over the endpoint.</summary>
    public const string ConnectionStringKey = "ALIAS_SEEDER_CONNECTION_STRING";

    /// <summary>Tenant to request tokens from (Bicep output of the same name); optional.</summary>
    public const string TenantIdKey = "AZURE_TENANT_ID";

    public const string TableEndpointSwitch = "--table-endpoint";
    public const string ConnectionStringSwitch = "--connection-string";
    public const string TenantIdSwitch = "--tenant-id";
    public const string TableSwitch = "--table";

    /// <summary>Reads and validates the settings; each bad one is added to <paramref name="problems"/>.</summary>
    /// <param name="configuration">Environment and switches.</param>
    /// <param name="tableNameKey">The configuration key naming this command's table (e.g. <c>AZURE_ALIAS_TABLE</c>).</param>
    /// <param name="defaultTableName">The gateway's default name of that table.</param>
    /// <param name="problems">Where problems are added.</param>
    public static TableSettings? Read(IConfiguration configuration, string tableNameKey, string defaultTableName, List<string> problems)
    {
        var before = problems.Count;
        var connectionString = ValueOrNull(configuration[ConnectionStringKey]);
        var endpointText = ValueOrNull(configuration[TableEndpointKey]);
        Uri? endpoint = null;
        if (connectionString is null)
        {
            if (endpointText is null)
            {
                problems.Add($"No table to work on: give {TableEndpointSwitch} ({TableEndpointKey}) or {ConnectionStringSwitch} ({ConnectionStringKey}).");
            }
            else if (!Uri.TryCreate(endpointText, UriKind.Absolute, out endpoint) || endpoint.Scheme != Uri.UriSchemeHttps)
            {
                problems.Add($"{TableEndpointSwitch} ({TableEndpointKey}) must be an absolute https URI; got '{endpointText}'.");
            }
        }

        var tableName = ValueOrNull(configuration[tableNameKey]) ?? defaultTableName;
        if (!IsValidTableName(tableName))
        {
            problems.Add($"{TableSwitch} ({tableNameKey}) must be 3-63 letters and digits starting with a letter; got '{tableName}'.");
        }

        return problems.Count > before
            ? null
            : new TableSettings(connectionString, connectionString is null ? endpoint : null, ValueOrNull(configuration[TenantIdKey]), tableName);
    }

    /// <summary>Trims a setting; blank means not set.</summary>
    public static string? ValueOrNull(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static bool IsValidTableName(string name) =>
        name.Length is >= 3 and <= 63 && char.IsAsciiLetter(name[0]) && name.All(char.IsAsciiLetterOrDigit);
}
