namespace FunctionsRouter.Gateway.Diagnostics;

/// <summary>
/// The attribute keys on the gateway's spans and metrics: the OpenTelemetry GenAI, HTTP and error conventions where
/// one applies, <c>functionsrouter.*</c> for what is the gateway's own. Never a prompt, a completion or a key.
/// </summary>
internal static class GatewayTelemetryAttributes
{
    public const string OperationName = "gen_ai.operation.name";
    public const string ProviderName = "gen_ai.provider.name";
    public const string RequestModel = "gen_ai.request.model";
    public const string ResponseModel = "gen_ai.response.model";
    public const string FinishReasons = "gen_ai.response.finish_reasons";
    public const string InputTokens = "gen_ai.usage.input_tokens";
    public const string OutputTokens = "gen_ai.usage.output_tokens";
    public const string TokenType = "gen_ai.token.type";
    public const string ServerAddress = "server.address";
    public const string ServerPort = "server.port";
    public const string HttpStatusCode = "http.response.status_code";
    public const string ErrorType = "error.type";

    public const string Alias = "functionsrouter.alias";
    public const string Target = "functionsrouter.target";
    public const string Deployment = "functionsrouter.deployment";
    public const string Endpoint = "functionsrouter.endpoint";
    public const string Attempt = "functionsrouter.attempt";
    public const string Attempts = "functionsrouter.attempts";
    public const string Caller = "functionsrouter.caller";
    public const string CallerKind = "functionsrouter.caller.kind";
    public const string Streamed = "functionsrouter.streamed";
    public const string UsageExact = "functionsrouter.usage_exact";
    public const string CooldownReason = "functionsrouter.cooldown.reason";
    public const string CooldownDuration = "functionsrouter.cooldown.duration";

    /// <summary>The span event added to the current span when a target is put in cooldown.</summary>
    public const string CooldownEvent = "functionsrouter.cooldown";

    /// <summary>
    /// The request-model value on metrics when the caller named no known alias: a caller-chosen string must not become
    /// a metric dimension (GenAI conventions use <c>_OTHER</c> for a value outside the known set).
    /// </summary>
    public const string OtherModel = "_OTHER";
}
