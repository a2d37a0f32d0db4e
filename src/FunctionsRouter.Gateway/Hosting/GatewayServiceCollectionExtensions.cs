using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Identity;
using FunctionsRouter.Gateway.Aliases;
using FunctionsRouter.Gateway.Caching;
using FunctionsRouter.Gateway.Callers;
using FunctionsRouter.Gateway.Configuration;
using FunctionsRouter.Gateway.Cors;
using FunctionsRouter.Gateway.Diagnostics;
using FunctionsRouter.Gateway.Forwarding;
using FunctionsRouter.Gateway.Health;
using FunctionsRouter.Gateway.Limits;
using FunctionsRouter.Gateway.Management;
using FunctionsRouter.Gateway.Relay;
using FunctionsRouter.Gateway.Requests;
using FunctionsRouter.Gateway.Responses;
using FunctionsRouter.Gateway.Routing;
using FunctionsRouter.Gateway.Upstream;
using FunctionsRouter.Gateway.Usage;
using FunctionsRouter.Gateway.Usage.Reports;
using Microsoft.AspNetCore.Server.Kestrel.Core;
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

        // Kestrel (the Functions worker's too) stops reading at 30,000,000 bytes; the gateway reads an oversized body to its
        // end before answering 413, up to RequestBodyReader.DrainLimit. Also raised per request (RequestReader), for other servers.
        services.Configure<KestrelServerOptions>(kestrel => kestrel.Limits.MaxRequestBodySize = RequestBodyReader.DrainLimit);

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<Lazy<TokenCredential>>(_ => new Lazy<TokenCredential>(() => new DefaultAzureCredential()));
        // Every control table's client shares these: each call bounded by Router__TableOperationTimeout, one connection
        // pool that the usage ledger does not use (see TableStorageTimeouts, TableConnectionPools), and each call timed, so
        // a ledger in the same account yields to them when they slow down (ControlTableStrain).
        services.TryAddSingleton(sp => new ControlTableStrain(sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<ControlTableStrain>>()));
        services.TryAddSingleton(sp =>
        {
            var options = TableStorageTimeouts.CreateClientOptions(sp.GetRequiredService<IOptions<RouterOptions>>().Value.TableOperationTimeout);
            options.AddPolicy(sp.GetRequiredService<ControlTableStrain>().Watch, HttpPipelinePosition.PerCall);
            return options;
        });
        // Where the control tables are, resolved once (validation has checked it).
        services.TryAddSingleton(sp =>
        {
            TableStorageLocation.TryResolve(sp.GetRequiredService<IOptions<RouterOptions>>().Value.Storage, sp.GetRequiredService<IConfiguration>(), out var location, out _);
            return location;
        });
        services.TryAddSingleton(sp => CreateServiceClient(sp, sp.GetRequiredService<TableStorageLocation>()));

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
        services.TryAddSingleton<ICallerStore>(sp => new TableCallerStore(
            sp.GetRequiredService<TableServiceClient>().GetTableClient(sp.GetRequiredService<IOptions<RouterOptions>>().Value.CallerTable),
            sp.GetRequiredService<ILogger<TableCallerStore>>()));
        services.TryAddSingleton(sp => new CorsHeaders(sp.GetRequiredService<IOptions<RouterOptions>>().Value.Cors));
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<RouterOptions>>().Value;
            var time = sp.GetRequiredService<TimeProvider>();
            EntraTokenValidator? tokens = null;
            if (options.Entra.IsEnabled)
            {
                // Its own client: metadata and keys are small, and a slow issuer must not hold a connection for long.
                var http = new HttpClient { Timeout = OpenIdConfigurationCache.ReadTimeout };
                var keys = new OpenIdConfigurationCache(options.Entra.ResolvedAuthority, http, options.CallerLookupTimeout, time, sp.GetRequiredService<ILogger<OpenIdConfigurationCache>>());
                tokens = new EntraTokenValidator(options.Entra, keys, time);
            }

            return new CallerAdmission(
                sp.GetRequiredService<ICallerStore>(),
                tokens,
                sp.GetRequiredService<CorsHeaders>(),
                sp.GetRequiredService<GatewayTelemetry>(),
                sp.GetRequiredService<IOptions<RouterOptions>>(),
                time,
                sp.GetRequiredService<ILogger<CallerAdmission>>());
        });

        // Limits: decided in memory per request, exchanged with the other instances in the background.
        services.TryAddSingleton<LimitCounts>();
        services.TryAddSingleton(sp => new RequestLimits(
            sp.GetRequiredService<LimitCounts>(),
            sp.GetRequiredService<GatewayTelemetry>(),
            sp.GetRequiredService<IOptions<RouterOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<RequestLimits>>()));
        services.TryAddSingleton(sp => new LimitCountSync(
            sp.GetRequiredService<TableServiceClient>().GetTableClient(sp.GetRequiredService<IOptions<RouterOptions>>().Value.Limits.CountTable),
            sp.GetRequiredService<LimitCounts>(),
            sp.GetRequiredService<IOptions<RouterOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<LimitCountSync>>()));
        services.AddHostedService(sp => sp.GetRequiredService<LimitCountSync>());

        services.TryAddSingleton<UsageQueue>();
        services.TryAddSingleton<IUsageSink>(sp => sp.GetRequiredService<UsageQueue>());
        // The ledger: its own connection pool always, its own storage account when Router__Usage__… names one. Every
        // table of the ledger's (its rows, and what is derived from them) is reached through this location.
        services.TryAddKeyedSingleton(TableStorageLocation.UsageKey, (sp, key) =>
        {
            TableStorageLocation.TryResolveUsage(sp.GetRequiredService<IOptions<RouterOptions>>().Value, sp.GetRequiredService<IConfiguration>(), out var location, out _);
            return location;
        });
        services.TryAddSingleton(sp => UsageTableClient.Create(
            sp.GetRequiredKeyedService<TableStorageLocation>(TableStorageLocation.UsageKey),
            sp.GetRequiredService<IOptions<RouterOptions>>().Value.UsageTable,
            () => sp.GetRequiredService<Lazy<TokenCredential>>().Value,
            tryTimeout: sp.GetRequiredService<IOptions<RouterOptions>>().Value.TableOperationTimeout,
            yieldTo: LedgerYield(sp)));
        // The rollup's cells are written by the usage writer, through a client made like the ledger's own.
        services.TryAddSingleton(sp => new UsageRollupWriter(
            UsageTableClient.Create(
                sp.GetRequiredKeyedService<TableStorageLocation>(TableStorageLocation.UsageKey),
                sp.GetRequiredService<IOptions<RouterOptions>>().Value.UsageRollupTable,
                () => sp.GetRequiredService<Lazy<TokenCredential>>().Value,
                tryTimeout: sp.GetRequiredService<IOptions<RouterOptions>>().Value.TableOperationTimeout,
                yieldTo: LedgerYield(sp)),
            sp.GetRequiredService<IOptions<RouterOptions>>().Value.Currency,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<UsageRollupWriter>>()));
        services.TryAddSingleton(sp => new UsageTableWriter(
            sp.GetRequiredService<UsageQueue>(),
            sp.GetRequiredService<UsageTableClient>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>(),
            sp.GetRequiredService<IOptions<RouterOptions>>().Value.UsageBatchLinger,
            sp.GetRequiredService<UsageRollupWriter>()));
        services.AddHostedService(sp => sp.GetRequiredService<UsageTableWriter>());

        // Usage reports read the rollup (never the rows), where the ledger keeps it, for GET /api/manage/usage.
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<RouterOptions>>().Value;
            var ledger = sp.GetRequiredKeyedService<TableStorageLocation>(TableStorageLocation.UsageKey);
            var service = ledger == sp.GetRequiredService<TableStorageLocation>() ? sp.GetRequiredService<TableServiceClient>() : CreateServiceClient(sp, ledger);
            return new UsageReportService(service.GetTableClient(options.UsageRollupTable), options.Currency, options.TableOperationTimeout);
        });
        services.TryAddSingleton(sp => new UsageReportHandler(sp.GetRequiredService<ManagementExchange>(), sp.GetRequiredService<UsageReportService>()));

        // Response affinity: which target holds each stored response (Table Storage, written off the request path).
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<RouterOptions>>().Value;
            return new TableResponseAffinityStore(
                sp.GetRequiredService<TableServiceClient>().GetTableClient(options.ResponsesTable),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<TableResponseAffinityStore>>(),
                CacheTimings.From(options, TableResponseAffinityStore.CacheTtl, options.TableWaitTimeout));
        });
        services.TryAddSingleton<IResponseAffinityStore>(sp => sp.GetRequiredService<TableResponseAffinityStore>());
        services.AddHostedService(sp => sp.GetRequiredService<TableResponseAffinityStore>());
        services.TryAddSingleton(sp => new ResponsesRoutes(sp.GetRequiredService<UpstreamEndpoints>()));
        services.TryAddSingleton(sp => new StoredResponseHandler(
            sp.GetRequiredService<IResponseAffinityStore>(),
            sp.GetRequiredService<UpstreamEndpoints>(),
            sp.GetRequiredService<UpstreamSender>(),
            sp.GetRequiredService<CallerAdmission>(),
            sp.GetRequiredService<RequestLimits>(),
            sp.GetRequiredService<IUsageSink>(),
            sp.GetRequiredService<TimeProvider>()));

        // Spans and metrics (OpenTelemetry GenAI conventions); they cost nothing until a host listens to them.
        services.AddMetrics();
        services.TryAddSingleton<GatewayTelemetry>();

        services.TryAddSingleton(sp => new UpstreamAnswerRelay(
            sp.GetRequiredService<IDeploymentHealth>(),
            sp.GetRequiredService<IResponseAffinityStore>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<UpstreamAnswerRelay>>()));
        services.TryAddSingleton(sp => new UpstreamSender(
            sp.GetRequiredService<UpstreamEndpoints>(),
            sp.GetRequiredService<IDeploymentHealth>(),
            sp.GetRequiredService<UpstreamAnswerRelay>(),
            sp.GetRequiredService<GatewayTelemetry>(),
            sp.GetRequiredService<IOptions<RouterOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<UpstreamSender>>()));
        services.TryAddSingleton(sp => new GatewayRequestHandler(
            sp.GetRequiredService<IAliasCatalog>(),
            sp.GetRequiredService<ITargetSelector>(),
            sp.GetRequiredService<IDeploymentHealth>(),
            sp.GetRequiredService<UpstreamEndpoints>(),
            sp.GetRequiredService<UpstreamSender>(),
            sp.GetRequiredService<CallerAdmission>(),
            sp.GetRequiredService<RequestLimits>(),
            sp.GetRequiredService<IUsageSink>(),
            sp.GetRequiredService<IResponseAffinityStore>(),
            sp.GetRequiredService<ResponsesRoutes>(),
            sp.GetRequiredService<UpstreamAnswerRelay>(),
            sp.GetRequiredService<GatewayTelemetry>(),
            sp.GetRequiredService<IOptions<RouterOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<GatewayRequestHandler>>()));
        services.TryAddSingleton<ModelListHandler>();

        // Management (/api/manage/…): the same operations as the command line's, behind admin-only admission.
        services.TryAddSingleton(sp => new ManagementExchange(
            sp.GetRequiredService<CallerAdmission>(),
            sp.GetRequiredService<IOptions<RouterOptions>>().Value.ManagementTimeout,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<ManagementExchange>>()));
        services.TryAddSingleton(sp => new AuditStore(
            sp.GetRequiredService<TableServiceClient>().GetTableClient(sp.GetRequiredService<IOptions<RouterOptions>>().Value.AuditTable)));
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<RouterOptions>>().Value;
            return new AliasManagementHandler(
                sp.GetRequiredService<ManagementExchange>(),
                new AliasOperations(
                    new AliasRowStore(sp.GetRequiredService<TableServiceClient>().GetTableClient(options.AliasTable)),
                    sp.GetRequiredService<AuditStore>(),
                    [.. options.Endpoints.Keys],
                    sp.GetRequiredService<IAliasCatalog>(),
                    sp.GetRequiredService<TimeProvider>(),
                    sp.GetRequiredService<ILogger<AliasOperations>>()));
        });
        services.TryAddSingleton(sp => new CallerManagementHandler(
            sp.GetRequiredService<ManagementExchange>(),
            new CallerRowStore(sp.GetRequiredService<TableServiceClient>().GetTableClient(sp.GetRequiredService<IOptions<RouterOptions>>().Value.CallerTable)),
            sp.GetRequiredService<AuditStore>(),
            sp.GetRequiredService<CallerAdmission>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<CallerManagementHandler>>()));
        services.TryAddSingleton(sp => new DeploymentListHandler(
            sp.GetRequiredService<ManagementExchange>(),
            sp.GetRequiredService<IAliasCatalog>(),
            sp.GetRequiredService<IDeploymentHealth>(),
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<ManagementOpenApiDocument>();
        services.TryAddSingleton(sp => new ManagementOpenApiHandler(sp.GetRequiredService<ManagementExchange>(), sp.GetRequiredService<ManagementOpenApiDocument>()));
        return services;
    }

    /// <summary>The ledger's clients yield to the control tables' calls when both are in one account; with an account of its own, the ledger never waits on them.</summary>
    private static HttpPipelinePolicy? LedgerYield(IServiceProvider sp) =>
        sp.GetRequiredKeyedService<TableStorageLocation>(TableStorageLocation.UsageKey) == sp.GetRequiredService<TableStorageLocation>()
            ? sp.GetRequiredService<ControlTableStrain>().Yield
            : null;

    /// <summary>A table service client at <paramref name="location"/>, with the control tables' options (their pool, their timeouts).</summary>
    private static TableServiceClient CreateServiceClient(IServiceProvider sp, TableStorageLocation location)
    {
        var clientOptions = sp.GetRequiredService<TableClientOptions>();
        return location.ConnectionString is not null
            ? new TableServiceClient(location.ConnectionString, clientOptions)
            : new TableServiceClient(location.ServiceUri!, sp.GetRequiredService<Lazy<TokenCredential>>().Value, clientOptions);
    }
}
