namespace FunctionsRouter.Cli.CommandLine;

/// <summary>What the process exit code says; scripts can tell a typo from an outage.</summary>
internal static class CliExitCodes
{
    public const int Succeeded = 0;

    /// <summary>An unknown command or option, a missing or bad value: nothing was read or written.</summary>
    public const int InvalidArguments = 1;

    /// <summary>Table storage could not be reached, refused, or the rows were not as expected.</summary>
    public const int Failed = 2;

    /// <summary>No caller has the id given.</summary>
    public const int NotFound = 3;
}
