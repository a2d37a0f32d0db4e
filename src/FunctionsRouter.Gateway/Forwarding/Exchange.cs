using FunctionsRouter.Gateway.Aliases;
using FunctionsRouter.Gateway.Callers;
using FunctionsRouter.Gateway.Requests;
using FunctionsRouter.Gateway.Usage;

namespace FunctionsRouter.Gateway.Forwarding;

/// <summary>What is known about one routed request as it goes; becomes its usage record.</summary>
internal sealed class Exchange(TimeProvider time, long startTimestamp, DateTimeOffset startTime, string requestId, CallerIdentity caller, GatewayOperation operation)
{
    public long StartTimestamp { get; } = startTimestamp;

    public string RequestId { get; } = requestId;

    public CallerIdentity Caller { get; } = caller;

    public GatewayOperation Operation { get; } = operation;

    /// <summary>The usage record's <c>Operation</c>; by default named after <see cref="Operation"/>.</summary>
    public string OperationName { get; init; } = operation switch
    {
        GatewayOperation.ChatCompletions => "chat.completions",
        GatewayOperation.Responses => "responses",
        _ => "embeddings",
    };

    /// <summary>
    /// The answer's usage is this request's (the default). Not for a call about a stored response: its answer repeats
    /// the usage counted when the response was created, so its record carries no tokens and no response id is remembered.
    /// </summary>
    public bool CountsTokens { get; init; } = true;

    public string Alias { get; set; } = string.Empty;

    public AliasTarget? Target { get; set; }

    public int Attempts { get; set; }

    /// <summary>Time spent in the gateway before the first upstream attempt started.</summary>
    public double GatewayMs { get; set; }

    public bool Streamed { get; set; }

    public double? TimeToFirstByteMs { get; set; }

    public string? UpstreamRequestId { get; set; }

    public TokenUsage Tokens { get; set; }

    /// <summary>The <c>model</c> the upstream reported (for telemetry; not in the usage record).</summary>
    public string? ResponseModel { get; set; }

    /// <summary>The finish reasons the upstream reported (for telemetry).</summary>
    public IReadOnlyList<string>? FinishReasons { get; set; }

    public bool UsageExact { get; set; } = true;

    public double ElapsedMs => time.GetElapsedTime(StartTimestamp).TotalMilliseconds;

    public UsageRecord ToRecord(int status, string? errorCode) => new()
    {
        RecordId = RandomGuids.Next(),
        Timestamp = startTime,
        RequestId = RequestId,
        Caller = Caller.Id,
        Alias = AliasNames.Shown(Alias), // An unknown name is the caller's text: capped to fit a table row.
        Operation = OperationName,
        Target = Target?.Name,
        Deployment = Target?.Deployment,
        Endpoint = Target?.Endpoint,
        HttpStatus = status,
        ErrorCode = errorCode,
        Tokens = Tokens,
        Cost = Target?.Price?.CostOf(Tokens),
        UsageExact = UsageExact,
        Streamed = Streamed,
        LatencyMs = ElapsedMs,
        TimeToFirstByteMs = TimeToFirstByteMs,
        UpstreamRequestId = UpstreamRequestId,
        Attempts = Attempts,
    };
}
