namespace FunctionsRouter.Gateway.Limits;

/// <summary>
/// One set of limits: per minute (requests, tokens) and per UTC day and calendar month (tokens). A limit that is
/// <see langword="null"/> does not apply; none is ever zero (zero removes a limit when it is set).
/// </summary>
/// <param name="Rpm">Requests per minute.</param>
/// <param name="Tpm">Tokens per minute (prompt and completion).</param>
/// <param name="TokensPerDay">Tokens per UTC day.</param>
/// <param name="TokensPerMonth">Tokens per calendar month (UTC).</param>
public sealed record LimitSet(long? Rpm, long? Tpm, long? TokensPerDay, long? TokensPerMonth)
{
    public static LimitSet None { get; } = new(null, null, null, null);

    public bool IsEmpty => Rpm is null && Tpm is null && TokensPerDay is null && TokensPerMonth is null;

    /// <summary>Whether any limit counts tokens (and so the request's tokens must be estimated).</summary>
    public bool CountsTokens => Tpm is not null || TokensPerDay is not null || TokensPerMonth is not null;

    /// <summary>
    /// These limits with the given ones changed: a value given replaces the current one, <c>0</c> removes it, and
    /// <see langword="null"/> leaves it as it is.
    /// </summary>
    public LimitSet With(long? rpm, long? tpm, long? tokensPerDay, long? tokensPerMonth) => new(
        Changed(Rpm, rpm), Changed(Tpm, tpm), Changed(TokensPerDay, tokensPerDay), Changed(TokensPerMonth, tokensPerMonth));

    private static long? Changed(long? current, long? given) => given switch
    {
        null => current,
        0 => null,
        _ => given,
    };
}
