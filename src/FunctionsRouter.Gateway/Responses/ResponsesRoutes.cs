using System.Runtime.CompilerServices;
using FunctionsRouter.Gateway.Aliases;
using FunctionsRouter.Gateway.Configuration;
using FunctionsRouter.Gateway.Upstream;

namespace FunctionsRouter.Gateway.Responses;

/// <summary>
/// The part of an alias that can serve the Responses API: its targets on <c>openai</c>-kind endpoints (the Azure AI
/// Model Inference API has no Responses API). Computed once per catalog snapshot's route and kept beside it.
/// </summary>
internal sealed class ResponsesRoutes
{
    private readonly ConditionalWeakTable<AliasRoute, AliasRoute> _byRoute = [];
    private readonly ConditionalWeakTable<AliasRoute, AliasRoute>.CreateValueCallback _filter;

    public ResponsesRoutes(UpstreamEndpoints endpoints) =>
        // Made once: a lambda in For would be a new delegate on every Responses request, cache hit or not.
        _filter = r => new AliasRoute(r.Alias, r.Targets.Where(t => endpoints.Contains(t.Endpoint) && endpoints.Get(t.Endpoint).Api == UpstreamApiKind.OpenAI));

    /// <returns>The alias's OpenAI-kind targets as a route of their own, or <see langword="null"/> when it has none.</returns>
    public AliasRoute? For(AliasRoute route)
    {
        var filtered = _byRoute.GetValue(route, _filter);
        return filtered.Targets.IsEmpty ? null : filtered;
    }
}
