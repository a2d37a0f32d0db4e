using Microsoft.Extensions.Configuration;

namespace FunctionsRouter.Cli.CommandLine;

/// <summary>One run of a command: whether it prints JSON, and its settings (environment and switches).</summary>
internal sealed record CommandInvocation(CliContext Context, bool Json, IConfiguration Settings)
{
    /// <summary>Where progress notes go: stderr under <c>--json</c>, so stdout holds only the one object.</summary>
    public TextWriter Progress => Json ? Context.Error : Context.Output;
}
