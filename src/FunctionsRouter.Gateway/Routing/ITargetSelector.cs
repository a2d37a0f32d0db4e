using FunctionsRouter.Gateway.Aliases;

namespace FunctionsRouter.Gateway.Routing;

/// <summary>Chooses which of an alias's targets serves a request. Costs no I/O.</summary>
public interface ITargetSelector
{
    /// <returns>The target, or <see langword="null"/> when none can serve.</returns>
    AliasTarget? Select(AliasRoute route);
}
