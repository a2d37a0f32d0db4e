namespace FunctionsRouter.Gateway.Limits;

/// <summary>Which limit refused a request.</summary>
public enum LimitKind
{
    /// <summary>Requests per minute: 429 <c>rate_limit_exceeded</c>.</summary>
    Rpm,

    /// <summary>Tokens per minute: 429 <c>rate_limit_exceeded</c>.</summary>
    Tpm,

    /// <summary>The request's own estimate is larger than the tokens-per-minute limit: it can never be admitted.</summary>
    RequestTooLarge,

    /// <summary>The day's tokens are spent: 429 <c>insufficient_quota</c> until UTC midnight.</summary>
    TokensPerDay,

    /// <summary>The month's tokens are spent: 429 <c>insufficient_quota</c> until the 1st.</summary>
    TokensPerMonth,
}
