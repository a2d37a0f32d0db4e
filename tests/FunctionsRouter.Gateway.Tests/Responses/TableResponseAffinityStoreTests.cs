using Azure.Core.Pipeline;
using Azure.Data.Tables;
using FunctionsRouter.Gateway.Responses;
using FunctionsRouter.Gateway.Tests.Integration;
using FunctionsRouter.Gateway.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace FunctionsRouter.Gateway.Tests.Responses;

/// <summary>The response-affinity store against a real Azurite table, and against a table service that hangs.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class TableResponseAffinityStoreTests(IntegrationFixture fixture)
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task FindAsync_WrittenByAnotherInstance_FoundFromTheTableForItsCallerOnly()
    {
        var table = fixture.Azurite.CreateServiceClient().GetTableClient(fixture.Azurite.CreateTableName("affinity"));
        using var writer = new TableResponseAffinityStore(table, TimeProvider.System, NullLogger<TableResponseAffinityStore>.Instance);
        await writer.StartAsync(CancellationToken.None);
        var affinity = Affinity("resp_written", DateTimeOffset.UtcNow);

        writer.Remember(affinity);
        await writer.StopAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);

        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var reader = new TableResponseAffinityStore(table, time, NullLogger<TableResponseAffinityStore>.Instance);
        var found = await reader.FindAsync("resp_written", "key:alice");
        var otherCaller = await reader.FindAsync("resp_written", "key:bob");
        time.Advance(TimeSpan.FromDays(30));
        var expired = await reader.FindAsync("resp_written", "key:alice");

        Assert.Equal(ResponseAffinityStatus.Found, found.Status);
        Assert.Equal(affinity with { CreatedAt = found.Affinity!.CreatedAt }, found.Affinity);
        Assert.Equal(affinity.CreatedAt.ToUnixTimeMilliseconds(), found.Affinity.CreatedAt.ToUnixTimeMilliseconds());
        Assert.Equal(ResponseAffinityStatus.NotFound, otherCaller.Status);
        Assert.Equal(ResponseAffinityStatus.NotFound, expired.Status);
        var row = (await table.GetEntityAsync<TableEntity>("resp_written", TableResponseAffinityStore.RowKey)).Value;
        Assert.Equal(affinity.CreatedAt.AddDays(30).ToUnixTimeMilliseconds(), row.GetDateTimeOffset("ExpiresAt")!.Value.ToUnixTimeMilliseconds());
        Assert.Equal("key:alice", row.GetString("Caller"));
    }

    [Fact]
    public async Task FindAsync_NeverWrittenAndNoTable_NotFound()
    {
        var table = fixture.Azurite.CreateServiceClient().GetTableClient(fixture.Azurite.CreateTableName("affinity"));
        using var store = new TableResponseAffinityStore(table, TimeProvider.System, NullLogger<TableResponseAffinityStore>.Instance);

        var result = await store.FindAsync("resp_unknown", "key:alice");

        Assert.Equal(ResponseAffinityStatus.NotFound, result.Status);
    }

    [Fact]
    public async Task FindAsync_TableHangs_UnavailableOnceTheReadTimeoutPasses()
    {
        var handler = new HangingHandler();
        var time = new FakeTimeProvider(Now);
        using var store = new TableResponseAffinityStore(HangingTable(handler), time, NullLogger<TableResponseAffinityStore>.Instance);

        var find = store.FindAsync("resp_somewhere", "key:alice").AsTask();
        await handler.Entered.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(find.IsCompleted);
        time.Advance(TableResponseAffinityStore.ReadTimeout);
        var result = await find.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(ResponseAffinityStatus.Unavailable, result.Status);
    }

    [Fact]
    public async Task FindAsync_RememberedByThisInstance_FoundWithoutTheTableEvenWhenItHangs()
    {
        var handler = new HangingHandler();
        var time = new FakeTimeProvider(Now);
        using var store = new TableResponseAffinityStore(HangingTable(handler), time, NullLogger<TableResponseAffinityStore>.Instance);
        store.Remember(Affinity("resp_here", Now));

        var found = await store.FindAsync("resp_here", "key:alice");
        var otherCaller = await store.FindAsync("resp_here", "key:bob");

        Assert.Equal(ResponseAffinityStatus.Found, found.Status);
        Assert.Equal("dep-1", found.Affinity!.Deployment);
        Assert.Equal(ResponseAffinityStatus.NotFound, otherCaller.Status);
        Assert.Equal(0, handler.Requests);
    }

    [Fact]
    public async Task FindAsync_ReadFromTheTableThenTheTableHangsPastTheTtl_ServedAtOnceWithExactlyOneBackgroundRead()
    {
        var (table, transport) = await HangableTableWithRowAsync("resp_elsewhere");
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var store = new TableResponseAffinityStore(table, time, NullLogger<TableResponseAffinityStore>.Instance);
        Assert.Equal(ResponseAffinityStatus.Found, (await store.FindAsync("resp_elsewhere", "key:alice")).Status);
        transport.Hang = true;
        time.Advance(TableResponseAffinityStore.CacheTtl * 3);

        var found = Enumerable.Range(0, 10).Select(_ => store.FindAsync("resp_elsewhere", "key:alice")).ToArray();

        Assert.All(found, f => Assert.True(f.IsCompletedSuccessfully)); // Nobody waited on the hung table.
        Assert.All(found, f => Assert.Equal("dep-1", f.Result.Affinity!.Deployment));
        await WaitUntilAsync(() => transport.Held == 1);
        await Task.Delay(100);
        Assert.Equal(1, transport.Held);
    }

    [Fact]
    public async Task FindAsync_TableHangsPastMaxStaleness_ColdMissUnavailableAfterTheWait()
    {
        var (table, transport) = await HangableTableWithRowAsync("resp_stale");
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var timings = new Gateway.Caching.CacheTimings(TableResponseAffinityStore.CacheTtl, TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(10));
        using var store = new TableResponseAffinityStore(table, time, NullLogger<TableResponseAffinityStore>.Instance, timings);
        Assert.Equal(ResponseAffinityStatus.Found, (await store.FindAsync("resp_stale", "key:alice")).Status);
        transport.Hang = true;
        time.Advance(timings.MaxStaleness);

        var tooOld = store.FindAsync("resp_stale", "key:alice").AsTask();
        await WaitUntilAsync(() => transport.Held == 1);
        Assert.False(tooOld.IsCompleted);
        time.Advance(timings.ColdWait);

        Assert.Equal(ResponseAffinityStatus.Unavailable, (await tooOld.WaitAsync(TimeSpan.FromSeconds(10))).Status);
    }

    [Theory]
    [InlineData("")]
    [InlineData("resp/1")]
    [InlineData("resp#1")]
    [InlineData("resp?1")]
    [InlineData("resp\\1")]
    [InlineData("resp\u00011")]
    public async Task FindAsync_IdNoTableKeyCanHold_NotFoundWithoutATableCall(string id)
    {
        var handler = new HangingHandler();
        using var store = new TableResponseAffinityStore(HangingTable(handler), new FakeTimeProvider(Now), NullLogger<TableResponseAffinityStore>.Instance);
        store.Remember(Affinity(id, Now));

        var result = await store.FindAsync(id, "key:alice");

        Assert.Equal(ResponseAffinityStatus.NotFound, result.Status);
        Assert.Equal(0, handler.Requests);
    }

    [Fact]
    public async Task Remember_MoreThanTheMemoryHolds_OldestForgottenFirst()
    {
        var handler = new HangingHandler();
        var time = new FakeTimeProvider(Now);
        using var store = new TableResponseAffinityStore(HangingTable(handler), time, NullLogger<TableResponseAffinityStore>.Instance);
        for (var i = 0; i <= TableResponseAffinityStore.MemoryEntries; i++)
        {
            store.Remember(Affinity("resp_" + i, Now));
        }

        var newest = await store.FindAsync("resp_" + TableResponseAffinityStore.MemoryEntries, "key:alice");
        var oldest = store.FindAsync("resp_0", "key:alice").AsTask();
        await handler.Entered.Task.WaitAsync(TimeSpan.FromSeconds(10));
        time.Advance(TableResponseAffinityStore.ReadTimeout);

        Assert.Equal(ResponseAffinityStatus.Found, newest.Status);
        Assert.Equal(ResponseAffinityStatus.Unavailable, (await oldest.WaitAsync(TimeSpan.FromSeconds(10))).Status);
    }

    private static ResponseAffinity Affinity(string id, DateTimeOffset at) => new(id, "chat", "primary", "oai", "dep-1", "key:alice", at);

    /// <summary>A table holding an affinity row for <paramref name="id"/>, read through a transport that can be made to hang.</summary>
    private async Task<(TableClient Table, HangingTableTransport Transport)> HangableTableWithRowAsync(string id)
    {
        var name = fixture.Azurite.CreateTableName("affinity");
        var direct = fixture.Azurite.CreateServiceClient().GetTableClient(name);
        await direct.CreateAsync();
        await direct.AddEntityAsync(TableResponseAffinityStore.ToEntity(Affinity(id, DateTimeOffset.UtcNow)));
        var transport = new HangingTableTransport();
        return (new TableClient(fixture.Azurite.ConnectionString, name, new TableClientOptions { Transport = transport }), transport);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.True(condition());
    }

    private TableClient HangingTable(HangingHandler handler) =>
        new(fixture.Azurite.ConnectionString, "hanging", new TableClientOptions { Transport = new HttpClientTransport(new HttpClient(handler)) });
}
