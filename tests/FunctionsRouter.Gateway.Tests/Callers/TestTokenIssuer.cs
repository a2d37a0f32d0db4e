using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using FunctionsRouter.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace FunctionsRouter.Gateway.Tests.Callers;

/// <summary>
/// A Microsoft Entra ID stand-in on loopback: its own RSA keys, OpenID Connect metadata and JWKS served over HTTP, the
/// tenant's v2 issuer, and tokens minted on demand (valid, expired, for another audience, re-signed, unsigned…).
/// </summary>
public sealed class TestTokenIssuer : IAsyncDisposable
{
    public const string Audience = "api://functionsrouter-test";
    public static readonly string TenantId = "7f1c1b8e-4b8a-4f3e-9d5e-2a1b3c4d5e6f";
    public static readonly string OtherTenantId = "11111111-2222-3333-4444-555555555555";

    private readonly WebApplication _app;
    private RsaSecurityKey _signingKey = NewKey("key-1");
    private int _metadataReads;

    private TestTokenIssuer(WebApplication app) => _app = app;

    public Uri BaseUri { get; private set; } = null!;

    /// <summary>The authority setting for the gateway: <c>http://127.0.0.1:port/{tenant}/v2.0</c>.</summary>
    public string Authority => new Uri(BaseUri, $"/{TenantId}/v2.0").ToString().TrimEnd('/');

    /// <summary>The issuer the tenant's v2 tokens carry, as the metadata names it.</summary>
    public string Issuer => Authority;

    /// <summary>How many times the metadata document was fetched.</summary>
    public int MetadataReads => Volatile.Read(ref _metadataReads);

    /// <summary>Keys published besides the current one (kept after a rollover, as Entra publishes old and new).</summary>
    private List<RsaSecurityKey> Published { get; } = [];

    public static async Task<TestTokenIssuer> StartAsync()
    {
        var builder = LoopbackApp.CreateBuilder();
        var app = builder.Build();
        var issuer = new TestTokenIssuer(app);
        issuer.Published.Add(issuer._signingKey);
        app.MapGet("/{tenant}/v2.0/.well-known/openid-configuration", (HttpContext context) =>
        {
            Interlocked.Increment(ref issuer._metadataReads);
            var json = JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["issuer"] = issuer.Issuer,
                ["jwks_uri"] = new Uri(issuer.BaseUri, $"/{TenantId}/discovery/v2.0/keys").ToString(),
                ["authorization_endpoint"] = new Uri(issuer.BaseUri, $"/{TenantId}/oauth2/v2.0/authorize").ToString(),
                ["token_endpoint"] = new Uri(issuer.BaseUri, $"/{TenantId}/oauth2/v2.0/token").ToString(),
                ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
            });
            return Results.Content(json, "application/json");
        });
        app.MapGet("/{tenant}/discovery/v2.0/keys", () =>
        {
            var keys = issuer.Published.Select(k =>
            {
                var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(k);
                return new Dictionary<string, object> { ["kty"] = "RSA", ["use"] = "sig", ["kid"] = jwk.Kid, ["n"] = jwk.N, ["e"] = jwk.E, ["alg"] = "RS256" };
            });
            return Results.Content(JsonSerializer.Serialize(new { keys }), "application/json");
        });
        issuer.BaseUri = await LoopbackApp.StartAsync(app);
        return issuer;
    }

    /// <summary>Gateway settings that accept this issuer's tokens.</summary>
    public Dictionary<string, string?> Settings() => new()
    {
        ["Router:Entra:TenantId"] = TenantId,
        ["Router:Entra:Audience"] = "some-other-client-id, " + Audience,
        ["Router:Entra:Authority"] = BaseUri + "{tenant}/v2.0",
    };

    /// <summary>Starts signing with a new key and publishes it beside the old one, as Entra does when it rolls keys.</summary>
    public void RollKeys(bool dropOld = false)
    {
        _signingKey = NewKey("key-" + (Published.Count + 1));
        if (dropOld)
        {
            Published.Clear();
        }

        Published.Add(_signingKey);
    }

    /// <summary>A token: a user's by default; each argument changes one thing from a valid token.</summary>
    public string CreateToken(
        Guid? objectId = null,
        string[]? roles = null,
        string? audience = null,
        string? issuer = null,
        string? tenantId = null,
        DateTime? notBefore = null,
        DateTime? expires = null,
        SecurityKey? signWith = null,
        bool includeObjectId = true)
    {
        var claims = new Dictionary<string, object>
        {
            ["tid"] = tenantId ?? TenantId,
            ["sub"] = "subject-" + Guid.NewGuid().ToString("N"),
            ["ver"] = "2.0",
        };
        if (includeObjectId)
        {
            claims["oid"] = (objectId ?? Guid.NewGuid()).ToString("D");
        }

        if (roles is not null)
        {
            claims["roles"] = roles;
        }

        var now = DateTime.UtcNow;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer ?? Issuer,
            Audience = audience ?? Audience,
            Claims = claims,
            IssuedAt = (notBefore ?? now.AddMinutes(-1)).AddSeconds(-1),
            NotBefore = notBefore ?? now.AddMinutes(-1),
            Expires = expires ?? now.AddHours(1),
            SigningCredentials = new SigningCredentials(signWith ?? _signingKey, SecurityAlgorithms.RsaSha256),
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    /// <summary>A token with <c>alg: none</c> and no signature, otherwise valid.</summary>
    public string CreateUnsignedToken(Guid objectId)
    {
        var now = DateTimeOffset.UtcNow;
        var header = Base64UrlEncoder.Encode("""{"alg":"none","typ":"JWT"}""");
        var payload = Base64UrlEncoder.Encode(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["iss"] = Issuer,
            ["aud"] = Audience,
            ["tid"] = TenantId,
            ["oid"] = objectId.ToString("D"),
            ["nbf"] = now.AddMinutes(-1).ToUnixTimeSeconds(),
            ["exp"] = now.AddHours(1).ToUnixTimeSeconds(),
        }));
        return header + "." + payload + ".";
    }

    /// <summary>A key nobody published.</summary>
    public static RsaSecurityKey StrangerKey() => NewKey("key-1");

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static RsaSecurityKey NewKey(string kid) => new(RSA.Create(2048)) { KeyId = kid };
}
