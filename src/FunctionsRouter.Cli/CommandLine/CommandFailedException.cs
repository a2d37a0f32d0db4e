namespace FunctionsRouter.Cli.CommandLine;

/// <summary>A command that cannot go on, with the line to show and the exit code; reported in one place (<see cref="CommandRunner"/>).</summary>
internal sealed class CommandFailedException(string message, int exitCode = CliExitCodes.Failed) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
