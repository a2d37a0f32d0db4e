using System.Net;
using Azure.Data.Tables;
using FunctionsRouter.Gateway.Limits;
using FunctionsRouter.Gateway.Tests.Integration;
using FunctionsRouter.Gateway.Tests.Support;

namespace FunctionsRouter.Gateway.Tests.Limits;

/// <summary>Limits held by two gateway instances over one Azurite, and through a count-table outage.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class LimitsAcrossInstancesTests(IntegrationFixture fixture)
{
    private const int Limit = 60;
    private const int PerInstancePerInterval = 8;
    private const int Rounds = 8;

    [Fact]
    public async Task TwoInstances_HammeredConcurrently_TotalAdmittedWithinTheLimitPlusTheReadmeBound()
    {
        var time = LimitsHost.NewClock();
        await using var a = await LimitsHost.StartAsync(fixture, time);
        await using var b = await LimitsHost.StartAsync(fixture, time, a.CallerTableName, a.CountTableName);
        var (id, key) = await a.CreateLimitedCallerAsync($$"""{"rpm":{{Limit}}}""");

        var admitted = 0;
        for (var round = 0; round < Rounds; round++)
        {
            // Both instances at once, concurrently, then one sync interval on the shared clock: both exchange their counts.
            var calls = Enumerable.Range(0, PerInstancePerInterval).SelectMany(_ => new[] { a, b }).Select(async host =>
            {
                using var response = await host.ChatAsync(key);
                Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.TooManyRequests, $"Unexpected {response.StatusCode}.");
                return response.StatusCode == HttpStatusCode.OK ? 1 : 0;
            });
            admitted += (await Task.WhenAll(calls)).Sum();
            var (roundsA, roundsB) = (a.Sync.Rounds, b.Sync.Rounds);
            time.Advance(TimeSpan.FromSeconds(1));
            await a.WaitForRoundAsync(roundsA);
            await b.WaitForRoundAsync(roundsB);
        }

        // README: over by at most (N − 1) × what one instance admits within two sync intervals (D).
        var bound = (2 - 1) * 2 * PerInstancePerInterval;
        Assert.InRange(admitted, Limit, Limit + bound);
        Assert.InRange(admitted, Limit, (2 * Rounds * PerInstancePerInterval) - 1); // Far below what two separate limits would admit.

        // No increment lost to the concurrent ETag-guarded merges: the shared minute row holds every admitted request.
        var minute = LimitWindows.Minute(time.GetUtcNow().ToUnixTimeMilliseconds());
        var row = (await a.Counts.GetEntityAsync<TableEntity>("key:" + id, LimitCountKeys.RowKey("*", LimitBucketKind.Minute, minute))).Value;
        Assert.Equal(admitted, row.GetInt64(LimitCountKeys.RequestsColumn));
    }

    [Fact]
    public async Task DailyQuota_SurvivesARestart_TheNewInstanceReadsItAsSoonAsTheCallerComes()
    {
        var time = LimitsHost.NewClock();
        string id, key, callerTable, countTable;
        await using (var first = await LimitsHost.StartAsync(fixture, time))
        {
            (id, key) = await first.CreateLimitedCallerAsync("""{"tokensPerDay":30}""");
            (callerTable, countTable) = (first.CallerTableName, first.CountTableName);
            for (var i = 0; i < 2; i++)
            {
                using var admitted = await first.ChatAsync(key, headers: ("x-request-id", "limits-restart-" + i));
                Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
                await first.Gateway.WaitForUsageAsync("limits-restart-" + i); // 18 each, really: the quota is spent.
            }
        } // Stopping writes what it had not merged yet.

        await using var second = await LimitsHost.StartAsync(fixture, time, callerTable, countTable);
        var day = LimitWindows.Day(time.GetUtcNow().ToUnixTimeMilliseconds());
        var row = (await second.Counts.GetEntityAsync<TableEntity>("key:" + id, LimitCountKeys.RowKey("*", LimitBucketKind.Day, day))).Value;
        Assert.Equal(36, row.GetInt64(LimitCountKeys.TokensColumn));

        // README: the request that makes the new instance's counter wakes its sync, which reads the shared counts at once.
        var before = second.Sync.Rounds;
        using (await second.ChatAsync(key))
        {
        }

        await second.WaitForRoundAsync(before); // The clock has not moved: this round is the wake-up, not the interval.
        using var refused = await second.ChatAsync(key);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("insufficient_quota", (await Callers.AdmissionHost.ErrorOf(refused)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task CountTableOutage_StillServingOnLocalLimits_LoggedOncePerRound_MergedWhenBack()
    {
        var countTable = "lcount" + Guid.NewGuid().ToString("N")[..12];
        var transport = new HangingTableTransport { HangOnlyPathContaining = countTable };
        var time = LimitsHost.NewClock();
        await using var host = await LimitsHost.StartAsync(fixture, time, countTable: countTable, extra: new Dictionary<string, string?> { ["Router:TableOperationTimeout"] = "00:00:01", ["Router:TableWaitTimeout"] = "00:00:01" }, transport: transport);
        var (id, key) = await host.CreateLimitedCallerAsync("""{"rpm":3}""");
        transport.Hang = true;

        for (var i = 0; i < 3; i++)
        {
            using var admitted = await host.ChatAsync(key);
            Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
        }

        using (var refused = await host.ChatAsync(key))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode); // Held on this instance's counts.
        }

        await host.SyncAsync();
        Assert.Single(host.Logs.Events, e => e.EventId == 9002);
        Assert.True(transport.Held > 0);

        transport.Hang = false;
        await host.SyncAsync();

        Assert.Single(host.Logs.Events, e => e.EventId == 9003);
        var minute = LimitWindows.Minute(time.GetUtcNow().ToUnixTimeMilliseconds());
        var row = (await host.Counts.GetEntityAsync<TableEntity>("key:" + id, LimitCountKeys.RowKey("*", LimitBucketKind.Minute, minute))).Value;
        Assert.Equal(3, row.GetInt64(LimitCountKeys.RequestsColumn));
        using var stillRefused = await host.ChatAsync(key);
        Assert.Equal(HttpStatusCode.TooManyRequests, stillRefused.StatusCode);
    }
}
