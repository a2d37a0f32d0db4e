using Azure;
using Azure.Data.Tables;
using FunctionsRouter.Gateway.Callers;

namespace FunctionsRouter.Cli.Tests.Callers;

/// <summary>Reads a caller table as the gateway would, and every row of it as text (to look for keys).</summary>
internal sealed class CallerTableRows(TableServiceClient service, string tableName)
{
    private readonly TableClient _table = service.GetTableClient(tableName);

    /// <summary>Every row, or none when the table does not exist.</summary>
    public async Task<List<TableEntity>> AllAsync()
    {
        var rows = new List<TableEntity>();
        try
        {
            await foreach (var row in _table.QueryAsync<TableEntity>())
            {
                rows.Add(row);
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // No table: no rows.
        }

        return rows;
    }

    public async Task<bool> TableExistsAsync()
    {
        await foreach (var _ in service.QueryAsync(t => t.Name == tableName))
        {
            return true;
        }

        return false;
    }

    public async Task<CallerRecord> CallerAsync(string id)
    {
        var entity = (await _table.GetEntityAsync<TableEntity>(CallerTable.CallerPartition, id)).Value;
        Assert.True(CallerRecord.TryFrom(entity, out var record, out var problem), problem);
        return record!;
    }

    public async Task<List<TableEntity>> KeyRowsAsync() =>
        [.. (await AllAsync()).Where(row => row.PartitionKey == CallerTable.KeyPartition)];

    /// <summary>Fails when any key, value or column of any row contains <paramref name="secret"/>.</summary>
    public async Task AssertNoRowContainsAsync(string secret)
    {
        foreach (var row in await AllAsync())
        {
            foreach (var (column, value) in row)
            {
                Assert.DoesNotContain(secret, column, StringComparison.Ordinal);
                Assert.DoesNotContain(secret, Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty, StringComparison.Ordinal);
            }
        }
    }
}
