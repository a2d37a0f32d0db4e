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
public sealed record TargetPrice(decimal InputPerMillion, decimal CachedInputPerMillion, decimal OutputPerMillion);
