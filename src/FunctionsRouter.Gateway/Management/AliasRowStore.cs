using Azure;
using Azure.Data.Tables;
using FunctionsRouter.Gateway.Aliases;
using FunctionsRouter.Gateway.Errors;

namespace FunctionsRouter.Gateway.Management;

/// <summary>
/// The management reads and writes of the alias table (PartitionKey = alias, RowKey = target name). A change replaces
/// the whole partition in one entity-group transaction, so the gateway sees every row of it or none: the version row
/// (<see cref="AliasRowReader.VersionRowKey"/>) is written in every transaction (its ETag is the alias's ETag, and two
/// concurrent changes cannot both succeed), each target row kept or dropped carries the ETag it was read with, each new
/// one is an insert. Any row changed meanwhile fails the whole transaction.
/// </summary>
internal sealed class AliasRowStore(TableClient table)
{
    /// <summary>One entity-group transaction holds at most 100 operations.</summary>
    public const int MaxTransactionOperations = 100;

    private const string UpdatedAtColumn = "UpdatedAt";
    private const string UpdatedByColumn = "UpdatedBy";

    public string TableName => table.Name;

    /// <summary>
    /// The alias's partition: the exact PartitionKey first, else the one spelled differently (aliases match ignoring case,
    /// as the catalog matches them). An alias with no row is returned empty, spelled as asked.
    /// </summary>
    public async Task<AliasPartition> ReadAsync(string alias, CancellationToken cancellationToken)
    {
        var partition = await ReadPartitionAsync(alias, cancellationToken).ConfigureAwait(false);
        if (partition.Exists)
        {
            return partition;
        }

        // Only for a new or differently spelled alias: one pass over the partition keys.
        await foreach (var row in QueryAsync(filter: null, select: ["PartitionKey"], cancellationToken).ConfigureAwait(false))
        {
            if (string.Equals(row.PartitionKey, alias, StringComparison.OrdinalIgnoreCase) && row.PartitionKey != alias)
            {
                return await ReadPartitionAsync(row.PartitionKey, cancellationToken).ConfigureAwait(false);
            }
        }

        return partition;
    }

    /// <summary>Every alias's partition, by PartitionKey.</summary>
    public async Task<IReadOnlyList<AliasPartition>> ReadAllAsync(CancellationToken cancellationToken)
    {
        var partitions = new SortedDictionary<string, (ETag? Version, List<TableEntity> Rows)>(StringComparer.Ordinal);
        await foreach (var row in QueryAsync(filter: null, select: null, cancellationToken).ConfigureAwait(false))
        {
            if (!partitions.TryGetValue(row.PartitionKey, out var partition))
            {
                partition = (null, []);
            }

            if (AliasRowReader.IsVersionRow(row))
            {
                partition.Version = row.ETag;
            }
            else
            {
                partition.Rows.Add(row);
            }

            partitions[row.PartitionKey] = partition;
        }

        return [.. partitions.Select(p => new AliasPartition(p.Key, p.Value.Version, p.Value.Rows))];
    }

    /// <summary>Replaces the partition's rows with <paramref name="targets"/> in one transaction; returns the alias's new ETag.</summary>
    /// <exception cref="ManagementException"><see cref="GatewayErrorCode.PreconditionFailed"/> (a condition was given) or
    /// <see cref="GatewayErrorCode.Conflict"/> when a row changed meanwhile.</exception>
    public async Task<string> ReplaceAsync(AliasPartition before, IReadOnlyList<AliasTargetView> targets, ManagementActor actor, DateTimeOffset now, bool conditional, CancellationToken cancellationToken)
    {
        var actions = new List<TableTransactionAction> { VersionAction(before, actor, now) };
        var kept = new Dictionary<string, TableEntity>(StringComparer.Ordinal);
        foreach (var row in before.Rows)
        {
            kept[row.RowKey] = row;
        }

        foreach (var target in targets)
        {
            var entity = ToEntity(before.Alias, target);
            actions.Add(kept.Remove(target.Name, out var old)
                ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, entity, old.ETag)
                : new TableTransactionAction(TableTransactionActionType.Add, entity));
        }

        actions.AddRange(kept.Values.Select(row => new TableTransactionAction(TableTransactionActionType.Delete, row, row.ETag)));
        if (actions.Count > MaxTransactionOperations)
        {
            throw new ManagementException(
                GatewayErrorCode.InvalidAlias,
                $"This change touches {actions.Count - 1} target rows of alias '{before.Alias}' (kept, added and removed); one transaction holds at most {MaxTransactionOperations - 1}. Keep more target names, or change the alias in two steps.",
                "targets");
        }

