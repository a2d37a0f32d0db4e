using FunctionsRouter.Cli.CommandLine;
using Microsoft.Extensions.Configuration;

namespace FunctionsRouter.Cli.Tests;

/// <summary>One run of the command line, in-process as Program runs it, with what it printed.</summary>
internal sealed record CliRun(int ExitCode, string Output, string Error)
{
    /// <summary>
    /// Runs <paramref name="args"/> with an environment made of <paramref name="environment"/> only (never the test
    /// process's own variables), on <paramref name="time"/> or the system clock.
    /// </summary>
    public static async Task<CliRun> RunAsync(
        string[] args,
        IReadOnlyDictionary<string, string?>? environment = null,
        TimeProvider? time = null,
        TimeSpan? networkTimeout = null)
    {
        var settings = new ConfigurationBuilder().AddInMemoryCollection(environment ?? new Dictionary<string, string?>()).Build();
        var output = new StringWriter();
        var error = new StringWriter();

        var exitCode = await CliApplication.RunAsync(args, new CliContext(output, error, settings, time ?? TimeProvider.System, networkTimeout));

        return new CliRun(exitCode, output.ToString(), error.ToString());
    }

    public override string ToString() => $"exit {ExitCode}\nstdout: {Output}\nstderr: {Error}";
}
