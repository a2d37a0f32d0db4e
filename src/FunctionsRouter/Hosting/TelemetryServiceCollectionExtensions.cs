using Azure.Core;
using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using FunctionsRouter.Gateway.Diagnostics;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace FunctionsRouter.Hosting;

/// <summary>Wires OpenTelemetry into the Functions worker: the gateway's spans and metrics, exported to Azure Monitor.</summary>
public static class TelemetryServiceCollectionExtensions
{
    /// <summary>The Application Insights connection string; without it nothing is exported.</summary>
    public const string ConnectionStringSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <summary>
    /// <c>Authorization=AAD</c> (and <c>ClientId=…</c> for a user-assigned identity) when the component accepts Entra ID
    /// only: the setting the Functions host itself reads, applied to the worker's exporter too.
    /// </summary>
    public const string AuthenticationStringSetting = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING";

    /// <summary>
    /// When <see cref="ConnectionStringSetting"/> is set: OpenTelemetry with the worker's defaults (resource, and the
    /// host told that the worker exports its own telemetry), the gateway's ActivitySource and Meter, outgoing HTTP spans,
    /// and the Azure Monitor exporter for traces, metrics and logs. When it is not set, nothing is registered: nothing
    /// listens, so the gateway does not even create its spans.
    /// </summary>
    public static IServiceCollection AddFunctionsRouterTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var connectionString = configuration[ConnectionStringSetting];
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return services;
        }

        var credential = CreateCredential(configuration[AuthenticationStringSetting]);
        services.AddOpenTelemetry()
            .UseFunctionsWorkerDefaults()
            .WithTracing(tracing => tracing
                .AddSource(GatewayTelemetryNames.ActivitySourceName)
                // HttpClient's own spans (.NET 9+): the upstream call under each attempt span, and the table calls.
                .AddSource("System.Net.Http"))
            .WithMetrics(metrics => metrics.AddMeter(GatewayTelemetryNames.MeterName))
            .UseAzureMonitorExporter(options =>
            {
                options.ConnectionString = connectionString;
                options.Credential = credential;
            });
        return services;
    }

    /// <summary>
    /// The managed identity named by an authentication string such as <c>ClientId=…;Authorization=AAD</c>, or null when it
    /// does not ask for Entra ID (the exporter then sends the connection string's key).
    /// </summary>
    internal static TokenCredential? CreateCredential(string? authenticationString)
    {
        string? authorization = null;
        string? clientId = null;
        foreach (var part in (authenticationString ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var (key, value) = part.IndexOf('=', StringComparison.Ordinal) is var eq and > 0 ? (part[..eq].Trim(), part[(eq + 1)..].Trim()) : (part, string.Empty);
            if (key.Equals("Authorization", StringComparison.OrdinalIgnoreCase))
            {
                authorization = value;
            }
            else if (key.Equals("ClientId", StringComparison.OrdinalIgnoreCase))
            {
                clientId = value;
            }
        }

        if (!string.Equals(authorization, "AAD", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return new ManagedIdentityCredential(string.IsNullOrEmpty(clientId) ? ManagedIdentityId.SystemAssigned : ManagedIdentityId.FromUserAssignedClientId(clientId));
    }
}
