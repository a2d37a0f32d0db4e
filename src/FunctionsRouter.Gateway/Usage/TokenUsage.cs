namespace FunctionsRouter.Gateway.Usage;

/// <summary>Token counts as the upstream reported them; a count it did not report is <see langword="null"/>.</summary>
/// <remarks>
/// The Responses API's <c>input_tokens</c> / <c>output_tokens</c> are stored as <see cref="PromptTokens"/> /
/// <see cref="CompletionTokens"/>, so one column sums a caller's use across APIs.
/// </remarks>
public readonly record struct TokenUsage(int? PromptTokens, int? CompletionTokens, int? TotalTokens)
{
    /// <summary>Input tokens served from the prompt cache (Responses: <c>input_tokens_details.cached_tokens</c>).</summary>
    public int? CachedTokens { get; init; }

    /// <summary>Output tokens spent reasoning (Responses: <c>output_tokens_details.reasoning_tokens</c>).</summary>
    public int? ReasoningTokens { get; init; }

    public bool IsEmpty => PromptTokens is null && CompletionTokens is null && TotalTokens is null;
}
