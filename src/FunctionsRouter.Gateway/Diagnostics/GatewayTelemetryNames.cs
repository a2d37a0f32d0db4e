namespace FunctionsRouter.Gateway.Diagnostics;

/// <summary>
/// The names under which the gateway publishes traces and metrics: what a host passes to OpenTelemetry's
/// <c>AddSource</c> and <c>AddMeter</c>, and what dashboards and alerts query.
/// </summary>
public static class GatewayTelemetryNames
{
    /// <summary>The <see cref="System.Diagnostics.ActivitySource"/> of the request and upstream-attempt spans.</summary>
    public const string ActivitySourceName = "FunctionsRouter.Gateway";

    /// <summary>The <see cref="System.Diagnostics.Metrics.Meter"/> of every gateway metric.</summary>
    public const string MeterName = "FunctionsRouter.Gateway";

    /// <summary>Histogram of input and output tokens per request (<c>{token}</c>; GenAI semantic conventions).</summary>
    public const string TokenUsage = "gen_ai.client.token.usage";

    /// <summary>Histogram of request duration, arrival to last byte (<c>s</c>; GenAI semantic conventions).</summary>
    public const string OperationDuration = "gen_ai.client.operation.duration";

    /// <summary>Histogram of time to the first streamed chunk relayed to the caller (<c>s</c>; GenAI semantic conventions).</summary>
    public const string TimeToFirstChunk = "gen_ai.client.operation.time_to_first_chunk";

    /// <summary>Histogram of the time the gateway itself adds to a request (<c>s</c>).</summary>
    public const string GatewayOverhead = "functionsrouter.gateway.overhead";

    /// <summary>Counter of targets put in cooldown after a failure (<c>{event}</c>).</summary>
    public const string CooldownEvents = "functionsrouter.cooldown.events";

    /// <summary>Gauge of usage records not yet in the table, queued or held by the writer (<c>{record}</c>).</summary>
    public const string UsageQueueDepth = "functionsrouter.usage_queue.depth";

    /// <summary>Counter of usage records that did not fit in the queue since start (<c>{record}</c>).</summary>
    public const string UsageQueueDropped = "functionsrouter.usage_queue.dropped";

    /// <summary>Counter of requests refused by admission: 401, 403 and 503 before any routing (<c>{request}</c>; <c>error.type</c> says why).</summary>
    public const string AdmissionRefusals = "functionsrouter.admission.refusals";
}
