using FunctionsRouter.Gateway.Errors;
using FunctionsRouter.Gateway.Hosting;
using FunctionsRouter.Gateway.Responses;
using FunctionsRouter.Gateway.Upstream;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Moq;

namespace FunctionsRouter.Gateway.Tests.Responses;

/// <summary>The one look-up every route that goes back to a stored response uses (a path id, a previous_response_id).</summary>
public sealed class StoredResponsesTests : IDisposable
{
    private readonly Mock<IResponseAffinityStore> _store = new();
    private readonly ServiceProvider _services = new ServiceCollection()
        .AddLogging()
        .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Router:Endpoints:oai:Url"] = "http://127.0.0.1:9/openai/v1",
            ["Router:Endpoints:oai:Api"] = "openai",
            ["Router:Endpoints:oai:Key"] = "k",
            ["Router:Storage:ConnectionString"] = "UseDevelopmentStorage=true",
        }).Build())
        .AddFunctionsRouterGateway()
        .BuildServiceProvider();

    private UpstreamEndpoints Endpoints => _services.GetRequiredService<UpstreamEndpoints>();

    [Fact]
    public async Task FindAsync_StoredOnAnEndpointStillConfigured_TheAffinity()
    {
        Stored("oai");

        var (affinity, error) = await StoredResponses.FindAsync(_store.Object, Endpoints, "resp_1", "key:a", null, CancellationToken.None);

        Assert.Equal("dep", affinity!.Deployment);
        Assert.Null(error);
    }

    [Fact]
    public async Task FindAsync_StoredOnAnEndpointRemovedFromSettings_ResponseNotFoundNamingTheParam()
    {
        Stored("removed-since");

        var (affinity, error) = await StoredResponses.FindAsync(_store.Object, Endpoints, "resp_1", "key:a", "previous_response_id", CancellationToken.None);

        Assert.Null(affinity);
        Assert.Equal(GatewayErrorCode.ResponseNotFound, error!.Code);
        Assert.Equal("previous_response_id", error.Param);
    }

    [Fact]
    public async Task FindAsync_CallerLeftDuringTheLookUp_NeitherAffinityNorError()
    {
        using var left = new CancellationTokenSource();
        await left.CancelAsync();
        _store.Setup(s => s.FindAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>())).ThrowsAsync(new OperationCanceledException(left.Token));

        var (affinity, error) = await StoredResponses.FindAsync(_store.Object, Endpoints, "resp_1", "key:a", null, left.Token);

        Assert.Null(affinity);
        Assert.Null(error);
    }

    public void Dispose() => _services.Dispose();

    private void Stored(string endpoint) =>
        _store.Setup(s => s.FindAsync("resp_1", "key:a", It.IsAny<CancellationToken>()))
            .ReturnsAsync(new ResponseAffinityLookup(ResponseAffinityStatus.Found, new ResponseAffinity("resp_1", "fast", "a", endpoint, "dep", "key:a", DateTimeOffset.UtcNow)));
}
