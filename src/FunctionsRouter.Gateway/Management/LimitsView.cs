using FunctionsRouter.Gateway.Limits;

namespace FunctionsRouter.Gateway.Management;

/// <summary>
/// A caller's limits as the management surfaces show them: <c>{"rpm","tpm","tokensPerDay","tokensPerMonth","aliases":{"&lt;alias&gt;":{…}}}</c>,
/// a limit not set left out (so a caller without limits shows <c>{}</c>).
/// </summary>
/// <param name="Rpm">Requests per minute.</param>
/// <param name="Tpm">Tokens per minute.</param>
/// <param name="TokensPerDay">Tokens per UTC day.</param>
/// <param name="TokensPerMonth">Tokens per calendar month.</param>
/// <param name="Aliases">Per alias, checked beside the caller's own; absent when none.</param>
public sealed record LimitsView(long? Rpm, long? Tpm, long? TokensPerDay, long? TokensPerMonth, IReadOnlyDictionary<string, LimitsView>? Aliases)
{
    public static LimitsView From(CallerLimits limits) => new(
        limits.Own.Rpm,
        limits.Own.Tpm,
        limits.Own.TokensPerDay,
        limits.Own.TokensPerMonth,
        limits.Aliases.Count == 0
            ? null
            : limits.Aliases.OrderBy(p => p.Key, StringComparer.OrdinalIgnoreCase).ToDictionary(p => p.Key, p => From(p.Value)));

    private static LimitsView From(LimitSet set) => new(set.Rpm, set.Tpm, set.TokensPerDay, set.TokensPerMonth, null);
}
