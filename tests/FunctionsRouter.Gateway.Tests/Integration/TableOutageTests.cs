using System.Net;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using FunctionsRouter.Gateway.Configuration;
using FunctionsRouter.Gateway.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FunctionsRouter.Gateway.Tests.Integration;

/// <summary>
/// Table Storage that hangs (answers nothing, refuses nothing) under the gateway as the app wires it: the table clients
/// get the app's own options, with a transport in front of Azurite that holds requests until they are cancelled.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class TableOutageTests(IntegrationFixture fixture)
{
    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Router:AliasCacheTtl"] = "00:00:01",
        ["Router:TableWaitTimeout"] = "00:00:00.300",
        ["Router:TableOperationTimeout"] = "00:00:05",
    };

    [Fact]
    public async Task Post_AliasTableHangsPastTtl_EveryRequestServedFromLastKnownGoodWithinTheWait()
    {
        var transport = new HangingTableTransport();
        await using var host = await fixture.StartGatewayAsync(Settings, services => UseTransport(services, transport));
        await host.SeedAsync("outage", "a", "dep-outage");
        using (var warm = await PostAsync(host, CancellationToken.None))
        {
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        }

        transport.HangOnlyPathContaining = host.Aliases.Name;
        transport.Hang = true;
        await Task.Delay(TimeSpan.FromSeconds(1.2)); // Past the TTL: the next request must read the table again.

        // Well under Router__TableOperationTimeout (5 s), let alone the SDK's 100 s: a request that waited on the hung read fails here.
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(4));
        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => PostAsync(host, patience.Token)));

        Assert.All(responses, r =>
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.Equal("dep-outage", r.Headers.GetValues("x-router-deployment").Single());
            r.Dispose();
        });
        Assert.Equal(1, transport.MaxHanging); // One read of the hung table, not one per request.
    }

    [Fact]
    public async Task Post_AliasTableHangsOnColdStart_503AliasCatalogUnavailableWithinTheWait()
    {
        // Only the alias table hangs (the host names it "aliases…"): the usage writer's shutdown is not what is tested here.
        var transport = new HangingTableTransport { Hang = true, HangOnlyPathContaining = "aliases" };
        await using var host = await fixture.StartGatewayAsync(Settings, services => UseTransport(services, transport));

        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(4));
        using var response = await PostAsync(host, patience.Token);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(patience.Token));
        Assert.Equal("alias_catalog_unavailable", json.RootElement.GetProperty("error").GetProperty("code").GetString());
    }

    private static void UseTransport(IServiceCollection services, HangingTableTransport transport) =>
        services.AddSingleton(sp =>
        {
            var options = TableStorageTimeouts.CreateClientOptions(sp.GetRequiredService<IOptions<RouterOptions>>().Value.TableOperationTimeout);
            options.Transport = transport;
            return options;
        });

    private static Task<HttpResponseMessage> PostAsync(GatewayHost host, CancellationToken cancellationToken) =>
        host.Http.PostAsync("/api/v1/chat/completions", new StringContent("""{"model":"outage","messages":[]}""", Encoding.UTF8, "application/json"), cancellationToken);
}
