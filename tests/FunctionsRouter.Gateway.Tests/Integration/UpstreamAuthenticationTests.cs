using System.Net;
using Azure.Core;
using FunctionsRouter.Gateway.Tests.Upstream;
using Microsoft.Extensions.DependencyInjection;

namespace FunctionsRouter.Gateway.Tests.Integration;

/// <summary>How the gateway authenticates to its endpoints: the endpoint's key, or a Microsoft Entra ID token.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class UpstreamAuthenticationTests(IntegrationFixture fixture)
{
    [Fact]
    public async Task Post_EndpointWithoutKey_EntraTokenSentAndFetchedOnceForManyRequests()
    {
        var credential = new FakeTokenCredential(TimeProvider.System);
        var deployment = "dep-entra-" + Guid.NewGuid().ToString("N")[..8];
        await using var gateway = await StartEntraGatewayAsync(credential, "entra-chat", deployment);

        for (var i = 0; i < 3; i++)
        {
            using var response = await gateway.Http.PostAsync("/api/v1/chat/completions", PassThroughTests.Json("""{"model":"entra-chat","messages":[{"role":"user","content":"hi"}]}"""));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var sent = fixture.Upstream.Received.Where(r => r.Model == deployment).ToList();
        Assert.Equal(3, sent.Count);
        Assert.All(sent, r => Assert.Equal("Bearer token-1", r.Headers["Authorization"]));
        Assert.All(sent, r => Assert.False(r.Headers.ContainsKey("api-key")));
        Assert.Equal(1, credential.Fetches);
        Assert.Equal("https://cognitiveservices.azure.com/.default", credential.LastScope);
    }

    [Fact]
    public async Task Post_EndpointWithKey_KeySentAsApiKeyAndNoAuthorization()
    {
        using var response = await fixture.Gateway.Http.PostAsync("/api/v1/chat/completions", PassThroughTests.Json("""{"model":"chat-default","messages":[{"role":"user","content":"hi"}]}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = fixture.Upstream.LastFor("dep-chat");
        Assert.Equal("upstream-key", sent.Headers["api-key"]);
        Assert.False(sent.Headers.ContainsKey("Authorization"));
    }

    [Fact]
    public async Task Post_NoTokenCanBeHad_502AndTheCallerIsToldTheDeploymentCouldNotBeReached()
    {
        var credential = new FakeTokenCredential(TimeProvider.System) { Fail = true };
        var deployment = "dep-entra-" + Guid.NewGuid().ToString("N")[..8];
        await using var gateway = await StartEntraGatewayAsync(credential, "entra-broken", deployment);

        using var response = await gateway.Http.PostAsync("/api/v1/chat/completions", PassThroughTests.Json("""{"model":"entra-broken","messages":[{"role":"user","content":"hi"}]}"""));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains("upstream_unreachable", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, fixture.Upstream.CountFor(deployment));
    }

    /// <summary>A gateway with one more endpoint, <c>entra</c>, without a key (so Entra ID tokens from <paramref name="credential"/>), and an alias on it.</summary>
    private async Task<GatewayHost> StartEntraGatewayAsync(TokenCredential credential, string alias, string deployment)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Router:Endpoints:entra:Url"] = new Uri(fixture.Upstream.BaseUri, "/models").ToString(),
            ["Router:Endpoints:entra:Api"] = "models",
        };
        var gateway = await fixture.StartGatewayAsync(settings, services => services.AddSingleton(new Lazy<TokenCredential>(() => credential)));
        await gateway.SeedAsync(alias, "a", deployment, "entra");
        return gateway;
    }
}
