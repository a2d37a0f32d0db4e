using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using FunctionsRouter.Gateway.Callers;
using FunctionsRouter.Gateway.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace FunctionsRouter.Benchmarks.Callers;

/// <summary>
/// What admission costs per request once its caches are warm (every request after the first of a key or token): a
/// gateway key in <c>api-key</c> (a SHA-256 and two dictionary lookups) and an Entra ID token (a SHA-256 of the token and
/// a lookup, then the principal's caller row from the cache). The caller table and the token issuer are in memory, so
/// nothing here waits on I/O; a miss would.
/// </summary>
[MemoryDiagnoser]
public class AdmissionBenchmarks : IDisposable
{
    private const string TenantId = "7f1c1b8e-4b8a-4f3e-9d5e-2a1b3c4d5e6f";
    private readonly DefaultHttpContext _keyRequest = new();
    private readonly DefaultHttpContext _tokenRequest = new();
    private ServiceProvider _services = null!;
    private CallerAdmission _admission = null!;

    [GlobalSetup]
    public void Setup()
    {
        var signing = new RsaSecurityKey(RSA.Create(2048)) { KeyId = "k1" };
        var objectId = Guid.NewGuid();
        var key = CallerKeys.Create();
        var store = new MemoryCallerStore();
        store.Add(new CallerKeyRecord(CallerKeys.Hash(key), "c1", CallerKeys.DisplayPrefix(key), DateTimeOffset.UtcNow, null));
        store.Add(new CallerRecord("c1", CallerKind.Key, "bench", true, null, AliasAccess.All, null, DateTimeOffset.UtcNow));
        store.Add(new CallerRecord(CallerTable.PrincipalId(objectId), CallerKind.Principal, "bench user", true, null, AliasAccess.All, objectId.ToString(), DateTimeOffset.UtcNow));

        var authority = "http://127.0.0.1:1/" + TenantId + "/v2.0";
        var settings = new Dictionary<string, string?>
        {
            ["Router:Endpoints:default:Url"] = "http://127.0.0.1:9/models",
            ["Router:Endpoints:default:Key"] = "bench",
            ["Router:Storage:ConnectionString"] = "UseDevelopmentStorage=true",
            ["Router:Entra:TenantId"] = TenantId,
            ["Router:Entra:Audience"] = "api://bench",
            ["Router:Entra:Authority"] = authority,
        };
        _services = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
            .AddLogging()
            .AddSingleton<ICallerStore>(store)
            .AddSingleton(sp => new CallerAdmission(
                store,
                new EntraTokenValidator(
                    new Gateway.Configuration.EntraOptions { TenantId = TenantId, Audience = "api://bench", Authority = authority },
                    new OpenIdConfigurationCache(authority, new HttpClient(new IssuerHandler(authority, signing)), TimeSpan.FromSeconds(2), TimeProvider.System, NullLogger.Instance),
                    TimeProvider.System),
                sp.GetRequiredService<Gateway.Cors.CorsHeaders>(),
                sp.GetRequiredService<Gateway.Diagnostics.GatewayTelemetry>(),
                sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<Gateway.Configuration.RouterOptions>>(),
                TimeProvider.System,
                NullLogger<CallerAdmission>.Instance))
            .AddFunctionsRouterGateway()
            .BuildServiceProvider();
        _admission = _services.GetRequiredService<CallerAdmission>();

        _keyRequest.Request.Method = "POST";
        _keyRequest.Request.Headers["api-key"] = key;
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = authority,
            Audience = "api://bench",
            Claims = new Dictionary<string, object> { ["tid"] = TenantId, ["oid"] = objectId.ToString() },
            Expires = DateTime.UtcNow.AddHours(1),
            SigningCredentials = new SigningCredentials(signing, SecurityAlgorithms.RsaSha256),
        });
        _tokenRequest.Request.Method = "POST";
        _tokenRequest.Request.Headers.Authorization = "Bearer " + token;

        // Warm both caches: what every request after the first sees.
        if (AdmitCachedKey() is null || AdmitCachedToken() is null)
        {
            throw new InvalidOperationException("Admission refused the benchmark's own credentials.");
        }
    }

    [Benchmark]
    public CallerIdentity? AdmitCachedKey() => _admission.AdmitAsync(_keyRequest).AsTask().GetAwaiter().GetResult();

    [Benchmark]
    public CallerIdentity? AdmitCachedToken() => _admission.AdmitAsync(_tokenRequest).AsTask().GetAwaiter().GetResult();

    public void Dispose()
    {
        _services?.Dispose();
        GC.SuppressFinalize(this);
    }

    private sealed class MemoryCallerStore : ICallerStore
    {
        private readonly Dictionary<KeyHash, CallerKeyRecord> _keys = [];
        private readonly Dictionary<string, CallerRecord> _callers = [];

        public void Add(CallerKeyRecord key) => _keys[key.Hash] = key;

        public void Add(CallerRecord caller) => _callers[caller.Id] = caller;

        public Task<CallerKeyRecord?> GetKeyAsync(KeyHash hash, CancellationToken cancellationToken = default) =>
            Task.FromResult(_keys.GetValueOrDefault(hash));

        public Task<CallerRecord?> GetCallerAsync(string id, CancellationToken cancellationToken = default) =>
            Task.FromResult(_callers.GetValueOrDefault(id));
    }

    /// <summary>The issuer's metadata and keys, served from memory.</summary>
    private sealed class IssuerHandler(string authority, RsaSecurityKey key) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(key);
            var body = request.RequestUri!.AbsolutePath.EndsWith("/keys", StringComparison.Ordinal)
                ? JsonSerializer.Serialize(new { keys = new[] { new { kty = "RSA", use = "sig", kid = jwk.Kid, n = jwk.N, e = jwk.E } } })
                : JsonSerializer.Serialize(new Dictionary<string, string> { ["issuer"] = authority, ["jwks_uri"] = authority + "/keys" });
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json") });
        }
    }
}
