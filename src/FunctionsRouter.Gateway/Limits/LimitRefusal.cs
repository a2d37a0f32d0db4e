namespace FunctionsRouter.Gateway.Limits;

/// <summary>Why a request was not admitted: the limit, its value, how long until it would be, and for which alias.</summary>
internal readonly record struct LimitRefusal(LimitKind Kind, long Limit, TimeSpan RetryAfter, string? Alias);
