using System.Text;
using Azure;
using Azure.Data.Tables;
using FunctionsRouter.Gateway.Tests.Integration;
using FunctionsRouter.Gateway.Tests.Support;
using FunctionsRouter.Gateway.Usage;
using static FunctionsRouter.Gateway.Tests.Usage.UsageTestRecords;

namespace FunctionsRouter.Gateway.Tests.Usage;

/// <summary>The ledger's own entity-group transactions against a real Azurite table, read back with Azure.Data.Tables.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class UsageTableClientTests(IntegrationFixture fixture)
{
    [Fact]
    public async Task SubmitAsync_FullAndMinimalRecords_RowsReadBackWithTheSdkEqualTheRecordsColumnsAndTypes()
    {
        var (client, table, _) = await CreateAsync();
        var shard = 3;
        UsageRecord[] records =
        [
            Full("full-1") with { RecordId = IdInShard(shard) },
            Minimal("min-1", at: Full("x").Timestamp, id: IdInShard(shard)),
            Full("full-2", alias: "O'Brien/Modèle 模型 #1") with { RecordId = IdInShard(shard), TimeToFirstByteMs = null, Tokens = new TokenUsage(91, 27, 118) { ReasoningTokens = 12 }, LatencyMs = 0.0004 },
        ];

        await client.SubmitAsync(UsageRecordKeys.Partition(records[0]), records, CancellationToken.None);

        var rows = await ReadAllAsync(table);
        Assert.Equal(records.Length, rows.Count);
        foreach (var record in records)
        {
            AssertRowEquals(record, Assert.Single(rows, r => r.GetString("RequestId") == record.RequestId));
        }
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(100, 1)]
    [InlineData(101, 2)]
    public async Task Writer_OnePartition_RowsWrittenInTransactionsOfAtMost100(int count, int expectedBatches)
    {
        var transport = new ScriptedTableTransport();
        var (client, table, _) = await CreateAsync(transport);
        var records = Enumerable.Range(0, count).Select(i => Minimal($"b{i}", id: IdInShard(7))).ToList();
        var queue = UsageTableWriterTests.Queue();
        var writer = new UsageTableWriter(queue, client, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);

        records.ForEach(queue.Record);
        await writer.StartAsync(CancellationToken.None);
        await writer.StopAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);

        Assert.Equal(expectedBatches, transport.BatchBodies.Count);
        Assert.All(transport.BatchBodies, body => Assert.InRange(Occurrences(body, "\r\nPUT "), 1, 100));
        var rows = await ReadAllAsync(table);
        Assert.Equal(count, rows.Count);
        foreach (var record in records)
        {
            AssertRowEquals(record, Assert.Single(rows, r => r.GetString("RequestId") == record.RequestId));
        }

        Assert.Equal(count, queue.Written);
        Assert.Equal(0, queue.Depth);
        Assert.Equal(0, queue.Bytes);
    }

    [Fact]
    public async Task SubmitAsync_SameRowsTwice_UpsertsOneRowEach()
    {
        var (client, table, _) = await CreateAsync();
        var records = Enumerable.Range(0, 5).Select(i => Minimal($"u{i}", id: IdInShard(1))).ToArray();

        await client.SubmitAsync(UsageRecordKeys.Partition(records[0]), records, CancellationToken.None);
        var changed = records.Select(r => r with { HttpStatus = 499 }).ToArray();
        await client.SubmitAsync(UsageRecordKeys.Partition(records[0]), changed, CancellationToken.None);

        var rows = await ReadAllAsync(table);
        Assert.Equal(5, rows.Count);
        Assert.All(rows, row => Assert.Equal(499, row.GetInt32("HttpStatus")));
    }

    [Fact]
    public async Task SubmitAsync_RowTheTableRefuses_ThrowsItsStatusAndWritesNoRowOfTheBatch()
    {
        var (client, table, _) = await CreateAsync();
        var records = new[]
        {
            Minimal("good", id: IdInShard(2)),
            Minimal(new string('x', 40_000), id: IdInShard(2)), // a string property over 64 KiB: the table refuses the row
        };

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => client.SubmitAsync(UsageRecordKeys.Partition(records[0]), records, CancellationToken.None));

        Assert.InRange(error.Status, 400, 499);
        Assert.Empty(await ReadAllAsync(table));
    }

    [Theory]
    [InlineData("--b\r\nHTTP/1.1 204 No Content\r\n--b\r\nHTTP/1.1 204 No Content\r\n--b--", 0)]
    [InlineData("--b\r\nHTTP/1.1 400 Bad Request\r\n{\"odata.error\":{}}--b--", 400)]
    [InlineData("--b\r\nHTTP/1.1 204 No Content\r\nHTTP/1.1 409 Conflict\r\n", 409)]
    [InlineData("", 500)]
    public void FirstFailedStatus_BatchResponse_ZeroOnlyWhenEveryPartSucceeded(string body, int expected)
    {
        Assert.Equal(expected, UsageTableClient.FirstFailedStatus(Encoding.UTF8.GetBytes(body)));
    }

    private static int Occurrences(string text, string value)
    {
        var count = 0;
        for (var at = text.IndexOf(value, StringComparison.Ordinal); at >= 0; at = text.IndexOf(value, at + 1, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    private async Task<(UsageTableClient Client, TableClient Table, string Name)> CreateAsync(ScriptedTableTransport? transport = null)
    {
        var name = fixture.Azurite.CreateTableName("ledger");
        var client = Client(fixture.Azurite, name, transport);
        await client.CreateTableIfNotExistsAsync(CancellationToken.None);
        return (client, new TableClient(fixture.Azurite.ConnectionString, name), name);
    }
}
