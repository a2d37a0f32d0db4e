using FunctionsRouter.Gateway.Errors;

namespace FunctionsRouter.Cli.CommandLine;

/// <summary>What the process exit code says; scripts can tell a typo from an outage.</summary>
internal static class CliExitCodes
{
    public const int Succeeded = 0;

    /// <summary>An unknown command or option, a missing or bad value: nothing was read or written.</summary>
    public const int InvalidArguments = 1;

    /// <summary>Table storage could not be reached, refused, or the rows were not as expected.</summary>
    public const int Failed = 2;

    /// <summary>No caller (or alias) has the id given.</summary>
    public const int NotFound = 3;

    /// <summary>The exit code of a gateway management error: not found 3, invalid input 1, anything else 2.</summary>
    public static int Of(GatewayErrorCode code) => code switch
    {
        GatewayErrorCode.CallerNotFound or GatewayErrorCode.AliasNotFound => NotFound,
        GatewayErrorCode.InvalidCaller or GatewayErrorCode.InvalidAlias or GatewayErrorCode.InvalidUsageQuery => InvalidArguments,
        _ => Failed,
    };
}
