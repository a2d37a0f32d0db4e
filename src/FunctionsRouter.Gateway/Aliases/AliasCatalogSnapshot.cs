using System.Collections.Frozen;

namespace FunctionsRouter.Gateway.Aliases;

/// <summary>The whole alias table as read at one moment: lookups cost no I/O.</summary>
public sealed class AliasCatalogSnapshot
{
    private readonly FrozenDictionary<string, AliasRoute> _routes;
    private readonly FrozenDictionary<string, AliasRoute>.AlternateLookup<ReadOnlySpan<char>> _bySpan;

    public AliasCatalogSnapshot(IEnumerable<AliasRoute> routes, DateTimeOffset loadedAt)
    {
        _routes = routes.ToFrozenDictionary(r => r.Alias, StringComparer.OrdinalIgnoreCase);
        _bySpan = _routes.GetAlternateLookup<ReadOnlySpan<char>>();
        LoadedAt = loadedAt;
    }

    public static AliasCatalogSnapshot Empty { get; } = new([], DateTimeOffset.MinValue);

    /// <summary>When the table was read.</summary>
    public DateTimeOffset LoadedAt { get; }

    /// <summary>Every alias, in name order.</summary>
    public IEnumerable<AliasRoute> Routes => _routes.Values.OrderBy(r => r.Alias, StringComparer.Ordinal);

    /// <summary>Finds an alias, case-insensitively.</summary>
    public bool TryGet(ReadOnlySpan<char> alias, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out AliasRoute? route) =>
        _bySpan.TryGetValue(alias, out route);
}
