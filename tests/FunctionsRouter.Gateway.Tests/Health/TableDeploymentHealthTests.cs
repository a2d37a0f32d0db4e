using Azure.Data.Tables;
using FunctionsRouter.Gateway.Aliases;
using FunctionsRouter.Gateway.Configuration;
using FunctionsRouter.Gateway.Health;
using FunctionsRouter.Gateway.Tests.Integration;
using FunctionsRouter.Gateway.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace FunctionsRouter.Gateway.Tests.Health;

/// <summary>The health store over a real Azurite table, with time faked.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class TableDeploymentHealthTests(IntegrationFixture fixture)
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-11-25T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly AliasTarget _target = new("chat", "a", "Dep-" + Guid.NewGuid().ToString("N")[..8], "Default", true, 0, 1);

    internal static TableDeploymentHealth Create(IntegrationFixture fixture, TimeProvider time, string? table = null, Action<RouterOptions>? configure = null, Action<AliasTarget, string, TimeSpan>? observer = null, TableClient? client = null)
    {
        var options = new RouterOptions { HealthTable = table ?? fixture.Azurite.CreateTableName("health") };
        configure?.Invoke(options);
        return new TableDeploymentHealth(
            client ?? fixture.Azurite.CreateServiceClient().GetTableClient(options.HealthTable),
            Options.Create(options),
            time,
            NullLogger<TableDeploymentHealth>.Instance,
            observer);
    }

    [Theory]
    [InlineData(DeploymentFailure.Throttled, 7.0, 7.0)]
    [InlineData(DeploymentFailure.Unavailable, 1.5, 1.5)]
    [InlineData(DeploymentFailure.Throttled, null, 10.0)]
    [InlineData(DeploymentFailure.Unavailable, null, 10.0)]
    [InlineData(DeploymentFailure.Throttled, 3600.0, 300.0)]
    public void ReportFailure_ThrottledOrUnavailable_CoolsDownForRetryAfterElseDefaultAtMostMax(DeploymentFailure failure, double? retryAfterSeconds, double expectedSeconds)
    {
        using var health = Create(fixture, _time);
        var start = _time.GetUtcNow();

        health.ReportFailure(_target, failure, retryAfterSeconds is null ? null : TimeSpan.FromSeconds(retryAfterSeconds.Value), "a");

        Assert.True(health.IsCoolingDown(_target, start, out var until));
        Assert.Equal(start + TimeSpan.FromSeconds(expectedSeconds), until);
        Assert.True(health.IsCoolingDown(_target, until - TimeSpan.FromTicks(1), out _));
        Assert.False(health.IsCoolingDown(_target, until, out _));
    }

    [Fact]
    public void ReportFailure_RetryAfterZero_NoCooldown()
    {
        using var health = Create(fixture, _time);

        health.ReportFailure(_target, DeploymentFailure.Throttled, TimeSpan.Zero, "a");

        Assert.False(health.IsCoolingDown(_target, _time.GetUtcNow(), out _));
    }

    [Fact]
    public void ReportFailure_ShorterCooldownAfterLonger_KeepsTheLonger()
    {
        using var health = Create(fixture, _time);

        health.ReportFailure(_target, DeploymentFailure.Throttled, TimeSpan.FromSeconds(30), "a");
        health.ReportFailure(_target, DeploymentFailure.Throttled, TimeSpan.FromSeconds(2), "a");

        Assert.True(health.IsCoolingDown(_target, _time.GetUtcNow(), out var until));
        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromSeconds(30), until);
    }

    [Theory]
    [InlineData(DeploymentFailure.ServerError)]
    [InlineData(DeploymentFailure.Timeout)]
    [InlineData(DeploymentFailure.Unreachable)]
    public void ReportFailure_ThresholdInARow_OpensCircuitForItsDuration(DeploymentFailure failure)
    {
        using var health = Create(fixture, _time, configure: o => { o.CircuitBreakerThreshold = 3; o.CircuitBreakerDuration = TimeSpan.FromSeconds(45); });

        health.ReportFailure(_target, failure, null, "a");
        health.ReportFailure(_target, failure, null, "b");
        Assert.False(health.IsCoolingDown(_target, _time.GetUtcNow(), out _));
        health.ReportFailure(_target, failure, null, "a");

        Assert.True(health.IsCoolingDown(_target, _time.GetUtcNow(), out var until));
        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromSeconds(45), until);
        _time.Advance(TimeSpan.FromSeconds(45));
        Assert.False(health.IsCoolingDown(_target, _time.GetUtcNow(), out _));
    }

    [Fact]
    public void ReportSuccess_BetweenFailures_RunStartsAgain()
    {
        using var health = Create(fixture, _time, configure: o => o.CircuitBreakerThreshold = 2);

        health.ReportFailure(_target, DeploymentFailure.ServerError, null, "a");
        health.ReportSuccess(_target);
        health.ReportFailure(_target, DeploymentFailure.ServerError, null, "b");

        Assert.False(health.IsCoolingDown(_target, _time.GetUtcNow(), out _));
        health.ReportFailure(_target, DeploymentFailure.ServerError, null, "a");
        Assert.True(health.IsCoolingDown(_target, _time.GetUtcNow(), out _));
    }

    [Fact]
    public void ReportFailure_NewCooldown_ObservedOnceWithReason()
    {
        var seen = new List<(string Reason, TimeSpan Duration)>();
        using var health = Create(fixture, _time, observer: (_, reason, duration) => seen.Add((reason, duration)));

        health.ReportFailure(_target, DeploymentFailure.Throttled, TimeSpan.FromSeconds(8), "a");
        health.ReportFailure(_target, DeploymentFailure.Throttled, TimeSpan.FromSeconds(8.5), "a");

        Assert.Equal([("throttled", TimeSpan.FromSeconds(8))], seen);
    }

    [Fact]
    public async Task ReportFailure_OnOneInstance_SeenByAnotherAfterItReadsTheTable()
    {
        var table = fixture.Azurite.CreateTableName("health");
        using var first = Create(fixture, _time, table);
        using var second = Create(fixture, _time, table);
        var twin = _target with { Alias = "other-alias", Name = "z" };

        first.ReportFailure(_target, DeploymentFailure.Throttled, TimeSpan.FromSeconds(20), "a");
        await first.WhenWrittenAsync();
        Assert.False(second.IsCoolingDown(twin, _time.GetUtcNow(), out _));
        await second.RefreshAsync();

        Assert.True(second.IsCoolingDown(twin, _time.GetUtcNow(), out var until));
        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromSeconds(20), until);
        _time.Advance(TimeSpan.FromSeconds(20));
        Assert.False(second.IsCoolingDown(twin, _time.GetUtcNow(), out _));
    }

    [Fact]
    public async Task ReportFailure_TwoInstancesRace_RowKeepsTheLongerCooldown()
    {
        var table = fixture.Azurite.CreateTableName("health");
        using var first = Create(fixture, _time, table);
        using var second = Create(fixture, _time, table);

        for (var i = 0; i < 5; i++)
        {
            first.ReportFailure(_target, DeploymentFailure.Throttled, TimeSpan.FromSeconds(10 + (i * 10)), "a");
            second.ReportFailure(_target, DeploymentFailure.Throttled, TimeSpan.FromSeconds(15 + (i * 10)), "a");
        }

        await Task.WhenAll(first.WhenWrittenAsync(), second.WhenWrittenAsync());

        var row = await fixture.Azurite.CreateServiceClient().GetTableClient(table).GetEntityAsync<TableEntity>(_target.HealthKey.Endpoint, _target.HealthKey.Deployment);
        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromSeconds(55), row.Value.GetDateTimeOffset("BlockedUntil"));
        Assert.Equal("throttled", row.Value.GetString("Reason"));
        Assert.Equal("default", row.Value.PartitionKey);
        Assert.Equal(_target.Deployment.ToLowerInvariant(), row.Value.RowKey);
    }

    [Fact]
    public async Task IsCoolingDown_WhileUsed_TimerReadsTheTableEveryInterval()
    {
        var table = fixture.Azurite.CreateTableName("health");
        using var writer = Create(fixture, _time, table);
        using var reader = Create(fixture, _time, table, o => o.HealthRefreshInterval = TimeSpan.FromSeconds(2));
        Assert.False(reader.IsCoolingDown(_target, _time.GetUtcNow(), out _));

        writer.ReportFailure(_target, DeploymentFailure.Throttled, TimeSpan.FromSeconds(60), "a");
        await writer.WhenWrittenAsync();
        _time.Advance(TimeSpan.FromSeconds(2));

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!reader.IsCoolingDown(_target, _time.GetUtcNow(), out _) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.True(reader.IsCoolingDown(_target, _time.GetUtcNow(), out _));
    }

    [Theory]
    [InlineData(DeploymentFailure.ServerError)]
    [InlineData(DeploymentFailure.Timeout)]
    public void ReportFailure_OneCallersFailuresOnly_CircuitStaysClosed(DeploymentFailure failure)
    {
        using var health = Create(fixture, _time, configure: o => o.CircuitBreakerThreshold = 3);

        for (var i = 0; i < 20; i++)
        {
            health.ReportFailure(_target, failure, null, "key:mallory");
        }

        Assert.False(health.IsCoolingDown(_target, _time.GetUtcNow(), out _));
        health.ReportFailure(_target, failure, null, "key:alice");
        Assert.True(health.IsCoolingDown(_target, _time.GetUtcNow(), out _));
    }

    [Fact]
    public void ReportFailure_ConnectionFailuresOfOneCaller_OpenCircuit()
    {
        using var health = Create(fixture, _time, configure: o => o.CircuitBreakerThreshold = 3);

        for (var i = 0; i < 3; i++)
        {
            health.ReportFailure(_target, DeploymentFailure.Unreachable, null, "anonymous");
        }

        Assert.True(health.IsCoolingDown(_target, _time.GetUtcNow(), out _));
    }

    [Fact]
    public void IsCoolingDown_OpenCircuit_LetsOneProbeThroughPerInterval()
    {
        using var health = Create(fixture, _time, configure: Circuit);
        Open(health);

        _time.Advance(TimeSpan.FromSeconds(4.9));
        Assert.True(health.IsCoolingDown(_target, _time.GetUtcNow(), out _));
        _time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.False(health.IsCoolingDown(_target, _time.GetUtcNow(), out _));
        Assert.True(health.IsCoolingDown(_target, _time.GetUtcNow(), out var until));
        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromSeconds(55), until);

        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.False(health.IsCoolingDown(_target, _time.GetUtcNow(), out _));
        Assert.True(health.IsCoolingDown(_target, _time.GetUtcNow(), out _));
    }

    [Fact]
    public void ReportFailure_ProbeFails_OpenForAnotherFullDuration()
    {
        using var health = Create(fixture, _time, configure: Circuit);
        Open(health);
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.False(health.IsCoolingDown(_target, _time.GetUtcNow(), out _));

        health.ReportFailure(_target, DeploymentFailure.ServerError, null, "key:alice");

        Assert.True(health.IsCoolingDown(_target, _time.GetUtcNow(), out var until));
        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromSeconds(60), until);
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.False(health.IsCoolingDown(_target, _time.GetUtcNow(), out _));
    }

    [Fact]
    public async Task ReportSuccess_ProbeAnswered_ClosesHereAtOnceAndForOtherInstancesThroughTheTable()
    {
        var (_, opener, other) = await OpenOnOneSeenByAnotherAsync();
        using var first = opener;
        using var second = other;
        Assert.True(second.IsCoolingDown(_target, _time.GetUtcNow(), out _));

        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.False(first.IsCoolingDown(_target, _time.GetUtcNow(), out _));
        first.ReportSuccess(_target);

        Assert.False(first.IsCoolingDown(_target, _time.GetUtcNow(), out _));
        Assert.False(first.IsCoolingDown(_target, _time.GetUtcNow(), out _));
        await first.WhenWrittenAsync();
        await second.RefreshAsync();
        Assert.False(second.IsCoolingDown(_target, _time.GetUtcNow(), out _));
        Assert.False(second.IsCoolingDown(_target, _time.GetUtcNow(), out _));
    }

    [Fact]
    public async Task IsCoolingDown_CircuitReadFromTheTable_ProbedByThisInstanceToo()
    {
        var (table, opener, other) = await OpenOnOneSeenByAnotherAsync();
        using var first = opener;
        using var second = other;

        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.False(second.IsCoolingDown(_target, _time.GetUtcNow(), out _));
        second.ReportSuccess(_target);

        Assert.False(second.IsCoolingDown(_target, _time.GetUtcNow(), out _));
        await second.WhenWrittenAsync();
        var row = await fixture.Azurite.CreateServiceClient().GetTableClient(table).GetEntityAsync<TableEntity>(_target.HealthKey.Endpoint, _target.HealthKey.Deployment);
        Assert.Equal("circuit_closed", row.Value.GetString("Reason"));
        Assert.Equal(_time.GetUtcNow(), row.Value.GetDateTimeOffset("BlockedUntil"));
    }

    [Fact]
    public async Task ReportSuccess_AfterThrottle_DoesNotShortenTheCooldownRow()
    {
        var table = fixture.Azurite.CreateTableName("health");
        using var health = Create(fixture, _time, table, Circuit);
        health.ReportFailure(_target, DeploymentFailure.Throttled, TimeSpan.FromSeconds(30), "a");
        await health.WhenWrittenAsync();
        await health.RefreshAsync();

        health.ReportSuccess(_target);
        await health.WhenWrittenAsync();

        Assert.True(health.IsCoolingDown(_target, _time.GetUtcNow(), out _));
        var row = await fixture.Azurite.CreateServiceClient().GetTableClient(table).GetEntityAsync<TableEntity>(_target.HealthKey.Endpoint, _target.HealthKey.Deployment);
        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromSeconds(30), row.Value.GetDateTimeOffset("BlockedUntil"));
    }

    [Fact]
    public async Task RefreshAsync_TableHangs_GivesUpAfterOperationTimeoutAndKeepsWhatItKnew()
    {
        var table = fixture.Azurite.CreateTableName("health");
        using var writer = Create(fixture, _time, table);
        writer.ReportFailure(_target, DeploymentFailure.Throttled, TimeSpan.FromSeconds(60), "a");
        await writer.WhenWrittenAsync();
        var transport = new HangingTableTransport();
        var clientOptions = new TableClientOptions { Transport = transport };
        var client = new TableClient(fixture.Azurite.ConnectionString, table, clientOptions);
        using var reader = Create(fixture, _time, table, o => o.TableOperationTimeout = TimeSpan.FromSeconds(3), client: client);
        await reader.RefreshAsync(); // Not asking IsCoolingDown yet: that would start the refresh timer as well.

        transport.Hang = true;
        var refresh = reader.RefreshAsync();
        while (transport.Held == 0)
        {
            await Task.Delay(10);
        }

        Assert.False(refresh.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(3));
        await refresh.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(1, transport.Cancelled);
        Assert.True(reader.IsCoolingDown(_target, _time.GetUtcNow(), out _));
    }

    private static void Circuit(RouterOptions options)
    {
        options.CircuitBreakerThreshold = 2;
        options.CircuitBreakerDuration = TimeSpan.FromSeconds(60);
        options.CircuitBreakerProbeInterval = TimeSpan.FromSeconds(5);
    }

    /// <summary>Two instances over one table: the first opens the circuit and writes it, the second has read it.</summary>
    private async Task<(string Table, TableDeploymentHealth First, TableDeploymentHealth Second)> OpenOnOneSeenByAnotherAsync()
    {
        var table = fixture.Azurite.CreateTableName("health");
        var first = Create(fixture, _time, table, Circuit);
        var second = Create(fixture, _time, table, Circuit);
        Open(first);
        await first.WhenWrittenAsync();
        await second.RefreshAsync();
        return (table, first, second);
    }

    private void Open(TableDeploymentHealth health)
    {
        health.ReportFailure(_target, DeploymentFailure.ServerError, null, "key:alice");
        health.ReportFailure(_target, DeploymentFailure.ServerError, null, "key:bob");
        Assert.True(health.IsCoolingDown(_target, _time.GetUtcNow(), out _));
    }
}
