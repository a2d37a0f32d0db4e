using System.Collections.Immutable;

namespace FunctionsRouter.Gateway.Aliases;

/// <summary>An alias and all its targets, ordered by priority (lower first) then by name.</summary>
public sealed class AliasRoute
{
    /// <summary>The most targets one alias can have; routing tracks tried targets in one 64-bit mask.</summary>
    public const int MaxTargets = 64;

    public AliasRoute(string alias, IEnumerable<AliasTarget> targets)
    {
        Alias = alias;
        Targets = [.. targets.OrderBy(t => t.Priority).ThenBy(t => t.Name, StringComparer.Ordinal).Take(MaxTargets)];
        HasEnabledTarget = Targets.Any(t => t.Enabled);
    }

    /// <summary>The alias as the table spells it.</summary>
    public string Alias { get; }

    public ImmutableArray<AliasTarget> Targets { get; }

    public bool HasEnabledTarget { get; }
}
