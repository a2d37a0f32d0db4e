using System.Net;
using FunctionsRouter.Gateway.Callers;
using FunctionsRouter.Gateway.Tests.Callers;
using FunctionsRouter.Gateway.Tests.Integration;

namespace FunctionsRouter.Gateway.Tests.Management;

/// <summary>Who may use /api/manage/…: admins only, through the one admission point, over real HTTP.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class ManagementAdmissionTests(IntegrationFixture fixture) : IAsyncLifetime
{
    private AdmissionHost _host = null!;

    public async Task InitializeAsync() => _host = await AdmissionHost.StartAsync(fixture);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Manage_NoCredential_401MissingCredentials()
    {
        using var response = await _host.SendAsync(HttpMethod.Get, "/api/manage/aliases", null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("missing_credentials", (await AdmissionHost.ErrorOf(response)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Manage_NoCredentialWhereAnonymousIsAllowed_Still401()
    {
        await using var open = await AdmissionHost.StartAsync(fixture, new Dictionary<string, string?> { ["Router:AllowAnonymous"] = "true" });

        using var chat = await open.ChatAsync("fast");
        using var response = await open.SendAsync(HttpMethod.Get, "/api/manage/aliases", null);

        Assert.Equal(HttpStatusCode.OK, chat.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Manage_NonAdminKey_403AdminRequired()
    {
        var (_, key) = await _host.Gateway.CreateKeyCallerAsync("plain");

        using var response = await _host.SendAsync(HttpMethod.Put, "/api/manage/aliases/x", """{"targets":[{"name":"a","deployment":"d"}]}""", ("api-key", key));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("admin_required", (await AdmissionHost.ErrorOf(response)).GetProperty("code").GetString());
        Assert.False((await _host.Gateway.Aliases.GetEntityIfExistsAsync<Azure.Data.Tables.TableEntity>("x", "a")).HasValue);
    }

    [Fact]
    public async Task Manage_NonAdminToken_403AdminRequired()
    {
        var user = Guid.NewGuid();
        await _host.Gateway.RegisterEntraAsync(CallerKind.Principal, user.ToString());

        using var response = await _host.SendAsync(HttpMethod.Get, "/api/manage/callers", null, ("Authorization", "Bearer " + _host.Issuer.CreateToken(user, roles: ["Router.Chat"])));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("admin_required", (await AdmissionHost.ErrorOf(response)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Manage_TokenWithAdminAppRoleAndNoCallerRow_Admitted()
    {
        var app = Guid.NewGuid();

        using var response = await _host.SendAsync(HttpMethod.Get, "/api/manage/aliases", null, ("Authorization", "Bearer " + _host.Issuer.CreateToken(app, roles: ["Router.Admin"])));
        using var chat = await _host.ChatAsync("fast", ("Authorization", "Bearer " + _host.Issuer.CreateToken(app, roles: ["Router.Admin"])));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(_host.Logs.Events, e => e.EventId == 4005 && Equals(e.Values["Caller"], "entra:" + app.ToString("D")));
        // The admin role alone grants no alias.
        Assert.Equal(HttpStatusCode.Forbidden, chat.StatusCode);
    }

    [Fact]
    public async Task Manage_AdminRoleRenamedInSettings_OnlyThatRoleAdmits()
    {
        await using var host = await AdmissionHost.StartAsync(fixture, new Dictionary<string, string?> { ["Router:Entra:AdminRole"] = "Gateway.Owner" });
        var app = Guid.NewGuid();

        using var old = await host.SendAsync(HttpMethod.Get, "/api/manage/aliases", null, ("Authorization", "Bearer " + host.Issuer.CreateToken(app, roles: ["Router.Admin"])));
        using var renamed = await host.SendAsync(HttpMethod.Get, "/api/manage/aliases", null, ("Authorization", "Bearer " + host.Issuer.CreateToken(app, roles: ["Gateway.Owner"])));

        Assert.Equal(HttpStatusCode.Forbidden, old.StatusCode);
        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
    }

    [Fact]
    public async Task Manage_AdminKey_AdmittedLoggedWithCallerIdNoUpstreamNoUsage()
    {
        var (id, key) = await _host.Gateway.CreateKeyCallerAsync("ops", admin: true);
        var upstreamBefore = fixture.Upstream.Received.Count;

        using var response = await _host.SendAsync(HttpMethod.Get, "/api/manage/deployments", null, ("api-key", key), ("x-request-id", "manage-usage-1"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(upstreamBefore, fixture.Upstream.Received.Count);
        Assert.Contains(_host.Logs.Events, e => e.EventId == 4005 && Equals(e.Values["Caller"], "key:" + id));
        Assert.Empty(await _host.Gateway.WaitForUsageAsync("manage-usage-1", expected: 0));
    }

    [Fact]
    public async Task Manage_PreflightFromAllowedOrigin_204WithCorsHeaders()
    {
        using var response = await _host.SendAsync(
            HttpMethod.Options,
            "/api/manage/aliases/chat-default",
            null,
            ("Origin", AdmissionHost.AllowedOrigin),
            ("Access-Control-Request-Method", "PUT"),
            ("Access-Control-Request-Headers", "api-key, content-type, if-match"));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(AdmissionHost.AllowedOrigin, Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));
    }
}
