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

    [Theory]
    [InlineData(0)]
    [InlineData(1500)]
    public async Task Run_RecordsArrivingOneByOne_LingerGathersThemIntoOneTransactionPerPartition(int lingerMs)
    {
        var counter = new BatchCounter();
        var options = new TableClientOptions();
        options.AddPolicy(counter, Azure.Core.HttpPipelinePosition.PerCall);
        var table = new TableClient(fixture.Azurite.ConnectionString, fixture.Azurite.CreateTableName("ledger"), options);
        var queue = new UsageQueue(Options.Create(new RouterOptions()), NullLogger<UsageQueue>.Instance);
        var writer = new UsageTableWriter(queue, table, TimeProvider.System, NullLoggerFactory.Instance, TimeSpan.FromMilliseconds(lingerMs));
        await writer.StartAsync(CancellationToken.None);
        var records = Enumerable.Range(0, 10).Select(i => Record($"l{i}", "alpha")).ToList();

        // Ten records, 60 ms apart: without a linger each goes out on its own.
        foreach (var record in records)
        {
            queue.Record(record);
            await Task.Delay(60);
        }

        await Task.Delay(lingerMs + 300);
        await writer.StopAsync(CancellationToken.None);

        Assert.Equal(10, (await ReadAllAsync(table)).Count);
        var partitions = records.Select(UsageRecordKeys.PartitionKey).Distinct().Count();
        if (lingerMs == 0)
        {
            Assert.True(counter.Batches >= 6, $"{counter.Batches} transactions");
        }
        else
        {
            Assert.Equal(partitions, counter.Batches);
        }
    }

    [Fact]
    public async Task StopAsync_WhileLingering_DrainsAtOnceInsteadOfWaitingOutTheLinger()
    {
        var table = new TableClient(fixture.Azurite.ConnectionString, fixture.Azurite.CreateTableName("ledger"));
        var queue = new UsageQueue(Options.Create(new RouterOptions()), NullLogger<UsageQueue>.Instance);
        var writer = new UsageTableWriter(queue, table, TimeProvider.System, NullLoggerFactory.Instance, TimeSpan.FromSeconds(10));
        await writer.StartAsync(CancellationToken.None);
        queue.Record(Record("linger", "alpha"));
        await Task.Delay(200);

        // Shutdown allows 5 s; a writer that sat out its 10 s linger would be cut off with the record unwritten.
        await writer.StopAsync(new CancellationTokenSource(TimeSpan.FromSeconds(5)).Token);

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

    /// <summary>Counts entity-group transactions sent (<c>$batch</c> requests).</summary>
    private sealed class BatchCounter : Azure.Core.Pipeline.HttpPipelineSynchronousPolicy
    {
        private int _batches;

        public int Batches => Volatile.Read(ref _batches);

        public override void OnSendingRequest(Azure.Core.HttpMessage message)
        {
            if (message.Request.Uri.Path.EndsWith("$batch", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref _batches);
            }
        }
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
