using System.Collections.Frozen;
using FunctionsRouter.Gateway.Aliases;

namespace FunctionsRouter.Gateway.Callers;

/// <summary>
/// The aliases a caller may use: every one (<c>*</c>) or a list, matched case-insensitively as the catalog matches.
/// Stored in the caller table as <c>*</c> or a comma-separated list.
/// </summary>
public sealed class AliasAccess
{
    private const string AllText = "*";

    private readonly FrozenSet<string> _aliases;

    private AliasAccess(bool all, FrozenSet<string> aliases)
    {
        IsAll = all;
        _aliases = aliases;
    }

    /// <summary>Every alias.</summary>
    public static AliasAccess All { get; } = new(true, FrozenSet<string>.Empty);

    /// <summary>No alias at all (a registered caller whose grant was emptied).</summary>
    public static AliasAccess None { get; } = new(false, FrozenSet<string>.Empty);

    public bool IsAll { get; }

    /// <summary>The aliases granted, when not <see cref="IsAll"/>.</summary>
    public IReadOnlyCollection<string> Aliases => _aliases;

    public bool Allows(string alias) => IsAll || _aliases.Contains(alias);

    /// <summary>The stored form: <c>*</c>, or the aliases sorted and comma-separated.</summary>
    public override string ToString() => IsAll ? AllText : string.Join(',', _aliases.Order(StringComparer.OrdinalIgnoreCase));

    /// <summary>Both grants together: what a principal with several app roles may use.</summary>
    public AliasAccess Union(AliasAccess other) =>
        IsAll || other.IsAll ? All : new AliasAccess(false, _aliases.Concat(other._aliases).ToFrozenSet(StringComparer.OrdinalIgnoreCase));

    /// <summary>
    /// Reads <c>*</c> or <c>a,b,c</c> (spaces around names ignored, empty entries skipped). Every name must pass
    /// <see cref="AliasNames.IsValid"/>; otherwise <paramref name="problem"/> names the first bad one.
    /// </summary>
    public static bool TryParse(string? text, out AliasAccess access, out string? problem)
    {
        access = None;
        problem = null;
        var trimmed = text?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            return true;
        }

        if (trimmed == AllText)
        {
            access = All;
            return true;
        }

        var names = new List<string>();
        foreach (var part in trimmed.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == AllText)
            {
                access = All;
                return true;
            }

            if (!AliasNames.IsValid(part))
            {
                problem = $"'{(part.Length > 40 ? part[..40] + "…" : part)}' is not an alias name (1 to {AliasNames.MaxLength} letters, digits, '-', '_', '.', ':' or '@')";
                return false;
            }

            names.Add(part);
        }

        access = names.Count == 0 ? None : new AliasAccess(false, names.ToFrozenSet(StringComparer.OrdinalIgnoreCase));
        return true;
    }
}
