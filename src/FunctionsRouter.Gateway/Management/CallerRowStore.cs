using System.Buffers;
using Azure;
using Azure.Data.Tables;
using FunctionsRouter.Gateway.Callers;
using FunctionsRouter.Gateway.Errors;

namespace FunctionsRouter.Gateway.Management;

/// <summary>
/// The management reads and writes of the caller table (the command line and the <c>/api/manage/callers</c> routes),
/// in the gateway's layout (<see cref="CallerTable"/>): point reads for one caller, a partition query to list them, a
/// <see cref="TableClient.CreateQueryFilter(FormattableString)"/> filter for a caller's keys. Changes to an existing row carry its ETag, so an edit made meanwhile is never overwritten.
/// </summary>
internal sealed class CallerRowStore(TableClient table)
{
    public string TableName => table.Name;

    public async Task CreateTableIfNotExistsAsync(CancellationToken cancellationToken) =>
        await table.CreateIfNotExistsAsync(cancellationToken);

    /// <summary>The caller with this id, or null when there is none (or no table yet).</summary>
    public async Task<StoredRow<CallerRecord>?> GetCallerAsync(string id, CancellationToken cancellationToken)
    {
        NullableResponse<TableEntity> response;
        try
        {
            response = await table.GetEntityIfExistsAsync<TableEntity>(CallerTable.CallerPartition, id, cancellationToken: cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }

        if (!response.HasValue)
        {
            return null;
        }

        return new StoredRow<CallerRecord>(ReadCaller(response.Value!), response.Value!.ETag);
    }

    /// <summary>Every caller, by id; an unreadable row is named in <paramref name="unreadable"/> instead.</summary>
    public async Task<List<CallerRecord>> ListCallersAsync(List<string> unreadable, CancellationToken cancellationToken)
    {
        var callers = new List<CallerRecord>();
        try
        {
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {CallerTable.CallerPartition}");
            await foreach (var entity in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
            {
                if (CallerRecord.TryFrom(entity, out var record, out var problem))
                {
                    callers.Add(record!);
                }
                else
                {
                    unreadable.Add($"Caller row '{entity.RowKey}' is unreadable: {problem}.");
                }
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // No table yet: no caller.
        }

        return callers;
    }

    /// <summary>The caller's key rows (hashes only), oldest first.</summary>
    public async Task<List<StoredRow<CallerKeyRecord>>> GetKeysAsync(string callerId, CancellationToken cancellationToken)
    {
        var keys = new List<StoredRow<CallerKeyRecord>>();
        try
        {
            // Every interpolated value is quoted as a string literal, so the column's name is written out (CallerTable.CallerIdColumn).
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {CallerTable.KeyPartition} and CallerId eq {callerId}");
            await foreach (var entity in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
            {
                if (TryParseHash(entity.RowKey, out var hash) && CallerKeyRecord.TryFrom(entity, hash, out var record))
                {
                    keys.Add(new StoredRow<CallerKeyRecord>(record!, entity.ETag));
                }
                else
                {
                    throw new ManagementException(
                        GatewayErrorCode.Conflict,
                        $"A key row of caller '{callerId}' is unreadable (created {entity.Timestamp:u}); fix or delete it in the table first.");
                }
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // No table yet: no key.
        }

        keys.Sort((a, b) => a.Value.CreatedAt.CompareTo(b.Value.CreatedAt));
        return keys;
    }

    /// <summary>Inserts a new caller row; one already there with the same id is a conflict, never overwritten.</summary>
    public async Task<StoredRow<CallerRecord>> AddCallerAsync(CallerRecord caller, string conflictMessage, CancellationToken cancellationToken)
    {
        try
        {
            var response = await table.AddEntityAsync(caller.ToEntity(), cancellationToken);
            return new StoredRow<CallerRecord>(caller, response.Headers.ETag ?? ETag.All);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            throw new ManagementException(GatewayErrorCode.Conflict, conflictMessage);
        }
    }

    public async Task AddKeyAsync(CallerKeyRecord key, CancellationToken cancellationToken) =>
        await table.AddEntityAsync(key.ToEntity(), cancellationToken);

    /// <summary>Replaces a caller row read earlier, only if it has not changed since.</summary>
    public async Task ReplaceCallerAsync(StoredRow<CallerRecord> before, CallerRecord after, CancellationToken cancellationToken)
    {
        try
        {
            await table.UpdateEntityAsync(after.ToEntity(), before.ETag, TableUpdateMode.Replace, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status is 412 or 404)
        {
            throw ChangedMeanwhile(after.Id);
        }
    }

    /// <summary>Replaces a key row read earlier (a new expiry), only if it has not changed since.</summary>
    public async Task ReplaceKeyAsync(StoredRow<CallerKeyRecord> before, CallerKeyRecord after, CancellationToken cancellationToken)
    {
        try
        {
            await table.UpdateEntityAsync(after.ToEntity(), before.ETag, TableUpdateMode.Replace, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status is 412 or 404)
        {
            throw ChangedMeanwhile(after.CallerId);
        }
    }

    /// <summary>Deletes a key row; one already gone counts as deleted.</summary>
    public async Task DeleteKeyAsync(StoredRow<CallerKeyRecord> key, CancellationToken cancellationToken)
    {
        try
        {
            await table.DeleteEntityAsync(CallerTable.KeyPartition, key.Value.Hash.ToHex(), ETag.All, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // Already gone.
        }
    }

    /// <summary>Deletes a caller row read earlier, only if it has not changed since.</summary>
    public async Task DeleteCallerAsync(StoredRow<CallerRecord> caller, CancellationToken cancellationToken)
    {
        try
        {
            await table.DeleteEntityAsync(CallerTable.CallerPartition, caller.Value.Id, caller.ETag, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 412)
        {
            throw ChangedMeanwhile(caller.Value.Id);
        }
    }

    private static CallerRecord ReadCaller(TableEntity entity) =>
        CallerRecord.TryFrom(entity, out var record, out var problem)
            ? record!
                : throw new ManagementException(GatewayErrorCode.Conflict, $"Caller row '{entity.RowKey}' is unreadable: {problem}. Fix it in the table, or delete the caller.");

    private static ManagementException ChangedMeanwhile(string id) =>
        new(GatewayErrorCode.Conflict, $"Caller '{id}' changed while this change ran; nothing more was written. Read it again (`callers show {id}`) and retry.");

    private static bool TryParseHash(string rowKey, out KeyHash hash)
    {
        Span<byte> bytes = stackalloc byte[32];
        if (rowKey.Length == 64 && Convert.FromHexString(rowKey, bytes, out _, out var written) == OperationStatus.Done && written == 32)
        {
            hash = KeyHash.From(bytes);
            return true;
        }

        hash = default;
        return false;
    }
}
