namespace FunctionsRouter.Gateway.Usage;

/// <summary>Token counts as the upstream reported them; a count it did not report is <see langword="null"/>.</summary>
public readonly record struct TokenUsage(int? PromptTokens, int? CompletionTokens, int? TotalTokens)
{
    public bool IsEmpty => PromptTokens is null && CompletionTokens is null && TotalTokens is null;
}
