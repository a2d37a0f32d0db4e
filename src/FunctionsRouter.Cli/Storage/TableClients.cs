using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using FunctionsRouter.Gateway.Configuration;

namespace FunctionsRouter.Cli.Storage;

/// <summary>Table clients for the command line: the settings' table, with every wait bounded as the gateway bounds its own (<see cref="TableStorageTimeouts"/>).</summary>
internal static class TableClients
{
    /// <summary>
    /// One try of a table call gives up after this long (the SDK's default is 100 s per try): a single point read or
    /// page of a query takes well under a second, so 5 s leaves room for a slow link and none for a hang.
    /// </summary>
    public static readonly TimeSpan DefaultNetworkTimeout = TimeSpan.FromSeconds(5);

    /// <summary>How long asking the Azure Developer CLI (or another developer tool) for a token may take.</summary>
    private static readonly TimeSpan CredentialProcessTimeout = TimeSpan.FromSeconds(30);

    public static TableClient Create(TableSettings settings, TimeSpan networkTimeout)
    {
        // The gateway's own client options: three tries, each bounded by the network timeout.
        var options = TableStorageTimeouts.CreateClientOptions(networkTimeout);

        return settings.ConnectionString is { } connectionString
            ? new TableClient(connectionString, settings.TableName, options)
            : new TableClient(settings.Endpoint!, settings.TableName, CreateCredential(settings.TenantId), options);
    }

    /// <summary>
    /// The identity azd is signed in with first (hooks run under it), then the usual developer and CI sources.
    /// </summary>
    private static TokenCredential CreateCredential(string? tenantId) =>
        new ChainedTokenCredential(
            new AzureDeveloperCliCredential(new AzureDeveloperCliCredentialOptions { TenantId = tenantId, ProcessTimeout = CredentialProcessTimeout }),
            new DefaultAzureCredential(new DefaultAzureCredentialOptions { TenantId = tenantId }));
}
