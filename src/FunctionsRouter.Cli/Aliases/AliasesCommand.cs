using System.CommandLine;
using FunctionsRouter.Cli.CommandLine;

namespace FunctionsRouter.Cli.Aliases;

/// <summary>The <c>aliases</c> commands.</summary>
internal static class AliasesCommand
{
    public static Command Create(CliContext context, GlobalOptions options) =>
        new("aliases", "Model aliases in the alias table (default ModelAliases).")
        {
            SeedAliasesCommand.Create(context, options),
        };
}
