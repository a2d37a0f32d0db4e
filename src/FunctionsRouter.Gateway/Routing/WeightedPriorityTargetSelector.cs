using FunctionsRouter.Gateway.Aliases;
using FunctionsRouter.Gateway.Health;

namespace FunctionsRouter.Gateway.Routing;

/// <summary>
/// Targets are grouped by priority (lower first). The first group with an enabled, untried target that is not cooling
/// down serves, and within it a target is drawn at random in proportion to its weight. Weight-0 targets are standbys:
/// drawn (evenly) only when no weighted target of their group can serve.
/// </summary>
internal sealed class WeightedPriorityTargetSelector(IDeploymentHealth health, TimeProvider time, Func<double> random) : ITargetSelector
{
    public int Select(AliasRoute route, ulong tried)
    {
        var targets = route.Targets;
        var now = time.GetUtcNow();
        ulong available = 0;
        for (var start = 0; start < targets.Length;)
        {
            var end = start;
            long totalWeight = 0;
            var standbys = 0;
            while (end < targets.Length && targets[end].Priority == targets[start].Priority)
            {
                var target = targets[end];
                if (target.Enabled && (tried & (1UL << end)) == 0 && !health.IsCoolingDown(target, now, out _))
                {
                    available |= 1UL << end;
                    totalWeight += target.Weight;
                    standbys += target.Weight == 0 ? 1 : 0;
                }

                end++;
            }

            if (totalWeight > 0)
            {
                return Draw(targets, available, start, end, totalWeight, weighted: true);
            }

            if (standbys > 0)
            {
                return Draw(targets, available, start, end, standbys, weighted: false);
            }

            start = end;
        }

        return -1;
    }

    public DateTimeOffset? AllBusyUntil(AliasRoute route)
    {
        var now = time.GetUtcNow();
        DateTimeOffset? first = null;
        foreach (var target in route.Targets)
        {
            if (!target.Enabled)
            {
                continue;
            }

            if (!health.IsCoolingDown(target, now, out var until))
            {
                return null;
            }

            first = first is null || until < first ? until : first;
        }

        return first;
    }

    private int Draw(System.Collections.Immutable.ImmutableArray<AliasTarget> targets, ulong available, int start, int end, long total, bool weighted)
    {
        // random() is in [0, 1); the guard keeps a misbehaving source from walking off the group.
        var point = (long)(random() * total);
        point = Math.Clamp(point, 0, total - 1);
        var last = -1;
        for (var i = start; i < end; i++)
        {
            if ((available & (1UL << i)) == 0)
            {
                continue;
            }

            long share = weighted ? targets[i].Weight : 1;
            if (share == 0)
            {
                continue;
            }

            last = i;
            if (point < share)
            {
                return i;
            }

            point -= share;
        }

        return last;
    }
}
