using Azure.Data.Tables;
using FunctionsRouter.Gateway.Tests.Integration;
using FunctionsRouter.Gateway.Tests.Support;
using FunctionsRouter.Gateway.Usage;
using Microsoft.Extensions.Logging.Abstractions;
using static FunctionsRouter.Gateway.Tests.Usage.UsageTestRecords;

namespace FunctionsRouter.Gateway.Tests.Usage;

/// <summary>The usage rollup's merges against a real Azurite table: concurrent writers, retried merges, and rows that match it.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class UsageRollupWriterTests(IntegrationFixture fixture)
{
    [Fact]
    public async Task Flush_TwoWritersSameCellsConcurrently_NoIncrementLost()
    {
        var name = fixture.Azurite.CreateTableName("rollup");
        var first = Writer(name);
        var second = Writer(name);
        var records = Enumerable.Range(0, 400).Select(i => Priced($"c{i}", i % 2 == 0 ? "alpha" : "beta", status: i % 10 == 0 ? 429 : 200)).ToList();

        // 40 rounds of 5 records from each writer, both merging into the same two cells at the same time.
        await Task.WhenAll(
            Task.Run(() => RoundsAsync(first, records.Where((_, i) => i % 4 < 2).ToList())),
            Task.Run(() => RoundsAsync(second, records.Where((_, i) => i % 4 >= 2).ToList())));

        var cells = await ReadAllAsync(new TableClient(fixture.Azurite.ConnectionString, name));
        Assert.Equal(2, cells.Count);
        foreach (var alias in new[] { "alpha", "beta" })
        {
            AssertCellEquals(records.Where(r => r.Alias == alias).ToList(), Assert.Single(cells, c => c.GetString("Alias") == alias));
        }
    }

    [Fact]
    public async Task Apply_SameRoundTwice_CountedOnce()
    {
        var name = fixture.Azurite.CreateTableName("rollup");
        var writer = Writer(name);
        var records = Enumerable.Range(0, 7).Select(i => Priced($"t{i}")).ToList();
        var cells = Cells(records);

        await writer.ApplyAsync("round-1", cells, CancellationToken.None);
        await writer.ApplyAsync("round-1", cells, CancellationToken.None);
        await writer.ApplyAsync("round-2", Cells([Priced("t7")]), CancellationToken.None);

        var cell = Assert.Single(await ReadAllAsync(new TableClient(fixture.Azurite.ConnectionString, name)));
        AssertCellEquals([.. records, Priced("t7")], cell);
    }

    [Theory]
    [InlineData(1)] // the insert landed, its answer was lost: the pipeline's retry meets 409
    [InlineData(2)] // and then the replace too: its retry meets 412
    public async Task Apply_WriteLandedButAnswerLost_RetryFindsItsRoundAndCountsOnce(int lost)
    {
        var name = fixture.Azurite.CreateTableName("rollup");
        var transport = new ScriptedTableTransport();
        var writer = Writer(name, transport);
        var first = Enumerable.Range(0, 3).Select(i => Priced($"l{i}")).ToList();
        var second = Enumerable.Range(3, 4).Select(i => Priced($"l{i}")).ToList();
        if (lost == 1)
        {
            transport.LoseEntityWriteAnswers(1);
        }

        await writer.ApplyAsync("round-a", Cells(first), CancellationToken.None);
        transport.LoseEntityWriteAnswers(lost == 2 ? 1 : 0);
        await writer.ApplyAsync("round-b", Cells(second), CancellationToken.None);

        Assert.True(transport.EntityWrites >= 3, $"{transport.EntityWrites} writes: the lost answer was not retried");
        var cell = Assert.Single(await ReadAllAsync(new TableClient(fixture.Azurite.ConnectionString, name)));
        AssertCellEquals([.. first, .. second], cell);
    }

    [Fact]
    public async Task Flush_TableHangsThenRecovers_MergedOnceAfterIt()
    {
        var name = fixture.Azurite.CreateTableName("rollup");
        var transport = new ScriptedTableTransport();
        var writer = new UsageRollupWriter(Client(fixture.Azurite, name, transport, TimeSpan.FromMilliseconds(300)), "EUR", TimeProvider.System, NullLogger<UsageRollupWriter>.Instance);
        var records = Enumerable.Range(0, 5).Select(i => Priced($"h{i}")).ToList();
        transport.Hang();

        writer.Add([.. records]);
        var flush = writer.FlushAsync(CancellationToken.None);
        await Task.Delay(2_000);
        Assert.False(flush.IsCompleted); // still retrying, bounded tries each time
        transport.Release();
        await flush.WaitAsync(TimeSpan.FromSeconds(30));

        AssertCellEquals(records, Assert.Single(await ReadAllAsync(new TableClient(fixture.Azurite.ConnectionString, name))));
    }

    [Fact]
    public async Task Writer_RowsWritten_RollupCellsEqualTheRows()
    {
        var ledger = fixture.Azurite.CreateTableName("ledger");
        var rollupName = fixture.Azurite.CreateTableName("rollup");
        var queue = UsageTableWriterTests.Queue();
        var rollup = Writer(rollupName);
        var writer = new UsageTableWriter(queue, Client(fixture.Azurite, ledger), TimeProvider.System, NullLoggerFactory.Instance, TimeSpan.FromMilliseconds(50), rollup);
        await writer.StartAsync(CancellationToken.None);
        var records = Enumerable.Range(0, 300).Select(i => (i % 3) switch
        {
            0 => Priced($"w{i}", "alpha"),
            1 => Priced($"w{i}", "alpha", status: 500) with { Cost = null, Deployment = "other" },
            _ => Minimal($"w{i}", "beta", Day.AddDays(1)),
        }).ToList();

        records.ForEach(queue.Record);
        await writer.StopAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);

        var rows = await ReadAllAsync(new TableClient(fixture.Azurite.ConnectionString, ledger));
        var cells = await ReadAllAsync(new TableClient(fixture.Azurite.ConnectionString, rollupName));
        Assert.Equal(300, rows.Count);
        Assert.Equal(3, cells.Count);
        foreach (var group in rows.GroupBy(r => (Day: r.GetDateTimeOffset("RequestTime")!.Value.UtcDateTime.Date, Alias: r.GetString("Alias"), Deployment: r.GetString("Deployment") ?? string.Empty)))
        {
            var cell = Assert.Single(cells, c => c.PartitionKey == group.Key.Day.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture)
                && c.GetString("Alias") == group.Key.Alias && c.GetString("Deployment") == group.Key.Deployment);
            Assert.Equal(group.LongCount(), cell.GetInt64("Requests"));
            Assert.Equal(group.LongCount(r => r.GetInt32("HttpStatus") >= 400), cell.GetInt64("Errors"));
            Assert.Equal(group.Sum(r => (long)(r.GetInt32("PromptTokens") ?? 0)), cell.GetInt64("PromptTokens"));
            Assert.Equal(group.Sum(r => (long)(r.GetInt32("CompletionTokens") ?? 0)), cell.GetInt64("CompletionTokens"));
            Assert.Equal(group.Sum(r => (long)(r.GetInt32("TotalTokens") ?? 0)), cell.GetInt64("TotalTokens"));
            Assert.Equal(group.Sum(r => r.GetDouble("Cost") is { } c ? (decimal)c : 0m), cell.GetInt64("CostNanos")!.Value / 1_000_000_000m);
            Assert.Equal(group.LongCount(r => r.GetDouble("Cost") is not null), cell.GetInt64("PricedRequests"));
        }
    }

    [Fact]
    public void RowKey_ValuesThatWouldCollideWhenCleaned_StayDistinct()
    {
        var a = new UsageRollupKey(new DateOnly(2026, 11, 24), "key:a/b", "x", "e", "d");
        var b = a with { Caller = "key:a_b" };
        var c = a with { Caller = "key:a%2Fb" };
        var longAlias = a with { Alias = new string('z', 1_000) };

        Assert.Equal(3, new[] { a.RowKey, b.RowKey, c.RowKey }.Distinct().Count());
        Assert.DoesNotContain('/', a.RowKey);
        Assert.True(longAlias.RowKey.Length < 1_000);
        Assert.NotEqual(longAlias.RowKey, (longAlias with { Alias = new string('z', 999) }).RowKey);
    }

    internal static UsageRecord Priced(string requestId, string alias = "alpha", int status = 200) => Minimal(requestId, alias) with
    {
        Caller = "key:team-a",
        Target = "primary",
        Endpoint = "default",
        Deployment = "gpt-4o-mini",
        HttpStatus = status,
        Tokens = new TokenUsage(1_000, 200, 1_200) { CachedTokens = 600 },
        Cost = 0.00375m,
    };

    private static async Task RoundsAsync(UsageRollupWriter writer, List<UsageRecord> records)
    {
        foreach (var chunk in records.Chunk(5))
        {
            writer.Add(chunk);
            await writer.FlushAsync(CancellationToken.None);
        }
    }

    private static Dictionary<UsageRollupKey, UsageRollupCounts> Cells(IEnumerable<UsageRecord> records)
    {
        var cells = new Dictionary<UsageRollupKey, UsageRollupCounts>();
        foreach (var record in records)
        {
            var counts = cells.GetValueOrDefault(UsageRollupKey.Of(record));
            counts.Add(record);
            cells[UsageRollupKey.Of(record)] = counts;
        }

        return cells;
    }

    private static void AssertCellEquals(IReadOnlyList<UsageRecord> records, TableEntity cell)
    {
        Assert.Equal(records.Count, cell.GetInt64("Requests"));
        Assert.Equal(records.Count(r => r.HttpStatus >= 400), cell.GetInt64("Errors"));
        Assert.Equal(records.Sum(r => (long)(r.Tokens.PromptTokens ?? 0)), cell.GetInt64("PromptTokens"));
        Assert.Equal(records.Sum(r => (long)(r.Tokens.CompletionTokens ?? 0)), cell.GetInt64("CompletionTokens"));
        Assert.Equal(records.Sum(r => (long)(r.Tokens.TotalTokens ?? 0)), cell.GetInt64("TotalTokens"));
        Assert.Equal(records.Sum(r => (long)(r.Tokens.CachedTokens ?? 0)), cell.GetInt64("CachedTokens"));
        Assert.Equal(records.Sum(r => r.Cost ?? 0m), cell.GetInt64("CostNanos")!.Value / 1_000_000_000m);
        Assert.Equal("EUR", cell.GetString("Currency"));
    }

    private UsageRollupWriter Writer(string table, ScriptedTableTransport? transport = null) =>
        new(Client(fixture.Azurite, table, transport), "EUR", TimeProvider.System, NullLogger<UsageRollupWriter>.Instance);
}
