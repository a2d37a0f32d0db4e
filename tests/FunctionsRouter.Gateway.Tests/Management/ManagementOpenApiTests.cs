using System.Net;
using FunctionsRouter.Gateway.Tests.Callers;
using FunctionsRouter.Gateway.Tests.Integration;
using Microsoft.OpenApi;

namespace FunctionsRouter.Gateway.Tests.Management;

/// <summary>GET /api/manage/openapi.json: generated from the routes, parsed back with the Microsoft.OpenApi reader.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class ManagementOpenApiTests(IntegrationFixture fixture) : IAsyncLifetime
{
    private AdmissionHost _host = null!;
    private ManagementClient _admin = null!;

    public static TheoryData<string, string> Routes() => new()
    {
        { "/api/manage/aliases", "GET" },
        { "/api/manage/aliases/{alias}", "GET" },
        { "/api/manage/aliases/{alias}", "PUT" },
        { "/api/manage/aliases/{alias}", "DELETE" },
        { "/api/manage/aliases/{alias}/history", "GET" },
        { "/api/manage/callers", "GET" },
        { "/api/manage/callers", "POST" },
        { "/api/manage/callers/{id}", "GET" },
        { "/api/manage/callers/{id}", "PATCH" },
        { "/api/manage/callers/{id}", "DELETE" },
        { "/api/manage/callers/{id}/disable", "POST" },
        { "/api/manage/callers/{id}/enable", "POST" },
        { "/api/manage/callers/{id}/rotate", "POST" },
        { "/api/manage/callers/{id}/history", "GET" },
        { "/api/manage/deployments", "GET" },
        { "/api/manage/openapi.json", "GET" },
        { "/api/manage/usage", "GET" },
    };

    public async Task InitializeAsync()
    {
        _host = await AdmissionHost.StartAsync(fixture);
        _admin = await ManagementClient.CreateAsync(_host);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task OpenApi_Document_ParsesWithoutErrorsAndListsEveryRouteWithItsShapes()
    {
        using var response = await _admin.SendAsync(HttpMethod.Get, "/api/manage/openapi.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var body = await response.Content.ReadAsStreamAsync();

        var read = await OpenApiDocument.LoadAsync(body, "json");

        Assert.Empty(read.Diagnostic?.Errors ?? []);
        var document = read.Document!;
        Assert.StartsWith("3.", read.Diagnostic!.SpecificationVersion.ToString().Replace("OpenApi", string.Empty, StringComparison.Ordinal).Replace('_', '.'), StringComparison.Ordinal);
        foreach (var row in Routes())
        {
            var (path, method) = ((string)row[0], (string)row[1]);
            Assert.True(document.Paths.TryGetValue(path, out var item), $"{path} is not in the document: {string.Join(", ", document.Paths.Keys)}");
            Assert.True(item!.Operations!.ContainsKey(HttpMethod.Parse(method)), $"{method} {path} is not in the document.");
        }

        Assert.All(document.Paths.Values, item => Assert.DoesNotContain(HttpMethod.Options, item.Operations!.Keys));
        var put = document.Paths["/api/manage/aliases/{alias}"].Operations![HttpMethod.Put];
        Assert.NotNull(put.RequestBody!.Content!["application/json"].Schema);
        Assert.Contains("200", put.Responses!.Keys);
        Assert.Contains("412", put.Responses.Keys);
        Assert.Contains("403", put.Responses.Keys);
        var schemas = document.Components!.Schemas!;
        Assert.Contains("AliasView", schemas.Keys);
        Assert.Contains("AliasDefinition", schemas.Keys);
        Assert.Contains("price", schemas["AliasTargetView"].Properties!.Keys);
        Assert.Contains("etag", schemas["AliasView"].Properties!.Keys);
        var usage = document.Paths["/api/manage/usage"].Operations![HttpMethod.Get];
        Assert.Equal(["from", "to", "caller", "alias", "groupBy", "format"], usage.Parameters!.Select(p => p.Name));
        Assert.Contains("text/csv", usage.Responses!["200"].Content!.Keys.Select(k => k.Split(';')[0]));
        Assert.Contains("UsageReportView", schemas.Keys);
        Assert.Contains("limits", schemas["CallerView"].Properties!.Keys);
        Assert.Contains("limits", schemas["CallerUpdateRequest"].Properties!.Keys);
    }

    [Fact]
    public async Task OpenApi_NoCredential_401()
    {
        using var response = await _host.SendAsync(HttpMethod.Get, "/api/manage/openapi.json", null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
