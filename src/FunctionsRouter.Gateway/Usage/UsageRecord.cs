namespace FunctionsRouter.Gateway.Usage;

/// <summary>
/// One request that reached routing: who, which alias and deployment, what happened, how many tokens. Never a prompt
/// or a completion.
/// </summary>
public sealed record UsageRecord
{
    /// <summary>The gateway's own unique id for this record (the table key; a retried write of it cannot duplicate it).</summary>
    public required Guid RecordId { get; init; }

    /// <summary>When the request arrived.</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>The <c>x-request-id</c> the caller sent, or the one the gateway made.</summary>
    public required string RequestId { get; init; }

    public required string Caller { get; init; }

    /// <summary>The alias as the table spells it, or as the caller asked when it is unknown.</summary>
    public required string Alias { get; init; }

    /// <summary>
    /// <c>chat.completions</c>, <c>embeddings</c>, <c>responses</c>, or for a stored response <c>responses.get</c>,
    /// <c>responses.delete</c>, <c>responses.cancel</c>, <c>responses.input_items</c>.
    /// </summary>
    public required string Operation { get; init; }

    public string? Target { get; init; }

    public string? Deployment { get; init; }

    public string? Endpoint { get; init; }

    /// <summary>The status the caller got (499 when it went away first).</summary>
    public required int HttpStatus { get; init; }

    /// <summary>The gateway's error code, or the upstream's <c>error.code</c> family for upstream errors; null on success.</summary>
    public string? ErrorCode { get; init; }

    public TokenUsage Tokens { get; init; }

    /// <summary>
    /// What the request cost, in <c>Router__Currency</c>, from the serving target's price and <see cref="Tokens"/>
    /// (<see cref="Aliases.TargetPrice.CostOf"/>); <see langword="null"/> when the target has no price or no tokens were counted.
    /// </summary>
    public decimal? Cost { get; init; }

    /// <summary>
    /// Whether the token counts are the upstream's own. A stream cut before its usage chunk records the chunks it relayed
    /// as an estimate of completion tokens, and this is false.
    /// </summary>
    public bool UsageExact { get; init; } = true;

    public bool Streamed { get; init; }

    public double LatencyMs { get; init; }

    /// <summary>For streams: until the first byte went to the caller.</summary>
    public double? TimeToFirstByteMs { get; init; }

    public string? UpstreamRequestId { get; init; }

    /// <summary>How many upstream calls were made (0 when none was).</summary>
    public int Attempts { get; init; }
}
