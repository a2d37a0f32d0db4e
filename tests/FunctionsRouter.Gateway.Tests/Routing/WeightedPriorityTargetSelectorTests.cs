using FunctionsRouter.Gateway.Aliases;
using FunctionsRouter.Gateway.Health;
using FunctionsRouter.Gateway.Routing;
using FunctionsRouter.Gateway.Tests.Health;
using FunctionsRouter.Gateway.Tests.Integration;
using Microsoft.Extensions.Time.Testing;

namespace FunctionsRouter.Gateway.Tests.Routing;

/// <summary>Selection over the real health store (Azurite behind it), with time and randomness fixed.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class WeightedPriorityTargetSelectorTests(IntegrationFixture fixture)
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-11-25T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public void Select_10000Picks_SharesWithin3PointsOfWeights()
    {
        using var health = TableDeploymentHealthTests.Create(fixture, _time);
        var random = new Random(20261125);
        var selector = new WeightedPriorityTargetSelector(health, _time, random.NextDouble);
        var route = Route(Target("a", weight: 1), Target("b", weight: 3), Target("c", weight: 6), Target("later", priority: 1, weight: 50));
        var counts = new Dictionary<string, int>();

        for (var i = 0; i < 10_000; i++)
        {
            var name = route.Targets[selector.Select(route, tried: 0)].Name;
            counts[name] = counts.GetValueOrDefault(name) + 1;
        }

        Assert.InRange(counts["a"] / 100.0, 10 - 3, 10 + 3);
        Assert.InRange(counts["b"] / 100.0, 30 - 3, 30 + 3);
        Assert.InRange(counts["c"] / 100.0, 60 - 3, 60 + 3);
        Assert.False(counts.ContainsKey("later"));
    }

    [Theory]
    [InlineData(0.0, "a")]
    [InlineData(0.0999, "a")]
    [InlineData(0.1, "b")]
    [InlineData(0.3999, "b")]
    [InlineData(0.4, "c")]
    [InlineData(0.99999999, "c")]
    [InlineData(1.0, "c")]
    public void Select_RandomPoint_PicksTheTargetWhoseShareHoldsIt(double point, string expected)
    {
        using var health = TableDeploymentHealthTests.Create(fixture, _time);
        var selector = new WeightedPriorityTargetSelector(health, _time, () => point);
        var route = Route(Target("a", weight: 1), Target("b", weight: 3), Target("c", weight: 6));

        Assert.Equal(expected, route.Targets[selector.Select(route, tried: 0)].Name);
    }

    [Fact]
    public void Select_Failover_SameGroupFirstThenLowerPriority()
    {
        using var health = TableDeploymentHealthTests.Create(fixture, _time);
        var selector = new WeightedPriorityTargetSelector(health, _time, () => 0.0);
        var route = Route(Target("p2", priority: 2), Target("p0-a"), Target("p0-b"), Target("p1", priority: 1), Target("off", enabled: false));
        var order = new List<string>();
        ulong tried = 0;

        for (var index = selector.Select(route, tried); index >= 0; index = selector.Select(route, tried))
        {
            order.Add(route.Targets[index].Name);
            tried |= 1UL << index;
        }

        Assert.Equal(["p0-a", "p0-b", "p1", "p2"], order);
    }

    [Fact]
    public void Select_ZeroWeight_StandbyOnlyWhenWeightedOnesOfItsGroupCannotServe()
    {
        using var health = TableDeploymentHealthTests.Create(fixture, _time);
        var selector = new WeightedPriorityTargetSelector(health, _time, () => 0.99);
        var route = Route(Target("standby", weight: 0), Target("main", weight: 5), Target("next", priority: 1));

        var first = selector.Select(route, tried: 0);
        var second = selector.Select(route, tried: 1UL << first);

        Assert.Equal("main", route.Targets[first].Name);
        Assert.Equal("standby", route.Targets[second].Name);
    }

    [Fact]
    public void Select_TargetCoolingDown_SkippedUntilItsCooldownEnds()
    {
        using var health = TableDeploymentHealthTests.Create(fixture, _time);
        var selector = new WeightedPriorityTargetSelector(health, _time, () => 0.0);
        var route = Route(Target("primary"), Target("backup", priority: 1));

        health.ReportFailure(route.Targets[0], DeploymentFailure.Throttled, TimeSpan.FromSeconds(20), "caller");

        Assert.Equal("backup", route.Targets[selector.Select(route, tried: 0)].Name);
        _time.Advance(TimeSpan.FromSeconds(19.9));
        Assert.Equal("backup", route.Targets[selector.Select(route, tried: 0)].Name);
        _time.Advance(TimeSpan.FromSeconds(0.2));
        Assert.Equal("primary", route.Targets[selector.Select(route, tried: 0)].Name);
    }

    [Fact]
    public void AllBusyUntil_EveryEnabledTargetCooling_TheEarliestReturn()
    {
        using var health = TableDeploymentHealthTests.Create(fixture, _time);
        var selector = new WeightedPriorityTargetSelector(health, _time, () => 0.0);
        var route = Route(Target("a"), Target("b", priority: 1), Target("off", enabled: false));

        health.ReportFailure(route.Targets.Single(t => t.Name == "a"), DeploymentFailure.Throttled, TimeSpan.FromSeconds(30), "caller");
        Assert.Null(selector.AllBusyUntil(route));
        health.ReportFailure(route.Targets.Single(t => t.Name == "b"), DeploymentFailure.Unavailable, TimeSpan.FromSeconds(4), "caller");

        Assert.Equal(-1, selector.Select(route, tried: 0));
        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromSeconds(4), selector.AllBusyUntil(route));
    }

    private static AliasRoute Route(params AliasTarget[] targets) => new("chat", targets);

    private static AliasTarget Target(string name, int priority = 0, int weight = 1, bool enabled = true) =>
        new("chat", name, "dep-" + name + "-" + Guid.NewGuid().ToString("N")[..8], "default", enabled, priority, weight);
}
