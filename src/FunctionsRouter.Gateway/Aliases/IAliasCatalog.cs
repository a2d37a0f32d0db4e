namespace FunctionsRouter.Gateway.Aliases;

/// <summary>The alias → targets map, cached. A writer (the admin API, later) calls <see cref="Invalidate"/> after a write.</summary>
public interface IAliasCatalog
{
    /// <summary>
    /// The current catalog: from memory while fresh, read again once older than the cache TTL. When the table cannot
    /// be read, the last catalog that could be read is served.
    /// </summary>
    /// <exception cref="AliasCatalogUnavailableException">The table has never been read successfully.</exception>
    ValueTask<AliasCatalogSnapshot> GetSnapshotAsync(CancellationToken cancellationToken = default);

    /// <summary>Makes the next <see cref="GetSnapshotAsync"/> read the table again.</summary>
    void Invalidate();
}
