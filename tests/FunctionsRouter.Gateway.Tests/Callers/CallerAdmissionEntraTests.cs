using System.Net;
using FunctionsRouter.Gateway.Callers;
using FunctionsRouter.Gateway.Tests.Integration;
using Microsoft.IdentityModel.Tokens;

namespace FunctionsRouter.Gateway.Tests.Callers;

/// <summary>Microsoft Entra ID access tokens from a loopback OpenID Connect issuer with its own keys, through real HTTP.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class CallerAdmissionEntraTests(IntegrationFixture fixture) : IAsyncLifetime
{
    private AdmissionHost _host = null!;

    private TestTokenIssuer Issuer => _host.Issuer;

    public async Task InitializeAsync() => _host = await AdmissionHost.StartAsync(fixture);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Chat_UserTokenOfRegisteredPrincipal_ServedAndUsageNamesTheObjectId()
    {
        var user = Guid.NewGuid();
        await _host.Gateway.RegisterEntraAsync(CallerKind.Principal, user.ToString(), "fast");

        using var response = await _host.ChatAsync("fast", ("Authorization", "Bearer " + Issuer.CreateToken(user)), ("x-request-id", "entra-user-1"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var row = Assert.Single(await _host.Gateway.WaitForUsageAsync("entra-user-1"));
        Assert.Equal("entra:" + user.ToString("D"), row.GetString("Caller"));
    }

    [Fact]
    public async Task Chat_AppTokenWithRegisteredRole_ServedAsThePrincipal()
    {
        var app = Guid.NewGuid();
        await _host.Gateway.RegisterEntraAsync(CallerKind.Role, "Router.Chat", "fast,chat-default");

        using var response = await _host.ChatAsync("chat-default", ("Authorization", "Bearer " + Issuer.CreateToken(app, roles: ["Other.Role", "Router.Chat"])), ("x-request-id", "entra-app-1"));
        using var notGranted = await _host.ChatAsync("embed", ("Authorization", "Bearer " + Issuer.CreateToken(app, roles: ["Router.Chat"])));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, notGranted.StatusCode);
        Assert.Equal("model_not_allowed", (await AdmissionHost.ErrorOf(notGranted)).GetProperty("code").GetString());
        var row = Assert.Single(await _host.Gateway.WaitForUsageAsync("entra-app-1"));
        Assert.Equal("entra:" + app.ToString("D"), row.GetString("Caller"));
    }

    [Fact]
    public async Task Chat_ValidTokenNeitherPrincipalNorRoleRegistered_403CallerNotRegistered()
    {
        var before = fixture.Upstream.Received.Count;

        using var response = await _host.ChatAsync("fast", ("Authorization", "Bearer " + Issuer.CreateToken(Guid.NewGuid(), roles: ["Unregistered.Role"])));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("caller_not_registered", (await AdmissionHost.ErrorOf(response)).GetProperty("code").GetString());
        Assert.Equal(before, fixture.Upstream.Received.Count);
    }

    [Fact]
    public async Task Chat_DisabledPrincipal_401()
    {
        var user = Guid.NewGuid();
        await _host.Gateway.RegisterEntraAsync(CallerKind.Principal, user.ToString(), enabled: false);

        using var response = await _host.ChatAsync("fast", ("Authorization", "Bearer " + Issuer.CreateToken(user)));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    public static TheoryData<string, string> InvalidTokens() => new()
    {
        { "expired", "expired" },
        { "not-yet-valid", "not valid yet" },
        { "wrong-audience", "audience" },
        { "wrong-issuer", "issuer" },
        { "other-tenant", "issuer" },
        { "bad-signature", "signature" },
        { "alg-none", "signature" },
        { "no-oid", "object id" },
        { "garbage", "malformed" },
    };

    [Theory]
    [MemberData(nameof(InvalidTokens))]
    public async Task Chat_InvalidToken_401InvalidCredentialsWithInvalidTokenChallengeSayingWhy(string kind, string reason)
    {
        var user = Guid.NewGuid();
        await _host.Gateway.RegisterEntraAsync(CallerKind.Principal, user.ToString());
        var now = DateTime.UtcNow;
        var token = kind switch
        {
            "expired" => Issuer.CreateToken(user, notBefore: now.AddHours(-2), expires: now.AddMinutes(-10)),
            "not-yet-valid" => Issuer.CreateToken(user, notBefore: now.AddMinutes(10), expires: now.AddHours(1)),
            "wrong-audience" => Issuer.CreateToken(user, audience: "api://someone-else"),
            "wrong-issuer" => Issuer.CreateToken(user, issuer: "https://evil.example/" + TestTokenIssuer.TenantId + "/v2.0"),
            "other-tenant" => Issuer.CreateToken(user, tenantId: TestTokenIssuer.OtherTenantId, issuer: $"https://login.microsoftonline.com/{TestTokenIssuer.OtherTenantId}/v2.0"),
            "bad-signature" => Issuer.CreateToken(user, signWith: TestTokenIssuer.StrangerKey()),
            "alg-none" => Issuer.CreateUnsignedToken(user),
            "no-oid" => Issuer.CreateToken(user, includeObjectId: false),
            _ => "eyJ.not-base64.at-all",
        };
        var before = fixture.Upstream.Received.Count;

        using var response = await _host.ChatAsync("fast", ("Authorization", "Bearer " + token));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("invalid_credentials", (await AdmissionHost.ErrorOf(response)).GetProperty("code").GetString());
        var challenge = response.Headers.WwwAuthenticate.ToString();
        Assert.Contains("error=\"invalid_token\"", challenge, StringComparison.Ordinal);
        Assert.Contains(reason, challenge, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(before, fixture.Upstream.Received.Count);
    }

    [Fact]
    public async Task Chat_V1IssuerOfTheTenant_Accepted()
    {
        var user = Guid.NewGuid();
        await _host.Gateway.RegisterEntraAsync(CallerKind.Principal, user.ToString());

        using var response = await _host.ChatAsync("fast", ("Authorization", "Bearer " + Issuer.CreateToken(user, issuer: $"https://sts.windows.net/{TestTokenIssuer.TenantId}/")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Chat_IssuerRolledItsKeys_NewTokensAcceptedAfterOneMetadataRead()
    {
        var user = Guid.NewGuid();
        await _host.Gateway.RegisterEntraAsync(CallerKind.Principal, user.ToString());
        using (var before = await _host.ChatAsync("fast", ("Authorization", "Bearer " + Issuer.CreateToken(user))))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        var reads = Issuer.MetadataReads;
        Issuer.RollKeys(dropOld: true);
        using var after = await _host.ChatAsync("fast", ("Authorization", "Bearer " + Issuer.CreateToken(user)));

        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Equal(reads + 1, Issuer.MetadataReads);
    }

    [Fact]
    public async Task Chat_SameTokenRepeated_ValidatedOnceThenServedFromCache()
    {
        var user = Guid.NewGuid();
        await _host.Gateway.RegisterEntraAsync(CallerKind.Principal, user.ToString());
        var token = Issuer.CreateToken(user);
        var validator = (EntraTokenValidator)typeof(CallerAdmission)
            .GetField("_tokens", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!
            .GetValue(Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<CallerAdmission>(_host.Gateway.Services))!;
        var cachedBefore = validator.CachedCount;

        var first = await validator.ValidateAsync(token.AsMemory(), CancellationToken.None);
        var second = await validator.ValidateAsync(token.AsMemory(), CancellationToken.None);

        Assert.NotNull(first.Principal);
        Assert.Same(first.Principal, second.Principal);
        Assert.Equal(cachedBefore + 1, validator.CachedCount);
    }
}
