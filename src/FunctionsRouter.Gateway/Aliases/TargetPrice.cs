using FunctionsRouter.Gateway.Usage;

namespace FunctionsRouter.Gateway.Aliases;

/// <summary>
/// What a target's deployment charges, per million tokens, in the currency named by <c>Router__Currency</c>
/// (<see cref="Configuration.RouterOptions.Currency"/>). Read from the alias row's <c>InputPricePerMillion</c>,
/// <c>CachedInputPricePerMillion</c> and <c>OutputPricePerMillion</c> columns (<see cref="AliasRowReader"/>); a target
/// without them has no price, and its requests carry no cost.
/// </summary>
/// <param name="InputPerMillion">Price of a million prompt tokens not served from the prompt cache.</param>
/// <param name="CachedInputPerMillion">Price of a million prompt tokens served from the prompt cache.</param>
/// <param name="OutputPerMillion">Price of a million completion tokens (reasoning tokens included).</param>
public sealed record TargetPrice(decimal InputPerMillion, decimal CachedInputPerMillion, decimal OutputPerMillion)
{
    /// <summary>Costs are kept to this many decimal places (a billionth of the currency unit), in rows and in the rollup alike.</summary>
    public const int CostDecimals = 9;

    /// <summary>
    /// The cost of a request's tokens: (prompt − cached) × input + cached × cached input + completion × output, over a
    /// million, rounded to <see cref="CostDecimals"/> places. <see langword="null"/> when the tokens carry neither a
    /// prompt nor a completion count (nothing to price: no cost rather than a guessed zero). A count the upstream did not
    /// give is zero (embeddings have no completion); cached tokens beyond the prompt are cut to it.
    /// </summary>
    public decimal? CostOf(TokenUsage tokens)
    {
        if (tokens.PromptTokens is null && tokens.CompletionTokens is null)
        {
            return null;
        }

        decimal prompt = Math.Max(0, tokens.PromptTokens ?? 0);
        var cached = Math.Min(prompt, Math.Max(0, tokens.CachedTokens ?? 0));
        decimal completion = Math.Max(0, tokens.CompletionTokens ?? 0);
        var cost = (((prompt - cached) * InputPerMillion) + (cached * CachedInputPerMillion) + (completion * OutputPerMillion)) / 1_000_000m;
        return Math.Round(cost, CostDecimals, MidpointRounding.AwayFromZero);
    }
}
