using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Configuration;

namespace FunctionsRouter.AliasSeeder;

/// <summary>
/// What to seed and where, read from configuration: azd's environment variables (the Bicep outputs of
/// <c>infra/main.bicep</c>), overridden by command-line switches.
/// </summary>
internal sealed record SeedAliasesSettings
{
    /// <summary>Table service endpoint, reached with the signed-in identity (Bicep output of the same name).</summary>
    public const string TableEndpointKey = "AZURE_TABLE_ENDPOINT";

    /// <summary>A storage connection string (local Azurite, tests); when set it wins over the endpoint.</summary>
    public const string ConnectionStringKey = "ALIAS_SEEDER_CONNECTION_STRING";

    /// <summary>Name of the alias table (Bicep output of the same name).</summary>
    public const string TableNameKey = "AZURE_ALIAS_TABLE";

    /// <summary>Comma-separated model deployment names (Bicep output of the same name).</summary>
    public const string DeploymentNamesKey = "AZURE_AI_DEPLOYMENT_NAMES";

    /// <summary>Tenant to request tokens from (Bicep output of the same name); optional.</summary>
    public const string TenantIdKey = "AZURE_TENANT_ID";

    /// <summary>Attempts per write while Table Storage answers 403 (a fresh role assignment propagating).</summary>
    public const string PermissionAttemptsKey = "ALIAS_SEEDER_PERMISSION_ATTEMPTS";

    /// <summary>Seconds between those attempts.</summary>
    public const string PermissionRetrySecondsKey = "ALIAS_SEEDER_PERMISSION_RETRY_SECONDS";

    /// <summary>The gateway's default alias table (<c>Router__AliasTable</c>).</summary>
    public const string DefaultTableName = "ModelAliases";

    /// <summary>
    /// Role assignments made by the same <c>azd provision</c> can take a few minutes to reach the storage data plane;
    /// until then the service answers 403. 20 attempts 15 s apart wait up to about five minutes.
    /// </summary>
    public const int DefaultPermissionAttempts = 20;

    /// <inheritdoc cref="DefaultPermissionAttempts"/>
    public const int DefaultPermissionRetrySeconds = 15;

    public static string Usage { get; } =
        "Usage: dotnet run --project src/FunctionsRouter.AliasSeeder -- " +
        "(--table-endpoint <https://account.table.core.windows.net/> | --connection-string <connection string>) " +
        "--deployments <name>[,<name>...] [--table <name>] [--tenant-id <tenant>] " +
        "[--permission-attempts <n>] [--permission-retry-seconds <s>]\n" +
        $"Each switch falls back to an environment variable: {TableEndpointKey}, {ConnectionStringKey}, " +
        $"{DeploymentNamesKey}, {TableNameKey} (default {DefaultTableName}), {TenantIdKey}, " +
        $"{PermissionAttemptsKey} (default {DefaultPermissionAttempts}), {PermissionRetrySecondsKey} (default {DefaultPermissionRetrySeconds}).";

    /// <summary>Command-line switches and the configuration keys they set.</summary>
    public static IDictionary<string, string> SwitchMappings { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["--table-endpoint"] = TableEndpointKey,
        ["--connection-string"] = ConnectionStringKey,
        ["--table"] = TableNameKey,
        ["--deployments"] = DeploymentNamesKey,
        ["--tenant-id"] = TenantIdKey,
        ["--permission-attempts"] = PermissionAttemptsKey,
        ["--permission-retry-seconds"] = PermissionRetrySecondsKey,
    };

    /// <summary>Characters Table Storage does not allow in a partition key (besides control characters).</summary>
    private static readonly char[] ForbiddenKeyCharacters = ['/', '\\', '#', '?'];

    public Uri? TableEndpoint { get; init; }

    public string? ConnectionString { get; init; }

    public required string TableName { get; init; }

    /// <summary>Distinct by alias (case-insensitive), in the order given.</summary>
    public required IReadOnlyList<string> DeploymentNames { get; init; }

    public string? TenantId { get; init; }

    public required int PermissionAttempts { get; init; }

    public required TimeSpan PermissionRetryDelay { get; init; }

    /// <summary>Reads and validates the settings; on failure <paramref name="problems"/> names each bad setting.</summary>
    public static bool TryCreate(
        IConfiguration configuration,
        [NotNullWhen(true)] out SeedAliasesSettings? settings,
        out IReadOnlyList<string> problems)
    {
        var found = new List<string>();
        var connectionString = ValueOrNull(configuration[ConnectionStringKey]);
        var endpointText = ValueOrNull(configuration[TableEndpointKey]);
        Uri? endpoint = null;
        if (connectionString is null)
        {
            if (endpointText is null)
            {
                found.Add($"No table to write to: give --table-endpoint ({TableEndpointKey}) or --connection-string ({ConnectionStringKey}).");
            }
            else if (!Uri.TryCreate(endpointText, UriKind.Absolute, out endpoint) || endpoint.Scheme != Uri.UriSchemeHttps)
            {
                found.Add($"--table-endpoint ({TableEndpointKey}) must be an absolute https URI; got '{endpointText}'.");
            }
        }

        var tableName = ValueOrNull(configuration[TableNameKey]) ?? DefaultTableName;
        if (!IsValidTableName(tableName))
        {
            found.Add($"--table ({TableNameKey}) must be 3-63 letters and digits starting with a letter; got '{tableName}'.");
        }

        var deploymentsText = configuration[DeploymentNamesKey];
        var deploymentNames = new List<string>();
        if (deploymentsText is null)
        {
            found.Add($"No model deployments given: give --deployments ({DeploymentNamesKey}), comma-separated (may be empty).");
        }
        else
        {
            var aliases = new HashSet<string>(StringComparer.Ordinal);
            foreach (var name in deploymentsText.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (name.IndexOfAny(ForbiddenKeyCharacters) >= 0 || name.Any(char.IsControl))
                {
                    found.Add($"Deployment name '{name}' cannot be an alias: it contains one of / \\ # ? or a control character.");
                }
                else if (aliases.Add(DefaultAliasRow.GetAlias(name)))
                {
                    deploymentNames.Add(name);
                }
            }
        }

        var attempts = ReadCount(configuration, PermissionAttemptsKey, "--permission-attempts", DefaultPermissionAttempts, minimum: 1, found);
        var retrySeconds = ReadCount(configuration, PermissionRetrySecondsKey, "--permission-retry-seconds", DefaultPermissionRetrySeconds, minimum: 0, found);

        problems = found;
        settings = found.Count > 0
            ? null
            : new SeedAliasesSettings
            {
                TableEndpoint = endpoint,
                ConnectionString = connectionString,
                TableName = tableName,
                DeploymentNames = deploymentNames,
                TenantId = ValueOrNull(configuration[TenantIdKey]),
                PermissionAttempts = attempts,
                PermissionRetryDelay = TimeSpan.FromSeconds(retrySeconds),
            };
        return settings is not null;
    }

    private static int ReadCount(IConfiguration configuration, string key, string switchName, int defaultValue, int minimum, List<string> found)
    {
        var text = ValueOrNull(configuration[key]);
        if (text is null)
        {
            return defaultValue;
        }

        if (int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value) && value >= minimum)
        {
            return value;
        }

        found.Add($"{switchName} ({key}) must be a whole number of at least {minimum}; got '{text}'.");
        return defaultValue;
    }

    private static string? ValueOrNull(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static bool IsValidTableName(string name) =>
        name.Length is >= 3 and <= 63 && char.IsAsciiLetter(name[0]) && name.All(char.IsAsciiLetterOrDigit);
}
