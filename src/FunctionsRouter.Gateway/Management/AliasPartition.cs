using Azure;
using Azure.Data.Tables;

namespace FunctionsRouter.Gateway.Management;

/// <summary>An alias's partition of the alias table as read: its target rows and its version row's ETag.</summary>
/// <param name="Alias">The PartitionKey, as the table spells it.</param>
/// <param name="Version">The version row's ETag; <see langword="null"/> when the alias was never written through the management API.</param>
/// <param name="Rows">The target rows (every row but the version row), each with its ETag.</param>
internal sealed record AliasPartition(string Alias, ETag? Version, IReadOnlyList<TableEntity> Rows)
{
    /// <summary>The ETag of an alias that has rows but no version row yet (seeded, or written by hand).</summary>
    public const string UnversionedETag = "W/\"unversioned\"";

    /// <summary>The alias's ETag as the management API shows it.</summary>
    public string ETag => Version is { } version ? version.ToString() : UnversionedETag;

    public bool Exists => Version is not null || Rows.Count > 0;
}
