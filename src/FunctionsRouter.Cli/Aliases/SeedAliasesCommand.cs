using System.CommandLine;
using FunctionsRouter.Cli.CommandLine;

namespace FunctionsRouter.Cli.Aliases;

/// <summary>
/// <c>aliases seed</c>: one alias per model deployment (azd's postprovision hook runs it with no switch: every setting
/// comes from the provisioning outputs azd exports). Idempotent: an existing row is left as it is.
/// </summary>
internal static class SeedAliasesCommand
{
    public static Command Create(CliContext context, GlobalOptions options)
    {
        var deployments = new Option<string?>(SeedAliasesSettings.DeploymentsSwitch)
        {
            Description = $"Comma-separated model deployment names; each gets the alias of its name lower-cased. Default: ${SeedAliasesSettings.DeploymentNamesKey}.",
            HelpName = "name,…",
        };
        var attempts = new Option<string?>(SeedAliasesSettings.PermissionAttemptsSwitch)
        {
            Description = $"Attempts per write while storage answers 403 (a new role assignment propagating). Default: ${SeedAliasesSettings.PermissionAttemptsKey} or {SeedAliasesSettings.DefaultPermissionAttempts}.",
            HelpName = "n",
        };
        var retrySeconds = new Option<string?>(SeedAliasesSettings.PermissionRetrySecondsSwitch)
        {
            Description = $"Seconds between those attempts. Default: ${SeedAliasesSettings.PermissionRetrySecondsKey} or {SeedAliasesSettings.DefaultPermissionRetrySeconds}.",
            HelpName = "s",
        };
        (Option<string?>, string)[] switches =
        [
            (deployments, SeedAliasesSettings.DeploymentNamesKey),
            (attempts, SeedAliasesSettings.PermissionAttemptsKey),
            (retrySeconds, SeedAliasesSettings.PermissionRetrySecondsKey),
        ];

        var command = new Command("seed", "Write one alias row per model deployment, where that alias has no 'primary' row yet.")
        {
            deployments,
            attempts,
            retrySeconds,
        };
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(
            context,
            options,
            parse,
            (SeedAliasesSettings.TableNameKey, SeedAliasesSettings.DefaultTableName),
            switches,
            Prepare,
            cancellationToken));
        return command;
    }

    private static Func<CommandTables, CancellationToken, Task<CommandOutput>>? Prepare(CommandInvocation invocation, List<string> problems)
    {
        if (SeedAliasesSettings.Read(invocation.Settings, problems) is not { } settings)
        {
            return null;
        }

        return async (tables, cancellationToken) =>
        {
            var table = tables.Table;
            if (settings.DeploymentNames.Count == 0)
            {
                return CommandOutput.Create(new AliasSeedView(table.Name, []), CliJsonContext.Default.AliasSeedView, "No model deployments given: no alias to seed.");
            }

            var seeder = new AliasTableSeeder(table, invocation.Progress, settings.PermissionRetryDelay, settings.PermissionAttempts);
            var results = await seeder.SeedAsync(settings.DeploymentNames, cancellationToken);
            return CommandOutput.Create(
                new AliasSeedView(table.Name, [.. results.Select(AliasSeedView.Row.From)]),
                CliJsonContext.Default.AliasSeedView,
                string.Join(Environment.NewLine, results.Select(result => Describe(result, table.Name))));
        };
    }

    private static string Describe(AliasSeedResult result, string tableName) => result.Outcome switch
    {
        AliasSeedOutcome.Inserted =>
            $"Seeded alias '{result.Alias}' -> deployment '{result.Deployment}' in table {tableName}.",
        _ =>
            $"Alias '{result.Alias}' already has a '{DefaultAliasRow.TargetName}' row in table {tableName}; left it unchanged.",
    };
}
