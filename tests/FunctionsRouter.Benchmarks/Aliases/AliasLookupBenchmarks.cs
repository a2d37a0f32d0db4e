using BenchmarkDotNet.Attributes;
using FunctionsRouter.Gateway.Aliases;
using FunctionsRouter.Gateway.Routing;

namespace FunctionsRouter.Benchmarks.Aliases;

/// <summary>
/// Alias lookup on a warm catalog (what every request does once the cache is loaded): the case-insensitive span lookup
/// in <see cref="AliasCatalogSnapshot"/> and the priority target choice, over a catalog of 200 aliases.
/// </summary>
[MemoryDiagnoser]
public class AliasLookupBenchmarks
{
    private readonly PriorityTargetSelector _selector = new();
    private AliasCatalogSnapshot _snapshot = AliasCatalogSnapshot.Empty;

    [GlobalSetup]
    public void Setup()
    {
        var routes = Enumerable.Range(0, 199)
            .Select(i => $"alias-{i:D3}")
            .Append("chat-default")
            .Select(alias => new AliasRoute(alias,
            [
                new AliasTarget(alias, "secondary", alias + "-b", "default", Enabled: true, Priority: 1, Weight: 1),
                new AliasTarget(alias, "primary", alias + "-a", "default", Enabled: true, Priority: 0, Weight: 1),
            ]));
        _snapshot = new AliasCatalogSnapshot(routes, DateTimeOffset.UtcNow);
    }

    [Benchmark(Baseline = true)]
    public AliasTarget? ExactCase() => _snapshot.TryGet("chat-default", out var route) ? _selector.Select(route) : null;

    [Benchmark]
    public AliasTarget? OtherCase() => _snapshot.TryGet("Chat-Default", out var route) ? _selector.Select(route) : null;

    [Benchmark]
    public AliasTarget? Unknown() => _snapshot.TryGet("no-such-alias", out var route) ? _selector.Select(route) : null;
}
