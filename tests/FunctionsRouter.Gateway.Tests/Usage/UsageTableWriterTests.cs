using Azure.Data.Tables;
using FunctionsRouter.Gateway.Configuration;
using FunctionsRouter.Gateway.Tests.Integration;
using FunctionsRouter.Gateway.Usage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace FunctionsRouter.Gateway.Tests.Usage;

/// <summary>The ledger writer against a real Azurite table.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class UsageTableWriterTests(IntegrationFixture fixture)
{
    [Fact]
    public async Task StopAsync_RecordsQueued_AllWrittenBeforeStopReturns()
    {
        var (queue, writer, table) = Create(capacity: 1_000);
        await writer.StartAsync(CancellationToken.None);
        var records = Enumerable.Range(0, 250).Select(i => Record($"r{i}", i % 3 == 0 ? "alpha" : "beta")).ToList();

        records.ForEach(queue.Record);
        await writer.StopAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);

        var rows = await ReadAllAsync(table);
        Assert.Equal(250, rows.Count);
        Assert.Equal(records.Select(r => r.RequestId).Order(), rows.Select(r => r.GetString("RequestId")).Order());
        Assert.Equal(0, queue.Dropped);
    }

    [Fact]
    public async Task Record_SameRecordWrittenTwice_OneRow()
    {
        var (queue, writer, table) = Create(capacity: 1_000);
        await writer.StartAsync(CancellationToken.None);
        var record = Record("dup", "alpha");

        queue.Record(record);
        queue.Record(record);
        await writer.StopAsync(CancellationToken.None);

        Assert.Single(await ReadAllAsync(table));
    }

    [Fact]
    public async Task Record_QueueFull_CountsDropsWithoutWaiting()
    {
        var (queue, _, _) = Create(capacity: 100);

        for (var i = 0; i < 130; i++)
        {
            queue.Record(Record($"f{i}", "alpha"));
        }

        Assert.Equal(30, queue.Dropped);
        Assert.Equal(100, queue.Depth);
    }

    [Fact]
    public async Task ReadBack_AliasDayFilter_ReturnsOnlyThatAliasAndDay()
    {
        var (queue, writer, table) = Create(capacity: 1_000);
        await writer.StartAsync(CancellationToken.None);
        queue.Record(Record("a1", "alpha"));
        queue.Record(Record("a2", "Alpha"));
        queue.Record(Record("b1", "beta"));
        queue.Record(Record("a3", "alpha", DateTimeOffset.Parse("2026-11-25T00:00:01Z", System.Globalization.CultureInfo.InvariantCulture)));
        await writer.StopAsync(CancellationToken.None);

        var rows = new List<TableEntity>();
        await foreach (var row in table.QueryAsync<TableEntity>(UsageRecordKeys.AliasDayFilter(new DateOnly(2026, 11, 24), "alpha")))
        {
            rows.Add(row);
        }

        Assert.Equal(["a1", "a2"], rows.Select(r => r.GetString("RequestId")).Order());
    }

    private static UsageRecord Record(string requestId, string alias, DateTimeOffset? at = null) => new()
    {
        RecordId = Guid.NewGuid(),
        Timestamp = at ?? DateTimeOffset.Parse("2026-11-24T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture),
        RequestId = requestId,
        Caller = "anonymous",
        Alias = alias,
        Operation = "chat.completions",
        HttpStatus = 200,
        Tokens = new TokenUsage(3, 4, 7),
    };

    private (UsageQueue Queue, UsageTableWriter Writer, TableClient Table) Create(int capacity)
    {
        var table = new TableClient(fixture.Azurite.ConnectionString, fixture.Azurite.CreateTableName("ledger"));
        var queue = new UsageQueue(Options.Create(new RouterOptions { UsageQueueCapacity = capacity }), NullLogger<UsageQueue>.Instance);
        var writer = new UsageTableWriter(queue, table, TimeProvider.System, NullLoggerFactory.Instance);
        return (queue, writer, table);
    }

    private static async Task<List<TableEntity>> ReadAllAsync(TableClient table)
    {
        var rows = new List<TableEntity>();
        await foreach (var row in table.QueryAsync<TableEntity>())
        {
            rows.Add(row);
        }

        return rows;
    }
}
