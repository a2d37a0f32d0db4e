using Azure.Core.Pipeline;
using Azure.Data.Tables;
using FunctionsRouter.Gateway.Configuration;
using FunctionsRouter.Gateway.Hosting;
using FunctionsRouter.Gateway.Requests;
using FunctionsRouter.Gateway.Usage;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FunctionsRouter.Gateway.Tests.Hosting;

public sealed class GatewayServiceCollectionExtensionsTests
{
    [Fact]
    public void AddFunctionsRouterGateway_Kestrel_AcceptsBodiesUpToWhatTheGatewayDrains()
    {
        using var services = Build(new Dictionary<string, string?>());

        var kestrel = services.GetRequiredService<IOptions<KestrelServerOptions>>().Value;

        Assert.Equal(RequestBodyReader.DrainLimit, kestrel.Limits.MaxRequestBodySize);
    }

    [Fact]
    public void AddFunctionsRouterGateway_TableClients_BoundedByTheOperationTimeout()
    {
        using var services = Build(new Dictionary<string, string?> { ["Router:TableOperationTimeout"] = "00:00:07" });

        var options = services.GetRequiredService<TableClientOptions>();

        Assert.Equal(TimeSpan.FromSeconds(7), options.Retry.NetworkTimeout);
        Assert.Equal(2, options.Retry.MaxRetries);
    }

    [Fact]
    public void AddFunctionsRouterGateway_ControlTablesAndLedger_NeverShareAConnectionPool()
    {
        using var services = Build(new Dictionary<string, string?>());

        var control = services.GetRequiredService<TableClientOptions>().Transport;
        var ledger = services.GetRequiredService<UsageTableClient>().Transport;

        // Azure.Core's default is one process-wide HttpClient: the ledger's batches queued ahead of caller and alias reads.
        Assert.NotSame(HttpClientTransport.Shared, control);
        Assert.NotSame(HttpClientTransport.Shared, ledger);
        Assert.NotSame(control, ledger);
        Assert.Same(TableConnectionPools.Ledger, ledger);
    }

    [Fact]
    public void AddFunctionsRouterGateway_LedgerAccountSet_TheLedgerLocationIsItsControlTablesStayPut()
    {
        using var services = Build(new Dictionary<string, string?> { ["Router:Usage:TableServiceUri"] = "https://ledger.table.core.windows.net" });

        var ledger = services.GetRequiredKeyedService<TableStorageLocation>(TableStorageLocation.UsageKey);
        var control = services.GetRequiredService<TableStorageLocation>();

        Assert.Equal(new Uri("https://ledger.table.core.windows.net"), ledger.ServiceUri);
        Assert.Equal("UseDevelopmentStorage=true", control.ConnectionString);
    }

    [Fact]
    public void AddFunctionsRouterGateway_LedgerInTheControlTablesAccount_YieldsToTheirCalls()
    {
        using var services = Build(new Dictionary<string, string?>());

        Assert.Same(services.GetRequiredService<ControlTableStrain>().Yield, services.GetRequiredService<UsageTableClient>().YieldsTo);
    }

    [Fact]
    public void AddFunctionsRouterGateway_LedgerInAnAccountOfItsOwn_NeverWaitsOnTheControlTables()
    {
        using var services = Build(new Dictionary<string, string?> { ["Router:Usage:TableServiceUri"] = "https://ledger.table.core.windows.net" });

        Assert.Null(services.GetRequiredService<UsageTableClient>().YieldsTo);
    }

    [Fact]
    public async Task AddFunctionsRouterGateway_ControlTableCallFails_TheAccountIsMarkedStrained()
    {
        // Nothing listens on port 1: every try of the read is refused.
        using var services = Build(new Dictionary<string, string?>
        {
            ["Router:Storage:ConnectionString"] = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;TableEndpoint=http://127.0.0.1:1/devstoreaccount1",
        });
        var strain = services.GetRequiredService<ControlTableStrain>();
        Assert.False(strain.IsStrained);

        await Assert.ThrowsAnyAsync<Exception>(() => services.GetRequiredService<TableServiceClient>().GetTableClient("Callers").GetEntityIfExistsAsync<TableEntity>("p", "r"));

        Assert.True(strain.IsStrained);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Router:Endpoints:default:Url"] = "https://example.invalid/models",
                ["Router:Storage:ConnectionString"] = "UseDevelopmentStorage=true",
            })
            .AddInMemoryCollection(settings)
            .Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddFunctionsRouterGateway();
        return services.BuildServiceProvider();
    }
}
