using FunctionsRouter.Gateway.Aliases;
using FunctionsRouter.Gateway.Routing;

namespace FunctionsRouter.Gateway.Tests.Routing;

public sealed class PriorityTargetSelectorTests
{
    private readonly PriorityTargetSelector _selector = new();

    [Fact]
    public void Select_EnabledTargets_LowestPriorityWins()
    {
        var route = new AliasRoute("fast", [Target("a", priority: 5), Target("z", priority: 1), Target("m", priority: 3)]);

        Assert.Equal("z", _selector.Select(route)?.Name);
    }

    [Fact]
    public void Select_SamePriority_FirstByOrdinalName()
    {
        var route = new AliasRoute("fast", [Target("b"), Target("B"), Target("a")]);

        Assert.Equal("B", _selector.Select(route)?.Name);
    }

    [Fact]
    public void Select_BestTargetsDisabled_FirstEnabledInOrder()
    {
        var route = new AliasRoute("fast",
        [
            Target("primary", priority: 0, enabled: false),
            Target("secondary-b", priority: 1),
            Target("secondary-a", priority: 1, enabled: false),
            Target("tertiary", priority: 2),
        ]);

        Assert.Equal("secondary-b", _selector.Select(route)?.Name);
    }

    [Fact]
    public void Select_NegativePriority_ServesFirst()
    {
        var route = new AliasRoute("fast", [Target("zero", priority: 0), Target("minus", priority: -1)]);

        Assert.Equal("minus", _selector.Select(route)?.Name);
    }

    [Fact]
    public void Select_NoneEnabled_Null()
    {
        var route = new AliasRoute("fast", [Target("a", enabled: false), Target("b", priority: 1, enabled: false)]);

        Assert.Null(_selector.Select(route));
    }

    [Fact]
    public void Select_NoTargets_Null()
    {
        Assert.Null(_selector.Select(new AliasRoute("fast", [])));
    }

    private static AliasTarget Target(string name, int priority = 0, bool enabled = true) =>
        new("fast", name, "dep-" + name, "default", enabled, priority, Weight: 1);
}
