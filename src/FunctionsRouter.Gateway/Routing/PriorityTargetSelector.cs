using FunctionsRouter.Gateway.Aliases;

namespace FunctionsRouter.Gateway.Routing;

/// <summary>The first enabled target in priority order (lower first, then by target name).</summary>
internal sealed class PriorityTargetSelector : ITargetSelector
{
    public AliasTarget? Select(AliasRoute route)
    {
        foreach (var target in route.Targets)
        {
            if (target.Enabled)
            {
                return target;
            }
        }

        return null;
    }
}
