using Azure.Data.Tables;
using FunctionsRouter.Gateway.Aliases;
using FunctionsRouter.Gateway.Configuration;
using FunctionsRouter.Gateway.Health;
using FunctionsRouter.Gateway.Tests.Integration;
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

    internal static TableDeploymentHealth Create(IntegrationFixture fixture, TimeProvider time, string? table = null, Action<RouterOptions>? configure = null, Action<AliasTarget, string, TimeSpan>? observer = null)
    {
        var options = new RouterOptions { HealthTable = table ?? fixture.Azurite.CreateTableName("health") };
        configure?.Invoke(options);
        return new TableDeploymentHealth(
            fixture.Azurite.CreateServiceClient().GetTableClient(options.HealthTable),
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

        health.ReportFailure(_target, failure, retryAfterSeconds is null ? null : TimeSpan.FromSeconds(retryAfterSeconds.Value));

        Assert.True(health.IsCoolingDown(_target, start, out var until));
        Assert.Equal(start + TimeSpan.FromSeconds(expectedSeconds), until);
        Assert.True(health.IsCoolingDown(_target, until - TimeSpan.FromTicks(1), out _));
        Assert.False(health.IsCoolingDown(_target, until, out _));
    }

    [Fact]
    public void ReportFailure_RetryAfterZero_NoCooldown()
    {
        using var health = Create(fixture, _time);

        health.ReportFailure(_target, DeploymentFailure.Throttled, TimeSpan.Zero);

        Assert.False(health.IsCoolingDown(_target, _time.GetUtcNow(), out _));
    }

    [Fact]
    public void ReportFailure_ShorterCooldownAfterLonger_KeepsTheLonger()
    {
        using var health = Create(fixture, _time);

        health.ReportFailure(_target, DeploymentFailure.Throttled, TimeSpan.FromSeconds(30));
        health.ReportFailure(_target, DeploymentFailure.Throttled, TimeSpan.FromSeconds(2));

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

        health.ReportFailure(_target, failure, null);
        health.ReportFailure(_target, failure, null);
        Assert.False(health.IsCoolingDown(_target, _time.GetUtcNow(), out _));
        health.ReportFailure(_target, failure, null);

        Assert.True(health.IsCoolingDown(_target, _time.GetUtcNow(), out var until));
        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromSeconds(45), until);
        _time.Advance(TimeSpan.FromSeconds(45));
        Assert.False(health.IsCoolingDown(_target, _time.GetUtcNow(), out _));
    }

    [Fact]
    public void ReportSuccess_BetweenFailures_RunStartsAgain()
    {
        using var health = Create(fixture, _time, configure: o => o.CircuitBreakerThreshold = 2);

        health.ReportFailure(_target, DeploymentFailure.ServerError, null);
        health.ReportSuccess(_target);
        health.ReportFailure(_target, DeploymentFailure.ServerError, null);

        Assert.False(health.IsCoolingDown(_target, _time.GetUtcNow(), out _));
        health.ReportFailure(_target, DeploymentFailure.ServerError, null);
        Assert.True(health.IsCoolingDown(_target, _time.GetUtcNow(), out _));
    }

    [Fact]
    public void ReportFailure_NewCooldown_ObservedOnceWithReason()
    {
        var seen = new List<(string Reason, TimeSpan Duration)>();
        using var health = Create(fixture, _time, observer: (_, reason, duration) => seen.Add((reason, duration)));

        health.ReportFailure(_target, DeploymentFailure.Throttled, TimeSpan.FromSeconds(8));
        health.ReportFailure(_target, DeploymentFailure.Throttled, TimeSpan.FromSeconds(8.5));

        Assert.Equal([("throttled", TimeSpan.FromSeconds(8))], seen);
    }

    [Fact]
    public async Task ReportFailure_OnOneInstance_SeenByAnotherAfterItReadsTheTable()
    {
        var table = fixture.Azurite.CreateTableName("health");
        using var first = Create(fixture, _time, table);
        using var second = Create(fixture, _time, table);
        var twin = _target with { Alias = "other-alias", Name = "z" };

        first.ReportFailure(_target, DeploymentFailure.Throttled, TimeSpan.FromSeconds(20));
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
            first.ReportFailure(_target, DeploymentFailure.Throttled, TimeSpan.FromSeconds(10 + (i * 10)));
            second.ReportFailure(_target, DeploymentFailure.Throttled, TimeSpan.FromSeconds(15 + (i * 10)));
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

        writer.ReportFailure(_target, DeploymentFailure.Throttled, TimeSpan.FromSeconds(60));
        await writer.WhenWrittenAsync();
        _time.Advance(TimeSpan.FromSeconds(2));

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!reader.IsCoolingDown(_target, _time.GetUtcNow(), out _) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.True(reader.IsCoolingDown(_target, _time.GetUtcNow(), out _));
    }
}
