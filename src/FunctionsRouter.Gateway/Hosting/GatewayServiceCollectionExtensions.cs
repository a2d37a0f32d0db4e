using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using FunctionsRouter.Gateway.Aliases;
using FunctionsRouter.Gateway.Callers;
using FunctionsRouter.Gateway.Configuration;
using FunctionsRouter.Gateway.Diagnostics;
using FunctionsRouter.Gateway.Forwarding;
using FunctionsRouter.Gateway.Health;
using FunctionsRouter.Gateway.Routing;
using FunctionsRouter.Gateway.Upstream;
using FunctionsRouter.Gateway.Usage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FunctionsRouter.Gateway.Hosting;

/// <summary>Wires the gateway into any host: the Functions worker, or an ASP.NET Core app (tests, benchmarks).</summary>
public static class GatewayServiceCollectionExtensions
{
    /// <summary>
    /// Adds the gateway: settings from the <c>Router</c> section (validated at start), the alias catalog, the upstream
    /// endpoints, the usage ledger with its background writer, and the gateway's telemetry
    /// (<see cref="GatewayTelemetryNames"/>).
    /// </summary>
    public static IServiceCollection AddFunctionsRouterGateway(this IServiceCollection services)
    {
        services.AddOptions<RouterOptions>()
            .BindConfiguration(RouterOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RouterOptions>, RouterOptionsValidator>());

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<Lazy<TokenCredential>>(_ => new Lazy<TokenCredential>(() => new DefaultAzureCredential()));
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<RouterOptions>>().Value;
            TableStorageLocation.TryResolve(options.Storage, sp.GetRequiredService<IConfiguration>(), out var location, out _);
            return location.ConnectionString is not null
                ? new TableServiceClient(location.ConnectionString)
                : new TableServiceClient(location.ServiceUri!, sp.GetRequiredService<Lazy<TokenCredential>>().Value);
        });

        services.TryAddSingleton<UpstreamEndpoints>();
        services.TryAddSingleton<IAliasCatalog>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<RouterOptions>>();
            var endpoints = sp.GetRequiredService<UpstreamEndpoints>();
            return new TableAliasCatalog(
                sp.GetRequiredService<TableServiceClient>().GetTableClient(options.Value.AliasTable),
                options,
                endpoints.Contains,
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<TableAliasCatalog>>());
        });
        services.TryAddSingleton<IDeploymentHealth>(sp => new TableDeploymentHealth(
            sp.GetRequiredService<TableServiceClient>().GetTableClient(sp.GetRequiredService<IOptions<RouterOptions>>().Value.HealthTable),
            sp.GetRequiredService<IOptions<RouterOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<TableDeploymentHealth>>(),
            sp.GetRequiredService<GatewayTelemetry>().RecordCooldown));
        services.TryAddSingleton<ITargetSelector>(sp => new WeightedPriorityTargetSelector(
            sp.GetRequiredService<IDeploymentHealth>(),
            sp.GetRequiredService<TimeProvider>(),
            Random.Shared.NextDouble));
        services.TryAddSingleton<ICallerResolver, AnonymousCallerResolver>();

        services.TryAddSingleton<UsageQueue>();
        services.TryAddSingleton<IUsageSink>(sp => sp.GetRequiredService<UsageQueue>());
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<RouterOptions>>().Value;
            TableStorageLocation.TryResolve(options.Storage, sp.GetRequiredService<IConfiguration>(), out var location, out _);
            return UsageTableClient.Create(location, options.UsageTable, () => sp.GetRequiredService<Lazy<TokenCredential>>().Value);
        });
        services.TryAddSingleton(sp => new UsageTableWriter(
            sp.GetRequiredService<UsageQueue>(),
            sp.GetRequiredService<UsageTableClient>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>(),
            sp.GetRequiredService<IOptions<RouterOptions>>().Value.UsageBatchLinger));
        services.AddHostedService(sp => sp.GetRequiredService<UsageTableWriter>());

        // Spans and metrics (OpenTelemetry GenAI conventions); they cost nothing until a host listens to them.
        services.AddMetrics();
        services.TryAddSingleton<GatewayTelemetry>();

        services.TryAddSingleton(sp => new GatewayRequestHandler(
            sp.GetRequiredService<IAliasCatalog>(),
            sp.GetRequiredService<ITargetSelector>(),
            sp.GetRequiredService<IDeploymentHealth>(),
            sp.GetRequiredService<UpstreamEndpoints>(),
            sp.GetRequiredService<ICallerResolver>(),
            sp.GetRequiredService<IUsageSink>(),
            sp.GetRequiredService<GatewayTelemetry>(),
            sp.GetRequiredService<IOptions<RouterOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<GatewayRequestHandler>>()));
        services.TryAddSingleton<ModelListHandler>();
        return services;
    }
}
