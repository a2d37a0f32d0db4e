using System.Net;
using System.Text;

namespace FunctionsRouter.Gateway.Tests.Integration;

/// <summary>Circuits through the whole gateway: what may open one, and how soon one closes when the deployment is back.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class CircuitTests(IntegrationFixture fixture)
{
    [Fact]
    public async Task Post_OneCallersPoisonRequests_DoNotOpenTheCircuitAndOtherCallersAreServed()
    {
        await using var host = await StartAsync(new() { ["Router:CircuitBreakerThreshold"] = "2" });
        var id = Guid.NewGuid().ToString("N")[..8];
        await host.SeedAsync("poison-" + id, "only", "dep-poison." + id);

        for (var i = 0; i < 6; i++)
        {
            using var poisoned = await PostAsync(host, "poison-" + id, "mallory", poison: true);
            Assert.Equal(HttpStatusCode.InternalServerError, poisoned.StatusCode);
        }

        using var served = await PostAsync(host, "poison-" + id, "alice");

        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal("dep-poison." + id, served.Headers.GetValues("x-router-deployment").Single());
    }

    [Fact]
    public async Task Post_DeploymentRecovers_HalfOpenProbeClosesTheCircuitWithinSeconds()
    {
        await using var host = await StartAsync(new()
        {
            ["Router:CircuitBreakerThreshold"] = "2",
            ["Router:CircuitBreakerDuration"] = "00:01:00",
            ["Router:CircuitBreakerProbeInterval"] = "00:00:01",
        });
        var id = Guid.NewGuid().ToString("N")[..8];
        var alias = "recover-" + id;
        var primary = "dep-recover." + id;
        await host.SeedAsync(alias, "primary", primary, priority: 0);
        await host.SeedAsync(alias, "backup", "dep-backup." + id, priority: 1);
        fixture.Upstream.DownDeployments[primary] = true;

        foreach (var caller in new[] { "alice", "bob" })
        {
            using var failedOver = await PostAsync(host, alias, caller);
            Assert.Equal("dep-backup." + id, failedOver.Headers.GetValues("x-router-deployment").Single());
            Assert.Equal("2", failedOver.Headers.GetValues("x-router-attempts").Single());
        }

        using (var skipped = await PostAsync(host, alias, "carol"))
        {
            Assert.Equal("1", skipped.Headers.GetValues("x-router-attempts").Single()); // Open: the primary is not called.
        }

        fixture.Upstream.DownDeployments.TryRemove(primary, out _);
        string? servedBy = null;
        var deadline = DateTime.UtcNow.AddSeconds(15); // A quarter of the circuit's duration.
        while (servedBy != primary && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
            using var response = await PostAsync(host, alias, "carol");
            servedBy = response.Headers.GetValues("x-router-deployment").Single();
        }

        Assert.Equal(primary, servedBy);
        using var after = await PostAsync(host, alias, "dave");
        Assert.Equal(primary, after.Headers.GetValues("x-router-deployment").Single());
    }

    /// <summary>Each named caller gets a real gateway key, so the health store sees distinct callers as admission names them.</summary>
    private readonly Dictionary<string, string> _keys = [];

    private Task<GatewayHost> StartAsync(Dictionary<string, string?> settings) => fixture.StartGatewayAsync(settings);

    private async Task<HttpResponseMessage> PostAsync(GatewayHost host, string alias, string caller, bool poison = false)
    {
        if (!_keys.TryGetValue(caller, out var key))
        {
            (_, key) = await host.CreateKeyCallerAsync(caller);
            _keys[caller] = key;
        }

        var body = "{\"model\":\"" + alias + "\",\"messages\":[]" + (poison ? ",\"poison\":true" : string.Empty) + "}";
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/chat/completions") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("api-key", key);
        return await host.Http.SendAsync(request);
    }
}
