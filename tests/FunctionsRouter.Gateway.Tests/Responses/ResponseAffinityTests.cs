using FunctionsRouter.Gateway.Aliases;
using FunctionsRouter.Gateway.Responses;

namespace FunctionsRouter.Gateway.Tests.Responses;

public sealed class ResponseAffinityTests
{
    private static readonly TargetPrice Price = new(3m, 0.5m, 12m);
    private static readonly ResponseAffinity Affinity = new("resp_1", "fast", "a", "oai", "dep-oai", "key:1", DateTimeOffset.UnixEpoch);

    [Fact]
    public void ToTarget_AliasStillHasTheTargetOnTheSameDeployment_PricedAsItIsNow()
    {
        var route = new AliasRoute("fast", [new AliasTarget("fast", "a", "DEP-OAI", "oai", false, 3, 0) { Price = Price }]);

        var target = Affinity.ToTarget(route);

        Assert.Equal(Price, target.Price);
        Assert.True(target.Enabled); // the response lives there only, whatever the table says now
    }

    [Fact]
    public void ToTarget_TargetNowServesAnotherDeployment_NoPrice()
    {
        var route = new AliasRoute("fast", [new AliasTarget("fast", "a", "dep-other", "oai", true, 0, 1) { Price = Price }]);

        Assert.Null(Affinity.ToTarget(route).Price);
    }

    [Fact]
    public void ToTarget_NoRoute_NoPrice()
    {
        Assert.Null(Affinity.ToTarget().Price);
        Assert.Equal(("fast", "a", "dep-oai", "oai"), (Affinity.ToTarget().Alias, Affinity.ToTarget().Name, Affinity.ToTarget().Deployment, Affinity.ToTarget().Endpoint));
    }
}
