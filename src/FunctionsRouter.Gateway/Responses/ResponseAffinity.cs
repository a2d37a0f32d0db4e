using FunctionsRouter.Gateway.Aliases;
using FunctionsRouter.Gateway.Health;

namespace FunctionsRouter.Gateway.Responses;

/// <summary>Where a stored response lives (the target that created it) and who created it.</summary>
/// <param name="ResponseId">The upstream's response id (<c>resp_…</c>).</param>
/// <param name="Alias">The alias the response was created through.</param>
/// <param name="Target">The alias row (RowKey) that served it.</param>
/// <param name="Endpoint">The endpoint's name in settings.</param>
/// <param name="Deployment">The deployment that created it.</param>
/// <param name="CallerId">The creating caller's <c>CallerIdentity.Id</c>: the only caller that may use it.</param>
/// <param name="CreatedAt">When the gateway relayed it; it is forgotten 30 days later, as upstreams forget it.</param>
public sealed record ResponseAffinity(string ResponseId, string Alias, string Target, string Endpoint, string Deployment, string CallerId, DateTimeOffset CreatedAt)
{
    /// <summary>
    /// The target to send follow-ups to: enabled whatever the alias table now says, since the response lives there only.
    /// Priced as the alias's target of that name is now, when <paramref name="current"/> still has it on the same deployment.
    /// </summary>
    internal AliasTarget ToTarget(AliasRoute? current = null) => new(Alias, Target, Deployment, Endpoint, Enabled: true, Priority: 0, Weight: 1)
    {
        Price = current?.Targets.FirstOrDefault(t => t.Name == Target && t.HealthKey == DeploymentKey.Of(Endpoint, Deployment))?.Price,
    };
}
