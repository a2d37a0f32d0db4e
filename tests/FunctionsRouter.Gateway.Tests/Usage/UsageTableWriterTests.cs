using Azure.Data.Tables;
using FunctionsRouter.Gateway.Configuration;
using FunctionsRouter.Gateway.Tests.Integration;
using FunctionsRouter.Gateway.Tests.Support;
using FunctionsRouter.Gateway.Usage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using static FunctionsRouter.Gateway.Tests.Usage.UsageTestRecords;

namespace FunctionsRouter.Gateway.Tests.Usage;

/// <summary>The ledger writer against a real Azurite table, with a transport in front of it that can hang, refuse or lose answers.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class UsageTableWriterTests(IntegrationFixture fixture)
{
    [Fact]
    public async Task StopAsync_RecordsQueued_AllWrittenBeforeStopReturns()
    {
        var (queue, writer, table, _) = Create();
        await writer.StartAsync(CancellationToken.None);
        var records = Enumerable.Range(0, 250).Select(i => Minimal($"r{i}", i % 3 == 0 ? "alpha" : "beta")).ToList();

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
        var (queue, writer, table, _) = Create();
        await writer.StartAsync(CancellationToken.None);
        var record = Minimal("dup");

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
        var (queue, writer, table, transport) = Create(TimeSpan.FromMilliseconds(lingerMs));
        await writer.StartAsync(CancellationToken.None);
        var records = Enumerable.Range(0, 10).Select(i => Minimal($"l{i}")).ToList();

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
            Assert.True(transport.BatchBodies.Count >= 6, $"{transport.BatchBodies.Count} transactions");
        }
        else
        {
            Assert.Equal(partitions, transport.BatchBodies.Count);
        }
    }

    [Fact]
    public async Task StopAsync_WhileLingering_DrainsAtOnceInsteadOfWaitingOutTheLinger()
    {
        var (queue, writer, table, _) = Create(TimeSpan.FromSeconds(10));
        await writer.StartAsync(CancellationToken.None);
        queue.Record(Minimal("linger"));
        await Task.Delay(200);

        // Shutdown allows 5 s; a writer that sat out its 10 s linger would be cut off with the record unwritten.
        await writer.StopAsync(new CancellationTokenSource(TimeSpan.FromSeconds(5)).Token);

        Assert.Single(await ReadAllAsync(table));
    }

    [Fact]
    public async Task Run_OnePartitionFailing_OtherPartitionsWrittenMeanwhileAndItsRowsOnceItRecovers()
    {
        var (queue, writer, table, transport) = Create();
        var failing = Enumerable.Range(0, 30).Select(i => Minimal($"f{i}", id: IdInShard(5))).ToList();
        var others = Enumerable.Range(0, 200).Select(i => Minimal($"o{i}")).Where(r => UsageRecordKeys.Partition(r).Shard != 5).ToList();
        transport.FailingPartition = UsageRecordKeys.PartitionKey(failing[0]);
        failing.Concat(others).ToList().ForEach(queue.Record);

        await writer.StartAsync(CancellationToken.None);
        await WaitUntilAsync(async () => (await ReadAllAsync(table)).Count == others.Count, TimeSpan.FromSeconds(30));

        var whileFailing = await ReadAllAsync(table);
        Assert.Equal(others.Select(r => r.RequestId).Order(), whileFailing.Select(r => r.GetString("RequestId")).Order());
        Assert.True(transport.Refused > 0);
        Assert.Equal(failing.Count, queue.Depth);

        transport.FailingPartition = null;
        await writer.StopAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);

        Assert.Equal(failing.Count + others.Count, (await ReadAllAsync(table)).Count);
        Assert.Equal(0, queue.Depth);
        Assert.Equal(0, queue.Dropped);
    }

    [Fact]
    public async Task Run_BatchAppliedButAnswerLost_RetriedBatchUpsertsTheSameRowsOnce()
    {
        var (queue, writer, table, transport) = Create();
        var records = Enumerable.Range(0, 40).Select(i => Full($"i{i}") with { RecordId = IdInShard(9) }).ToList();
        transport.LoseAnswers(1);

        records.ForEach(queue.Record);
        await writer.StartAsync(CancellationToken.None);
        await writer.StopAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);

        // The same transaction reached the table twice: the first time applied, its answer lost.
        Assert.Equal(2, transport.BatchBodies.Count);
        var rows = await ReadAllAsync(table);
        Assert.Equal(records.Count, rows.Count);
        foreach (var record in records)
        {
            AssertRowEquals(record, Assert.Single(rows, r => r.GetString("RequestId") == record.RequestId));
        }

        Assert.Equal(records.Count, queue.Written);
    }

    [Fact]
    public async Task Run_TableHangsThenRecovers_EveryRecordOfAHighRateWritten()
    {
        // Each try of a hung call times out after 500 ms; the table hangs for 4 s while 5,000 records arrive (about 2,500/s).
        var (queue, writer, table, transport) = Create(TimeSpan.FromMilliseconds(100), tryTimeout: TimeSpan.FromMilliseconds(500));
        transport.Hang();
        await writer.StartAsync(CancellationToken.None);
        var records = new List<UsageRecord>();
        var hangEnds = DateTime.UtcNow.AddSeconds(4);
        for (var i = 0; i < 5_000; i++)
        {
            var record = Minimal($"h{i}", i % 2 == 0 ? "alpha" : "beta");
            records.Add(record);
            queue.Record(record);
            if (i % 250 == 249)
            {
                await Task.Delay(100);
            }
        }

        await Task.Delay(hangEnds - DateTime.UtcNow is { Ticks: > 0 } rest ? rest : TimeSpan.Zero);
        Assert.Equal(0, queue.Written);
        transport.Release();
        await writer.StopAsync(new CancellationTokenSource(TimeSpan.FromSeconds(120)).Token);

        Assert.Equal(0, queue.Dropped);
        Assert.Equal(records.Count, queue.Written);
        var rows = await ReadAllAsync(table);
        Assert.Equal(records.Select(r => r.RequestId).Order(StringComparer.Ordinal), rows.Select(r => r.GetString("RequestId")).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ReadBack_AliasDayFilter_ReturnsOnlyThatAliasAndDay()
    {
        var (queue, writer, table, _) = Create();
        await writer.StartAsync(CancellationToken.None);
        queue.Record(Minimal("a1", "alpha"));
        queue.Record(Minimal("a2", "Alpha"));
        queue.Record(Minimal("b1", "beta"));
        queue.Record(Minimal("a3", "alpha", Day.AddDays(1)));
        await writer.StopAsync(CancellationToken.None);

        var rows = new List<TableEntity>();
        await foreach (var row in table.QueryAsync<TableEntity>(UsageRecordKeys.AliasDayFilter(new DateOnly(2026, 11, 24), "alpha")))
        {
            rows.Add(row);
        }

        Assert.Equal(["a1", "a2"], rows.Select(r => r.GetString("RequestId")).Order());
    }

    internal static UsageQueue Queue(long bytes = 256L << 20) =>
        new(Options.Create(new RouterOptions { UsageQueueBytes = bytes }), NullLogger<UsageQueue>.Instance);

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition did not come true in time.");
            await Task.Delay(100);
        }
    }

    private (UsageQueue Queue, UsageTableWriter Writer, TableClient Table, ScriptedTableTransport Transport) Create(TimeSpan linger = default, TimeSpan? tryTimeout = null)
    {
        var name = fixture.Azurite.CreateTableName("ledger");
        var transport = new ScriptedTableTransport();
        var queue = Queue();
        var writer = new UsageTableWriter(queue, Client(fixture.Azurite, name, transport, tryTimeout), TimeProvider.System, NullLoggerFactory.Instance, linger);
        return (queue, writer, new TableClient(fixture.Azurite.ConnectionString, name), transport);
    }
}
