namespace FunctionsRouter.Gateway.Errors;

/// <summary>An error the gateway answers with: its code, a message for people, and the request field at fault.</summary>
public sealed record GatewayError(GatewayErrorCode Code, string Message, string? Param = null)
{
    /// <summary>The HTTP status for <see cref="Code"/>.</summary>
    public int Status => GatewayErrors.StatusOf(Code);

    /// <summary>The snake_case code on the wire and in usage records.</summary>
    public string WireCode => GatewayErrors.WireCodeOf(Code);
}
