namespace FunctionsRouter.Gateway.Management;

/// <summary>The gateway's error shape, for the OpenAPI document (<see cref="Errors.GatewayErrors"/> writes it): <c>{"error":{…}}</c>.</summary>
public sealed record GatewayErrorEnvelope(GatewayErrorEnvelope.Detail Error)
{
    /// <summary>The error: its wire code (<c>admin_required</c>, <c>invalid_alias</c>, …), a message, the OpenAI-style type, the field at fault, the status.</summary>
    public sealed record Detail(string Code, string Message, string Type, string? Param, int Status);
}
