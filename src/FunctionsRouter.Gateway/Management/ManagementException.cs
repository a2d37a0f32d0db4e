using FunctionsRouter.Gateway.Errors;

namespace FunctionsRouter.Gateway.Management;

/// <summary>
/// A management operation that cannot go on, with the gateway error that says why. Each surface reports it in its own
/// way: the HTTP routes as that error's status and JSON, the command line as its message and an exit code.
/// </summary>
public sealed class ManagementException(GatewayError error) : Exception(error.Message)
{
    public ManagementException(GatewayErrorCode code, string message, string? param = null)
        : this(new GatewayError(code, message, param))
    {
    }

    public GatewayError Error { get; } = error;
}
