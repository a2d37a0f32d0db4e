using System.Net;
using System.Net.Sockets;
using FunctionsRouter.Testing;

namespace FunctionsRouter.Gateway.Tests.Integration;

/// <summary>
/// One real Azurite, one fake upstream and one gateway for the integration tests, with the aliases they use:
/// <c>chat-default</c> (models endpoint), <c>fast</c> (openai endpoint), <c>rejected</c> (422), <c>broken</c> (500), <c>slow</c>,
/// <c>cut</c>, <c>disabled</c>, <c>unreachable</c>, <c>embed</c>.
/// </summary>
public sealed class IntegrationFixture : IAsyncLifetime
{
    public AzuriteFixture Azurite { get; } = new();

    public FakeUpstream Upstream { get; private set; } = null!;

    public GatewayHost Gateway { get; private set; } = null!;

    public int ClosedPort { get; } = GetClosedPort();

    /// <summary>A gateway key (caller with every alias) that every gateway this fixture starts accepts: they share a caller table.</summary>
    public string CallerKey { get; private set; } = null!;

    /// <summary>The caller id that <see cref="CallerKey"/> admits.</summary>
    public string CallerId { get; private set; } = null!;

    private string CallerTable { get; } = "callers" + Guid.NewGuid().ToString("N")[..12];

    public async Task InitializeAsync()
    {
        await Azurite.InitializeAsync();
        Upstream = await FakeUpstream.StartAsync();
        Gateway = await StartGatewayAsync();
        (CallerId, CallerKey) = await Gateway.CreateKeyCallerAsync("integration tests");
        await Gateway.SeedAsync("chat-default", "primary", "dep-chat");
        await Gateway.SeedAsync("fast", "a", "dep-oai", "oai");
        await Gateway.SeedAsync("rejected", "a", "fail-422");
        await Gateway.SeedAsync("broken", "a", "fail-500");
        await Gateway.SeedAsync("slow", "a", "slow");
        await Gateway.SeedAsync("cut", "a", "cut");
        await Gateway.SeedAsync("disabled", "a", "dep-off", enabled: false);
        await Gateway.SeedAsync("unreachable", "a", "dep-dead", "dead");
        await Gateway.SeedAsync("embed", "a", "dep-embed");
    }

    public Task<GatewayHost> StartGatewayAsync(IDictionary<string, string?>? extra = null, Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? configure = null)
    {
        var settings = GatewayHost.EndpointSettings(Upstream, ClosedPort);
        settings["Router:CallerTable"] = CallerTable;
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return GatewayHost.StartAsync(Azurite, settings, configure);
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Upstream.DisposeAsync();
        await Azurite.DisposeAsync();
    }

    private static int GetClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
