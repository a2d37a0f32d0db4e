using System.Text.Json.Serialization;

namespace FunctionsRouter.Gateway.Management;

/// <summary>An alias with its targets, as the management API and <c>aliases show --json</c> give it.</summary>
/// <param name="Alias">The alias as the table spells it (the PartitionKey).</param>
/// <param name="ETag">The alias's version: send it back in <c>If-Match</c> (<c>--if-match</c>) to change the alias only if nobody else did meanwhile.</param>
/// <param name="Targets">The targets the gateway can use, by priority then name.</param>
/// <param name="Problems">Rows the gateway skips (malformed, or naming an endpoint not in settings); absent when none.</param>
public sealed record AliasView(string Alias, [property: JsonPropertyName("etag")] string ETag, IReadOnlyList<AliasTargetView> Targets, IReadOnlyList<AliasRowProblem>? Problems = null);