        await table.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
        return await SubmitAsync(before.Alias, actions, conditional, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes every row of the partition, the version row too, in one transaction.</summary>
    public async Task DeleteAsync(AliasPartition before, bool conditional, CancellationToken cancellationToken)
    {
        var actions = before.Rows.Select(row => new TableTransactionAction(TableTransactionActionType.Delete, row, row.ETag)).ToList();
        if (before.Version is { } version)
        {
            actions.Add(new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(before.Alias, AliasRowReader.VersionRowKey), version));
        }

        if (actions.Count > MaxTransactionOperations)
        {
            throw new ManagementException(
                GatewayErrorCode.Conflict,
                $"Alias '{before.Alias}' has {actions.Count} rows; one transaction deletes at most {MaxTransactionOperations}. Delete some of its rows in the table first.");
        }

        await SubmitAsync(before.Alias, actions, conditional, cancellationToken).ConfigureAwait(false);
    }

    private async Task<string> SubmitAsync(string alias, List<TableTransactionAction> actions, bool conditional, CancellationToken cancellationToken)
    {
        try
        {
            var response = await table.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
            var version = response.Value.Count > 0 ? response.Value[0].Headers.ETag : null;
            return version?.ToString() ?? (await ReadPartitionAsync(alias, cancellationToken).ConfigureAwait(false)).ETag;
        }
        catch (TableTransactionFailedException ex) when (ex.Status is 404 or 409 or 412)
        {
            throw conditional
                ? new ManagementException(GatewayErrorCode.PreconditionFailed, $"Alias '{alias}' changed since it was read (its ETag no longer matches); nothing was written. Read it again and retry.")
                : new ManagementException(GatewayErrorCode.Conflict, $"Alias '{alias}' changed while this change ran; nothing was written. Read it again and retry.");
        }
    }

    private async Task<AliasPartition> ReadPartitionAsync(string alias, CancellationToken cancellationToken)
    {
        ETag? version = null;
        var rows = new List<TableEntity>();
        await foreach (var row in QueryAsync(TableClient.CreateQueryFilter($"PartitionKey eq {alias}"), select: null, cancellationToken).ConfigureAwait(false))
        {
            if (AliasRowReader.IsVersionRow(row))
            {
                version = row.ETag;
            }
            else
            {
                rows.Add(row);
            }
        }

        return new AliasPartition(alias, version, rows);
    }

    private async IAsyncEnumerable<TableEntity> QueryAsync(string? filter, IEnumerable<string>? select, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var pages = table.QueryAsync<TableEntity>(filter, select: select, cancellationToken: cancellationToken).AsPages().GetAsyncEnumerator(cancellationToken);
        try
        {
            while (true)
            {
                Page<TableEntity> page;
                try
                {
                    if (!await pages.MoveNextAsync().ConfigureAwait(false))
                    {
                        yield break;
                    }

                    page = pages.Current;
                }
                catch (RequestFailedException ex) when (ex.Status == 404)
                {
                    yield break; // No table yet: no alias.
                }

                foreach (var row in page.Values)
                {
                    yield return row;
                }
            }
        }
        finally
        {
            await pages.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static TableTransactionAction VersionAction(AliasPartition before, ManagementActor actor, DateTimeOffset now)
    {
        var entity = new TableEntity(before.Alias, AliasRowReader.VersionRowKey)
        {
            [UpdatedAtColumn] = now,
            [UpdatedByColumn] = actor.CallerId,
        };
        return before.Version is { } version
            ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, entity, version)
            : new TableTransactionAction(TableTransactionActionType.Add, entity);
    }

    private static TableEntity ToEntity(string alias, AliasTargetView target)
    {
        var entity = new TableEntity(alias, target.Name)
        {
            [AliasRowReader.DeploymentColumn] = target.Deployment,
            [AliasRowReader.EndpointColumn] = target.Endpoint,
            [AliasRowReader.EnabledColumn] = target.Enabled,
            [AliasRowReader.PriorityColumn] = target.Priority,
            [AliasRowReader.WeightColumn] = target.Weight,
        };
        if (target.Price is { } price)
        {
            entity[AliasRowReader.InputPriceColumn] = (double)price.InputPerMillion;
            entity[AliasRowReader.CachedInputPriceColumn] = (double)price.CachedInputPerMillion;
            entity[AliasRowReader.OutputPriceColumn] = (double)price.OutputPerMillion;
        }

        return entity;
    }
}
