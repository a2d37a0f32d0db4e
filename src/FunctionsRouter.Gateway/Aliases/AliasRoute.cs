using System.Collections.Immutable;

namespace FunctionsRouter.Gateway.Aliases;

/// <summary>An alias and all its targets, ordered by priority (lower first) then by name.</summary>
public sealed class AliasRoute
{
    public AliasRoute(string alias, IEnumerable<AliasTarget> targets)
    {
        Alias = alias;
        Targets = [.. targets.OrderBy(t => t.Priority).ThenBy(t => t.Name, StringComparer.Ordinal)];
        HasEnabledTarget = Targets.Any(t => t.Enabled);
    }

    /// <summary>The alias as the table spells it.</summary>
    public string Alias { get; }

    public ImmutableArray<AliasTarget> Targets { get; }

    public bool HasEnabledTarget { get; }
}
