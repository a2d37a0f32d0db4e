namespace FunctionsRouter.Gateway.Aliases;

/// <summary>The alias → targets map, cached. A writer (the admin API, later) calls <see cref="Invalidate"/> after a write.</summary>
public interface IAliasCatalog
{
    /// <summary>
    /// The current catalog: from memory, re-read in the background from half the cache TTL on. When the table cannot
    /// be read, the last catalog that could be read is served, up to <c>Router__MaxStaleness</c> old.
    /// </summary>
    /// <exception cref="AliasCatalogUnavailableException">Nothing servable is held and the table did not answer in time.</exception>
    ValueTask<AliasCatalogSnapshot> GetSnapshotAsync(CancellationToken cancellationToken = default);

    /// <summary>Makes the next <see cref="GetSnapshotAsync"/> wait (bounded) for a read of the table started after this call.</summary>
    void Invalidate();
}
