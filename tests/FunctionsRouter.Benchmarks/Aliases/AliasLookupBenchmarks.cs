using Azure.Data.Tables;
using BenchmarkDotNet.Attributes;
using FunctionsRouter.Gateway.Aliases;
using FunctionsRouter.Gateway.Configuration;
using FunctionsRouter.Gateway.Health;
using FunctionsRouter.Gateway.Routing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace FunctionsRouter.Benchmarks.Aliases;

/// <summary>
/// Alias lookup on a warm catalog (what every request does once the cache is loaded): the case-insensitive span lookup
/// in <see cref="AliasCatalogSnapshot"/> and the weighted, priority target choice with its health checks, over a
/// catalog of 200 aliases. The health store's table is never reachable here: its background refresh fails quietly, once
/// a minute, and the request path never waits for it.
/// </summary>
[MemoryDiagnoser]
public class AliasLookupBenchmarks : IDisposable
{
    private readonly TableDeploymentHealth _health = new(
        new TableClient("UseDevelopmentStorage=true", "DeploymentHealth"),
        Options.Create(new RouterOptions { HealthRefreshInterval = TimeSpan.FromMinutes(1) }),
        TimeProvider.System,
        NullLogger<TableDeploymentHealth>.Instance);

    private WeightedPriorityTargetSelector _selector = null!;
    private AliasCatalogSnapshot _snapshot = AliasCatalogSnapshot.Empty;

    public void Dispose()
    {
        _health.Dispose();
        GC.SuppressFinalize(this);
    }

    [GlobalSetup]
    public void Setup()
    {
        _selector = new WeightedPriorityTargetSelector(_health, TimeProvider.System, Random.Shared.NextDouble);
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
    public int ExactCase() => _snapshot.TryGet("chat-default", out var route) ? _selector.Select(route, tried: 0) : -1;

    [Benchmark]
    public int OtherCase() => _snapshot.TryGet("Chat-Default", out var route) ? _selector.Select(route, tried: 0) : -1;

    [Benchmark]
    public int Unknown() => _snapshot.TryGet("no-such-alias", out var route) ? _selector.Select(route, tried: 0) : -1;
}
