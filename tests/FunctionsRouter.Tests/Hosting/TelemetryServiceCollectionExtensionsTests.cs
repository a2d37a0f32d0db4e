using System.Diagnostics;
using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using FunctionsRouter.Gateway.Diagnostics;
using FunctionsRouter.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace FunctionsRouter.Tests.Hosting;

public sealed class TelemetryServiceCollectionExtensionsTests
{
    // A loopback port nothing listens on: the exporter may try to send at shutdown and fails at once.
    private const string ConnectionString = "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=http://127.0.0.1:9/";

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void AddFunctionsRouterTelemetry_NoConnectionString_RegistersNoProviderAndNoExporter(string? connectionString)
    {
        using var services = Build(connectionString, authenticationString: null);

        Assert.Null(services.GetService<TracerProvider>());
        Assert.Null(services.GetService<MeterProvider>());
        Assert.Empty(services.GetServices<IConfigureOptions<AzureMonitorExporterOptions>>());
    }

    [Fact]
    public void AddFunctionsRouterTelemetry_ConnectionString_ExportsTheGatewaySourceAndMeterToAzureMonitor()
    {
        using var services = Build(ConnectionString, authenticationString: null);

        var exporter = services.GetRequiredService<IOptionsMonitor<AzureMonitorExporterOptions>>().CurrentValue;
        Assert.Equal(ConnectionString, exporter.ConnectionString);
        Assert.Null(exporter.Credential);

        Assert.NotNull(services.GetService<TracerProvider>());
        using var probe = new ActivitySource(GatewayTelemetryNames.ActivitySourceName);
        Assert.True(probe.HasListeners());
        Assert.NotNull(services.GetService<MeterProvider>());
    }

    [Theory]
    [InlineData("ClientId=11111111-1111-1111-1111-111111111111;Authorization=AAD")]
    [InlineData("Authorization=aad")]
    public void AddFunctionsRouterTelemetry_AuthenticationStringAskingForEntraId_ExporterUsesManagedIdentity(string authenticationString)
    {
        using var services = Build(ConnectionString, authenticationString);

        var exporter = services.GetRequiredService<IOptionsMonitor<AzureMonitorExporterOptions>>().CurrentValue;
        Assert.IsType<ManagedIdentityCredential>(exporter.Credential);
    }

    private static ServiceProvider Build(string? connectionString, string? authenticationString)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                [TelemetryServiceCollectionExtensions.ConnectionStringSetting] = connectionString,
                [TelemetryServiceCollectionExtensions.AuthenticationStringSetting] = authenticationString,
            })
            .Build();
        var services = new ServiceCollection().AddFunctionsRouterTelemetry(configuration);
        if (services.Any(d => d.ServiceType == typeof(IConfigureOptions<AzureMonitorExporterOptions>)))
        {
            // Nothing from a test is kept for a later retry.
            services.Configure<AzureMonitorExporterOptions>(options => options.DisableOfflineStorage = true);
        }

        return services.BuildServiceProvider();
    }
}
