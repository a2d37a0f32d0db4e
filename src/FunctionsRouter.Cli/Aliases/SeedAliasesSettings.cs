using System.Globalization;
using FunctionsRouter.Cli.Storage;
using Microsoft.Extensions.Configuration;

namespace FunctionsRouter.Cli.Aliases;

/// <summary>
/// What <c>aliases seed</c> seeds, read from configuration: azd's environment variables (the Bicep outputs of
/// <c>infra/main.bicep</c>), overridden by the command's switches. Where it writes is <see cref="TableSettings"/>.
/// </summary>
internal sealed record SeedAliasesSettings
{
    /// <summary>Name of the alias table (Bicep output of the same name).</summary>
    public const string TableNameKey = "AZURE_ALIAS_TABLE";

    /// <summary>Comma-separated model deployment names (Bicep output of the same name).</summary>
    public const string DeploymentNamesKey = "AZURE_AI_DEPLOYMENT_NAMES";

    /// <summary>Attempts per write while Table Storage answers 403 (a fresh role assignment propagating).</summary>
    public const string PermissionAttemptsKey = "ALIAS_SEEDER_PERMISSION_ATTEMPTS";

    /// <summary>Seconds between those attempts.</summary>
    public const string PermissionRetrySecondsKey = "ALIAS_SEEDER_PERMISSION_RETRY_SECONDS";

    public const string DeploymentsSwitch = "--deployments";
    public const string PermissionAttemptsSwitch = "--permission-attempts";
    public const string PermissionRetrySecondsSwitch = "--permission-retry-seconds";

    /// <summary>The gateway's default alias table (<c>Router__AliasTable</c>).</summary>
    public const string DefaultTableName = "ModelAliases";

    /// <summary>
    /// Role assignments made by the same <c>azd provision</c> can take a few minutes to reach the storage data plane;
    /// until then the service answers 403. 20 attempts 15 s apart wait up to about five minutes.
    /// </summary>
    public const int DefaultPermissionAttempts = 20;

    /// <inheritdoc cref="DefaultPermissionAttempts"/>
    public const int DefaultPermissionRetrySeconds = 15;

    /// <summary>Characters Table Storage does not allow in a partition key (besides control characters).</summary>
    private static readonly char[] ForbiddenKeyCharacters = ['/', '\\', '#', '?'];

    /// <summary>Distinct by alias (case-insensitive), in the order given.</summary>
    public required IReadOnlyList<string> DeploymentNames { get; init; }

    public required int PermissionAttempts { get; init; }

    public required TimeSpan PermissionRetryDelay { get; init; }

    /// <summary>Reads and validates the settings; each bad one is added to <paramref name="problems"/>.</summary>
    public static SeedAliasesSettings? Read(IConfiguration configuration, List<string> problems)
    {
        var before = problems.Count;
        var deploymentsText = configuration[DeploymentNamesKey];
        var deploymentNames = new List<string>();
        if (deploymentsText is null)
        {
            problems.Add($"No model deployments given: give {DeploymentsSwitch} ({DeploymentNamesKey}), comma-separated (may be empty).");
        }
        else
        {
            var aliases = new HashSet<string>(StringComparer.Ordinal);
            foreach (var name in deploymentsText.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (name.IndexOfAny(ForbiddenKeyCharacters) >= 0 || name.Any(char.IsControl))
                {
                    problems.Add($"Deployment name '{name}' cannot be an alias: it contains one of / \\ # ? or a control character.");
                }
                else if (aliases.Add(DefaultAliasRow.GetAlias(name)))
                {
                    deploymentNames.Add(name);
                }
            }
        }

        var attempts = ReadCount(configuration, PermissionAttemptsKey, PermissionAttemptsSwitch, DefaultPermissionAttempts, minimum: 1, problems);
        var retrySeconds = ReadCount(configuration, PermissionRetrySecondsKey, PermissionRetrySecondsSwitch, DefaultPermissionRetrySeconds, minimum: 0, problems);

        return problems.Count > before
            ? null
            : new SeedAliasesSettings
            {
                DeploymentNames = deploymentNames,
                PermissionAttempts = attempts,
                PermissionRetryDelay = TimeSpan.FromSeconds(retrySeconds),
            };
    }

    private static int ReadCount(IConfiguration configuration, string key, string switchName, int defaultValue, int minimum, List<string> problems)
    {
        var text = TableSettings.ValueOrNull(configuration[key]);
        if (text is null)
        {
            return defaultValue;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= minimum)
        {
            return value;
        }

        problems.Add($"{switchName} ({key}) must be a whole number of at least {minimum}; got '{text}'.");
        return defaultValue;
    }
}
