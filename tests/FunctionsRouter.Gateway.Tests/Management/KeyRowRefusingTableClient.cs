using Azure;
using Azure.Data.Tables;
using FunctionsRouter.Gateway.Callers;

namespace FunctionsRouter.Gateway.Tests.Management;

/// <summary>
/// A real (Azurite) caller table that refuses every insert into the key partition with a 500: a failure between a new
/// caller's two writes, which Azurite cannot produce on demand.
/// </summary>
internal sealed class KeyRowRefusingTableClient(TableClient inner) : TableClient
{
    public override string Name => inner.Name;

    public override Task<Response<Azure.Data.Tables.Models.TableItem>> CreateIfNotExistsAsync(CancellationToken cancellationToken = default) =>
        inner.CreateIfNotExistsAsync(cancellationToken);

    public override Task<Response> AddEntityAsync<T>(T entity, CancellationToken cancellationToken = default) =>
        entity.PartitionKey == CallerTable.KeyPartition
            ? throw new RequestFailedException(500, "The server encountered an internal error.", "InternalError", null)
            : inner.AddEntityAsync(entity, cancellationToken);

    public override Task<Response> DeleteEntityAsync(string partitionKey, string rowKey, ETag ifMatch = default, CancellationToken cancellationToken = default) =>
        inner.DeleteEntityAsync(partitionKey, rowKey, ifMatch, cancellationToken);
}
