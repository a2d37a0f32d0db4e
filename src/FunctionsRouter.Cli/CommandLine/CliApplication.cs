using System.CommandLine;
using FunctionsRouter.Cli.Aliases;
using FunctionsRouter.Cli.Callers;
using FunctionsRouter.Cli.Usage;

namespace FunctionsRouter.Cli.CommandLine;

/// <summary>The command tree (<c>aliases seed</c>, <c>callers …</c>) and its one entry point, used by Program and the tests.</summary>
internal static class CliApplication
{
    /// <summary>How the tool is started from the repository's root (azd's hook does the same).</summary>
    public const string Launch = "dotnet run --project src/FunctionsRouter.Cli --";

    public static async Task<int> RunAsync(IReadOnlyList<string> args, CliContext context, CancellationToken cancellationToken = default)
    {
        var options = new GlobalOptions();
        var root = new RootCommand("FunctionsRouter's admin command line: model aliases and callers (gateway keys, Entra grants) in Table Storage, and usage reports.");
        foreach (var option in options.All)
        {
            root.Options.Add(option);
        }

        root.Subcommands.Add(AliasesCommand.Create(context, options));
        root.Subcommands.Add(CallersCommand.Create(context, options));
        root.Subcommands.Add(UsageCommand.Create(context, options));

        // No response files: an argument starting with '@' is a value, not a file to read.
        var parse = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                await context.Error.WriteLineAsync(error.Message);
            }

            await context.Error.WriteLineAsync($"Usage: {Launch} {CommandRunner.CommandPath(parse)} --help".Replace("  ", " ", StringComparison.Ordinal));
            return CliExitCodes.InvalidArguments;
        }

        // Program cancels on Ctrl+C itself, so the parser installs no signal handlers (tests run many commands in one
        // process). Expected failures are reported by CommandRunner; anything else is a bug and is not dressed up as
        // exit code 1 (bad arguments) by the parser's default handler.
        return await parse.InvokeAsync(
            new InvocationConfiguration
            {
                Output = context.Output,
                Error = context.Error,
                ProcessTerminationTimeout = null,
                EnableDefaultExceptionHandler = false,
            },
            cancellationToken);
    }
}
