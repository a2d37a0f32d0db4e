using System.Net;
using System.Text.Json;
using FunctionsRouter.Gateway.Configuration;
using FunctionsRouter.Gateway.Tests.Callers;
using FunctionsRouter.Gateway.Tests.Integration;
using FunctionsRouter.Gateway.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FunctionsRouter.Gateway.Tests.Management;

/// <summary>
/// The management routes over a Table Storage that hangs (answers nothing, refuses nothing): every call ends with 503
/// <c>management_store_unavailable</c> in the gateway's error shape once <c>Router__ManagementTimeout</c> has passed,
/// never a 500 and never a hang, and a write that could not be made leaves the alias as it was.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class ManagementOutageTests(IntegrationFixture fixture)
{
    [Fact]
    public async Task AliasRoutes_AliasTableHangs_503ManagementStoreUnavailable_NothingWritten()
    {
        var transport = new HangingTableTransport();
        await using var gateway = await fixture.StartGatewayAsync(
            new Dictionary<string, string?> { ["Router:ManagementTimeout"] = "00:00:02" },
            services => services.AddSingleton(sp =>
            {
                var options = TableStorageTimeouts.CreateClientOptions(sp.GetRequiredService<IOptions<RouterOptions>>().Value.TableOperationTimeout);
                options.Transport = transport;
                return options;
            }));
        await gateway.SeedAsync("stuck", "a", "dep-stuck");
        var (_, key) = await gateway.CreateKeyCallerAsync("admin", admin: true);
        using (var before = await SendAsync(gateway, key, HttpMethod.Get, "/api/manage/aliases/stuck", null, CancellationToken.None))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode); // Its caller row is cached from here on.
        }

        transport.HangOnlyPathContaining = gateway.Aliases.Name;
        transport.Hang = true;
        // A bound far above the 2 s management timeout, only so that a hang fails the test instead of stalling it.
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        const string Replacement = """{"targets":[{"name":"b","deployment":"dep-new","endpoint":"default"}]}""";
        var answers = new List<(HttpStatusCode Status, string Code)>();
        foreach (var (method, path, body) in new[]
        {
            (HttpMethod.Get, "/api/manage/aliases", (string?)null),
            (HttpMethod.Get, "/api/manage/aliases/stuck", null),
            (HttpMethod.Put, "/api/manage/aliases/stuck", Replacement),
            (HttpMethod.Delete, "/api/manage/aliases/stuck", null),
        })
        {
            using var response = await SendAsync(gateway, key, method, path, body, patience.Token);
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(patience.Token));
            answers.Add((response.StatusCode, json.RootElement.GetProperty("error").GetProperty("code").GetString()!));
        }

        transport.Hang = false;
        var rows = await gateway.Aliases.QueryAsync<Azure.Data.Tables.TableEntity>(e => e.PartitionKey == "stuck").ToListAsync();

        Assert.All(answers, answer => Assert.Equal((HttpStatusCode.ServiceUnavailable, "management_store_unavailable"), answer));
        var target = Assert.Single(rows, row => !row.RowKey.StartsWith('$'));
        Assert.Equal("a", target.RowKey);
        Assert.Equal("dep-stuck", target.GetString("Deployment"));
    }

    private static async Task<HttpResponseMessage> SendAsync(GatewayHost gateway, string key, HttpMethod method, string path, string? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        }

        request.Headers.Add("api-key", key);
        return await gateway.Http.SendAsync(request, cancellationToken);
    }
}
