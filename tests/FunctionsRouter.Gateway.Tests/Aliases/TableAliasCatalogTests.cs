using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using FunctionsRouter.Gateway.Aliases;
using FunctionsRouter.Gateway.Configuration;
using FunctionsRouter.Gateway.Tests.Integration;
using FunctionsRouter.Gateway.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace FunctionsRouter.Gateway.Tests.Aliases;

/// <summary>The catalog over a real Azurite table, with time faked and storage outages injected in the transport.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class TableAliasCatalogTests(IntegrationFixture fixture)
{
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(30);
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-11-24T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly OutageHandler _outage = new();

    [Fact]
    public async Task GetSnapshotAsync_RowsOfSeveralTypes_ResolvesCaseInsensitivelyAndSkipsBadRows()
    {
        var (catalog, table) = await CreateAsync();
        await table.AddEntityAsync(new TableEntity("Chat", "b") { ["Deployment"] = "dep-b", ["Priority"] = "1", ["Weight"] = 3L });
        await table.AddEntityAsync(new TableEntity("Chat", "a") { ["Deployment"] = "dep-a", ["Enabled"] = "true" });
        await table.AddEntityAsync(new TableEntity("Chat", "c") { ["Endpoint"] = "default" });
        await table.AddEntityAsync(new TableEntity("Other", "a") { ["Deployment"] = "dep-o", ["Endpoint"] = "not-configured" });

        var snapshot = await catalog.GetSnapshotAsync();

        Assert.True(snapshot.TryGet("chat", out var route));
        Assert.Equal(["dep-a", "dep-b"], route!.Targets.Select(t => t.Deployment));
        Assert.Equal(3, route.Targets[1].Weight);
        Assert.False(snapshot.TryGet("Other", out _));
    }

    [Fact]
    public async Task GetSnapshotAsync_AdminEditsRow_SeenOnceTheReadStartedPastTheTtlAnswers()
    {
        var (catalog, table) = await CreateAsync();
        await table.AddEntityAsync(new TableEntity("a", "t") { ["Deployment"] = "before" });
        Assert.Equal("before", Deployment(await catalog.GetSnapshotAsync(), "a"));

        await table.UpsertEntityAsync(new TableEntity("a", "t") { ["Deployment"] = "after" });
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal("before", Deployment(await catalog.GetSnapshotAsync(), "a"));

        // Past the TTL the request is served at once what is held; the re-read it started brings the edit.
        _time.Advance(Ttl);
        Assert.Equal("before", Deployment(await catalog.GetSnapshotAsync(), "a"));
        await SeesAsync(catalog, "after");
    }

    [Fact]
    public async Task GetSnapshotAsync_BetweenHalfTtlAndTtl_ServesCachedAndRefreshesInBackground()
    {
        var (catalog, table) = await CreateAsync();
        await table.AddEntityAsync(new TableEntity("a", "t") { ["Deployment"] = "before" });
        await catalog.GetSnapshotAsync();
        await table.UpsertEntityAsync(new TableEntity("a", "t") { ["Deployment"] = "after" });

        _time.Advance(Ttl * 0.75);
        Assert.Equal("before", Deployment(await catalog.GetSnapshotAsync(), "a"));

        await SeesAsync(catalog, "after");
    }

    [Fact]
    public async Task GetSnapshotAsync_StorageDownAfterFirstRead_ServesLastKnownGood()
    {
        var (catalog, table) = await CreateAsync();
        await table.AddEntityAsync(new TableEntity("a", "t") { ["Deployment"] = "known" });
        await catalog.GetSnapshotAsync();

        _outage.Down = true;
        _time.Advance(Ttl * 2);
        var snapshot = await catalog.GetSnapshotAsync();
        await WaitUntilAsync(() => _outage.Refused > 0); // The background re-read failed…
        _time.Advance(TableAliasCatalog.RetryAfterFailure);

        Assert.Equal("known", Deployment(snapshot, "a"));
        Assert.Equal("known", Deployment(await catalog.GetSnapshotAsync(), "a")); // …and the catalog held is still served.
    }

    [Fact]
    public async Task GetSnapshotAsync_StorageDownAtFirstRead_ThrowsUnavailableThenRecovers()
    {
        var (catalog, table) = await CreateAsync();
        await table.AddEntityAsync(new TableEntity("a", "t") { ["Deployment"] = "known" });
        _outage.Down = true;

        await Assert.ThrowsAsync<AliasCatalogUnavailableException>(() => catalog.GetSnapshotAsync().AsTask());

        _outage.Down = false;
        Assert.Equal("known", Deployment(await catalog.GetSnapshotAsync(), "a"));
    }

    [Fact]
    public async Task Invalidate_AfterWrite_NextReadSeesIt()
    {
        var (catalog, table) = await CreateAsync();
        await table.AddEntityAsync(new TableEntity("a", "t") { ["Deployment"] = "before" });
        await catalog.GetSnapshotAsync();
        await table.UpsertEntityAsync(new TableEntity("a", "t") { ["Deployment"] = "after" });

        catalog.Invalidate();

        Assert.Equal("after", Deployment(await catalog.GetSnapshotAsync(), "a"));
    }

    [Fact]
    public async Task Invalidate_WhileAnOlderReadIsUnderWay_NextRequestGetsAReadStartedAfterIt()
    {
        var name = fixture.Azurite.CreateTableName("cat");
        var table = new TableClient(fixture.Azurite.ConnectionString, name);
        await table.CreateAsync();
        await table.AddEntityAsync(new TableEntity("a", "t") { ["Deployment"] = "before" });
        var transport = new HeldAnswerTransport();
        var options = Options.Create(new RouterOptions { AliasCacheTtl = Ttl, TableWaitTimeout = WaitTimeout, TableOperationTimeout = OperationTimeout });
        var catalog = new TableAliasCatalog(new TableClient(fixture.Azurite.ConnectionString, name, new TableClientOptions { Transport = transport }), options, endpoint => endpoint == "default", _time, NullLogger<TableAliasCatalog>.Instance);
        Assert.Equal("before", Deployment(await catalog.GetSnapshotAsync(), "a"));

        // A background read starts and gets its answer ("before"), but is slow to finish…
        transport.Hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _time.Advance(Ttl * 0.75);
        await catalog.GetSnapshotAsync();
        for (var i = 0; i < 500 && transport.Held == 0; i++)
        {
            await Task.Delay(10);
        }

        // …while an admin write lands and invalidates the catalog.
        await table.UpsertEntityAsync(new TableEntity("a", "t") { ["Deployment"] = "after" });
        catalog.Invalidate();
        var next = catalog.GetSnapshotAsync().AsTask();
        transport.Hold.SetResult();

        Assert.Equal(1, transport.Held);
        Assert.Equal("after", Deployment(await next, "a"));
    }

    [Fact]
    public async Task GetSnapshotAsync_ManyConcurrentCallersOnColdCache_OneTableQuery()
    {
        var (catalog, table) = await CreateAsync();
        await table.AddEntityAsync(new TableEntity("a", "t") { ["Deployment"] = "d" });
        var before = _outage.Requests;

        var snapshots = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => catalog.GetSnapshotAsync().AsTask()));

        Assert.All(snapshots, s => Assert.Same(snapshots[0], s));
        // One CreateIfNotExists and one query, not fifty.
        Assert.InRange(_outage.Requests - before, 1, 2);
    }

    [Fact]
    public async Task GetSnapshotAsync_TableHangsPastTtl_ServedAtOnceWithExactlyOneBackgroundRead()
    {
        var (catalog, table, transport) = await CreateOverHangingTransportAsync();
        await table.AddEntityAsync(new TableEntity("a", "t") { ["Deployment"] = "known" });
        await catalog.GetSnapshotAsync();
        transport.Hang = true;
        _time.Advance(Ttl * 2);

        var served = Enumerable.Range(0, 10).Select(_ => catalog.GetSnapshotAsync()).ToArray();

        Assert.All(served, s => Assert.True(s.IsCompletedSuccessfully)); // Nobody waited on the hung table.
        Assert.All(served, s => Assert.Equal("known", Deployment(s.Result, "a")));
        await WaitUntilAsync(() => transport.Held == 1);
        await Task.Delay(100);
        Assert.Equal(1, transport.Held);
        Assert.Equal(1, transport.MaxHanging);
    }

    [Fact]
    public async Task GetSnapshotAsync_TableHangsPastMaxStaleness_ColdMissUnavailableAfterTheWait()
    {
        var (catalog, table, transport) = await CreateOverHangingTransportAsync();
        await table.AddEntityAsync(new TableEntity("a", "t") { ["Deployment"] = "known" });
        await catalog.GetSnapshotAsync();
        transport.Hang = true;
        _time.Advance(Ttl);
        await catalog.GetSnapshotAsync();
        await WaitUntilAsync(() => transport.Held == 1);
        _time.Advance(OperationTimeout); // The hung background read is abandoned…
        await WaitUntilAsync(() => transport.Cancelled == 1);
        await Task.Delay(100); // …and its failure recorded (the backoff starts from it).

        _time.Advance(new RouterOptions().MaxStaleness);
        var tooOld = catalog.GetSnapshotAsync().AsTask();
        await WaitUntilAsync(() => transport.Held == 2);
        Assert.False(tooOld.IsCompleted);
        _time.Advance(WaitTimeout);

        await Assert.ThrowsAsync<AliasCatalogUnavailableException>(() => tooOld.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task GetSnapshotAsync_TableHangs_ReadAbandonedAfterOperationTimeoutThenRecovers()
    {
        var (catalog, table, transport) = await CreateOverHangingTransportAsync();
        await table.AddEntityAsync(new TableEntity("a", "t") { ["Deployment"] = "before" });
        await catalog.GetSnapshotAsync();
        transport.Hang = true;
        _time.Advance(Ttl * 2);
        var first = catalog.GetSnapshotAsync().AsTask();
        _time.Advance(WaitTimeout);
        await first.WaitAsync(TimeSpan.FromSeconds(10));
        await WaitUntilAsync(() => transport.Held == 1);

        _time.Advance(OperationTimeout);
        await WaitUntilAsync(() => transport.Cancelled == 1);

        transport.Hang = false;
        await table.UpsertEntityAsync(new TableEntity("a", "t") { ["Deployment"] = "after" });
        _time.Advance(TableAliasCatalog.RetryAfterFailure);
        Assert.Equal("before", Deployment(await catalog.GetSnapshotAsync(), "a"));
        await SeesAsync(catalog, "after");
    }

    [Fact]
    public async Task GetSnapshotAsync_TableHangsOnColdStart_UnavailableAfterTheWait()
    {
        var (catalog, _, transport) = await CreateOverHangingTransportAsync();
        transport.Hang = true;

        var cold = catalog.GetSnapshotAsync().AsTask();
        Assert.False(cold.IsCompleted);
        _time.Advance(WaitTimeout);

        await Assert.ThrowsAsync<AliasCatalogUnavailableException>(() => cold.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.True(condition());
    }

    /// <summary>Waits (a background read is under way) until the catalog maps alias <c>a</c> to <paramref name="deployment"/>.</summary>
    private static async Task SeesAsync(TableAliasCatalog catalog, string deployment)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (Deployment(await catalog.GetSnapshotAsync(), "a") != deployment && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Equal(deployment, Deployment(await catalog.GetSnapshotAsync(), "a"));
    }

    private static readonly TimeSpan WaitTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan OperationTimeout = TimeSpan.FromSeconds(10);

    private async Task<(TableAliasCatalog Catalog, TableClient Table, HangingTableTransport Transport)> CreateOverHangingTransportAsync()
    {
        var name = fixture.Azurite.CreateTableName("cat");
        var table = new TableClient(fixture.Azurite.ConnectionString, name);
        await table.CreateAsync();
        var transport = new HangingTableTransport();
        var clientOptions = TableStorageTimeouts.CreateClientOptions(OperationTimeout);
        clientOptions.Transport = transport;
        var options = Options.Create(new RouterOptions { AliasCacheTtl = Ttl, TableWaitTimeout = WaitTimeout, TableOperationTimeout = OperationTimeout });
        var catalog = new TableAliasCatalog(new TableClient(fixture.Azurite.ConnectionString, name, clientOptions), options, endpoint => endpoint == "default", _time, NullLogger<TableAliasCatalog>.Instance);
        return (catalog, table, transport);
    }

    private static string Deployment(AliasCatalogSnapshot snapshot, string alias) =>
        snapshot.TryGet(alias, out var route) ? route.Targets[0].Deployment : "(none)";

    private async Task<(TableAliasCatalog Catalog, TableClient Table)> CreateAsync()
    {
        var name = fixture.Azurite.CreateTableName("cat");
        var table = new TableClient(fixture.Azurite.ConnectionString, name);
        await table.CreateAsync();
        var faulty = new TableClient(fixture.Azurite.ConnectionString, name, new TableClientOptions { Transport = new HttpClientTransport(_outage), Retry = { MaxRetries = 0 } });
        var options = Options.Create(new RouterOptions { AliasCacheTtl = Ttl });
        var catalog = new TableAliasCatalog(faulty, options, endpoint => endpoint == "default", _time, NullLogger<TableAliasCatalog>.Instance);
        return (catalog, table);
    }

    /// <summary>Passes requests to Azurite and, while <see cref="Hold"/> is pending, holds the answer back once it has it.</summary>
    private sealed class HeldAnswerTransport : HttpPipelineTransport
    {
        private readonly HttpClientTransport _inner = new();
        private int _held;

        public TaskCompletionSource? Hold { get; set; }

        public int Held => Volatile.Read(ref _held);

        public override Request CreateRequest() => _inner.CreateRequest();

        public override void Process(HttpMessage message) => ProcessAsync(message).AsTask().GetAwaiter().GetResult();

        public override async ValueTask ProcessAsync(HttpMessage message)
        {
            await _inner.ProcessAsync(message);
            if (Hold is { Task.IsCompleted: false } hold)
            {
                Interlocked.Increment(ref _held);
                await hold.Task;
            }
        }
    }

    /// <summary>Passes requests to Azurite, or refuses them as an unreachable storage account would.</summary>
    private sealed class OutageHandler() : DelegatingHandler(new SocketsHttpHandler())
    {
        private int _requests;
        private int _refused;

        public bool Down { get; set; }

        public int Requests => _requests;

        public int Refused => _refused;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _requests);
            if (Down)
            {
                Interlocked.Increment(ref _refused);
                throw new HttpRequestException("Connection refused (injected outage).");
            }

            return base.SendAsync(request, cancellationToken);
        }
    }
}
