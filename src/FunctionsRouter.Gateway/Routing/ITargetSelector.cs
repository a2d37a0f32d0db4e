using FunctionsRouter.Gateway.Aliases;

namespace FunctionsRouter.Gateway.Routing;

/// <summary>Chooses which of an alias's targets serves a request, and which to fail over to. Costs no I/O.</summary>
public interface ITargetSelector
{
    /// <summary>Picks the next target to try.</summary>
    /// <param name="route">The alias.</param>
    /// <param name="tried">Bit <c>i</c> set: <c>route.Targets[i]</c> was tried already by this request.</param>
    /// <returns>An index into <see cref="AliasRoute.Targets"/>, or -1 when no untried target can serve now.</returns>
    int Select(AliasRoute route, ulong tried);

    /// <summary>When every enabled target is cooling down: when the first of them comes back. Otherwise <see langword="null"/>.</summary>
    DateTimeOffset? AllBusyUntil(AliasRoute route);
}
