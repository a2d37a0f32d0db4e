using System.CommandLine;
using Azure.Data.Tables;
using FunctionsRouter.Cli.Storage;
using FunctionsRouter.Gateway.Management;

namespace FunctionsRouter.Cli.CommandLine;

/// <summary>
/// Runs a command the same way every time: every argument and setting is checked before the first table call (a bad
/// one prints every problem and exits 1, having touched nothing), then the command runs, and failures are reported
/// here, in one place, as one line on stderr with an exit code.
/// </summary>
internal static class CommandRunner
{
    /// <summary>
    /// Reads and checks the command's arguments, adding each problem to <paramref name="problems"/>; returns what to do
    /// against the table when there is none.
    /// </summary>
    public delegate Func<CommandTables, CancellationToken, Task<CommandOutput>>? Prepare(CommandInvocation invocation, List<string> problems);

    public static async Task<int> RunAsync(
        CliContext context,
        GlobalOptions options,
        ParseResult parse,
        (string NameKey, string DefaultName) table,
        IEnumerable<(Option<string?> Option, string Key)> switches,
        Prepare prepare,
        CancellationToken cancellationToken)
    {
        var settings = options.ReadSettings(parse, context.Environment, table.NameKey, switches);
        var invocation = new CommandInvocation(context, parse.GetValue(options.Json), settings);
        var problems = new List<string>();
        var run = prepare(invocation, problems);
        var tableSettings = TableSettings.Read(settings, table.NameKey, table.DefaultName, problems);
        if (problems.Count > 0 || run is null || tableSettings is null)
        {
            foreach (var problem in problems)
            {
                await context.Error.WriteLineAsync(problem);
            }

            await context.Error.WriteLineAsync($"Usage: {CliApplication.Launch} {CommandPath(parse)} --help");
            return CliExitCodes.InvalidArguments;
        }

        var networkTimeout = context.NetworkTimeout ?? TableClients.DefaultNetworkTimeout;
        try
        {
            var tables = new CommandTables(
                TableClients.Create(tableSettings, networkTimeout),
                name => TableClients.Create(tableSettings with { TableName = name }, networkTimeout));
            var output = await run(tables, cancellationToken);
            await context.Output.WriteLineAsync(invocation.Json ? output.Json : output.Text);
            return CliExitCodes.Succeeded;
        }
        catch (ManagementException ex)
        {
            await context.Error.WriteLineAsync(ex.Message);
            return CliExitCodes.Of(ex.Error.Code);
        }
        catch (Exception ex) when (StorageFailures.TryDescribe(ex, tableSettings.TableName, networkTimeout, cancellationToken, out var message))
        {
            await context.Error.WriteLineAsync(message);
            return CliExitCodes.Failed;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await context.Error.WriteLineAsync("Cancelled; nothing after the last completed step was written. Run the command again.");
            return CliExitCodes.Failed;
        }
    }

    /// <summary>The command's words, e.g. <c>callers create</c>.</summary>
    public static string CommandPath(ParseResult parse)
    {
        var names = new List<string>();
        for (var result = parse.CommandResult; result?.Parent is System.CommandLine.Parsing.CommandResult parent; result = parent)
        {
            names.Add(result.Command.Name);
        }

        names.Reverse();
        return string.Join(' ', names);
    }
}
