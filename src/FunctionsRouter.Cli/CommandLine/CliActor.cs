using FunctionsRouter.Gateway.Management;

namespace FunctionsRouter.Cli.CommandLine;

/// <summary>Who the audit trail names for a command: <c>cli:&lt;user name&gt;</c>, with a request id made for the command.</summary>
internal static class CliActor
{
    public static ManagementActor Create() => new("cli:" + Environment.UserName, Guid.NewGuid().ToString("N"));
}
