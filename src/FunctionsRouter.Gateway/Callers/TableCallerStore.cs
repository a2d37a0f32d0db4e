using Azure;
using Azure.Data.Tables;
using FunctionsRouter.Gateway.Diagnostics;
using Microsoft.Extensions.Logging;

namespace FunctionsRouter.Gateway.Callers;

/// <summary>
/// Reads the caller table by point reads only. A row that cannot be used (bad kind, bad alias list) counts as absent and
/// is logged: it can only ever narrow access. A missing table is an empty table.
/// </summary>
internal sealed class TableCallerStore(TableClient table, ILogger<TableCallerStore> logger) : ICallerStore
{
    public async Task<CallerKeyRecord?> GetKeyAsync(KeyHash hash, CancellationToken cancellationToken = default)
    {
        var entity = await GetAsync(CallerTable.KeyPartition, hash.ToHex(), cancellationToken).ConfigureAwait(false);
        if (entity is null)
        {
            return null;
        }

        if (!CallerKeyRecord.TryFrom(entity, hash, out var record))
        {
            GatewayLog.CallerRowSkipped(logger, CallerTable.KeyPartition, "a key row", "the CallerId or ExpiresAt column is not usable");
            return null;
        }

        return record;
    }

    public async Task<CallerRecord?> GetCallerAsync(string id, CancellationToken cancellationToken = default)
    {
        var entity = await GetAsync(CallerTable.CallerPartition, id, cancellationToken).ConfigureAwait(false);
        if (entity is null)
        {
            return null;
        }

        if (!CallerRecord.TryFrom(entity, out var record, out var problem))
        {
            GatewayLog.CallerRowSkipped(logger, CallerTable.CallerPartition, id, problem!);
            return null;
        }

        return record;
    }

    private async Task<TableEntity?> GetAsync(string partitionKey, string rowKey, CancellationToken cancellationToken)
    {
        try
        {
            var response = await table.GetEntityIfExistsAsync<TableEntity>(partitionKey, rowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
            return response.HasValue ? response.Value : null;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null; // No caller table yet: nobody is registered.
        }
    }
}
