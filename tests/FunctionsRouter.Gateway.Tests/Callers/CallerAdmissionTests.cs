using System.Text;
using System.Text.Json;
using FunctionsRouter.Gateway.Callers;
using FunctionsRouter.Gateway.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Moq;

namespace FunctionsRouter.Gateway.Tests.Callers;

/// <summary>Admission in process, with the caller table replaced by a fake store: what is read, when, and what is answered.</summary>
public sealed class CallerAdmissionTests : IDisposable
{
    private readonly Mock<ICallerStore> _store = new(MockBehavior.Strict);
    private ServiceProvider? _services;

    [Fact]
    public async Task AdmitAsync_KeyOver256Characters_401WithoutAnyTableRead()
    {
        var admission = Build();
        var context = Request(("api-key", CallerKeys.Prefix + new string('A', 300)));

        var caller = await admission.AdmitAsync(context);

        Assert.Null(caller);
        Assert.Equal(401, context.Response.StatusCode);
        Assert.Equal("invalid_credentials", ErrorCode(context));
        _store.VerifyNoOtherCalls();
    }

    [Theory]
    [InlineData("frk_short")]
    [InlineData("frk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA$")]
    [InlineData("frk_AAAAAAAAAAAAAAAAAAAAAAAA AAAAAAAAAAAAAAAAAAA")]
    public async Task AdmitAsync_MalformedKey_401WithoutAnyTableRead(string key)
    {
        var context = Request(("api-key", key));

        Assert.Null(await Build().AdmitAsync(context));

        Assert.Equal(401, context.Response.StatusCode);
        _store.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task AdmitAsync_NoCredentialWithAnonymousAllowed_AnonymousWithEveryAlias()
    {
        var caller = await Build(("Router:AllowAnonymous", "true")).AdmitAsync(Request());

        Assert.Same(CallerIdentity.Anonymous, caller);
        Assert.True(caller!.Access.IsAll);
        _store.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task AdmitAsync_BadCredentialWithAnonymousAllowed_StillRefused()
    {
        var context = Request(("api-key", "frk_short"));

        Assert.Null(await Build(("Router:AllowAnonymous", "true")).AdmitAsync(context));

        Assert.Equal(401, context.Response.StatusCode);
    }

    [Fact]
    public async Task AdmitAsync_KnownKeyTwice_OneReadOfKeyAndCaller()
    {
        var key = CallerKeys.Create();
        Register(key, "abc123", "fast");
        var admission = Build();

        var first = await admission.AdmitAsync(Request(("api-key", key)));
        var second = await admission.AdmitAsync(Request(("Authorization", "Bearer " + key)));

        Assert.Equal("key:abc123", first!.Id);
        Assert.Same(first, second);
        Assert.True(first.Access.Allows("FAST"));
        Assert.False(first.Access.Allows("chat"));
        _store.Verify(s => s.GetKeyAsync(CallerKeys.Hash(key), It.IsAny<CancellationToken>()), Times.Once());
        _store.Verify(s => s.GetCallerAsync("abc123", It.IsAny<CancellationToken>()), Times.Once());
    }

    [Fact]
    public async Task AdmitAsync_UnknownKeyRepeated_OneTableReadPerCachePeriod()
    {
        var key = CallerKeys.Create();
        _store.Setup(s => s.GetKeyAsync(It.IsAny<KeyHash>(), It.IsAny<CancellationToken>())).ReturnsAsync((CallerKeyRecord?)null);
        var admission = Build();

        for (var i = 0; i < 5; i++)
        {
            var context = Request(("api-key", key));
            Assert.Null(await admission.AdmitAsync(context));
            Assert.Equal(401, context.Response.StatusCode);
        }

        _store.Verify(s => s.GetKeyAsync(It.IsAny<KeyHash>(), It.IsAny<CancellationToken>()), Times.Once());
    }

    [Fact]
    public async Task AdmitAsync_TableHangsAndNothingCached_503WithinTheLookupTimeout()
    {
        var never = new TaskCompletionSource<CallerKeyRecord?>();
        _store.Setup(s => s.GetKeyAsync(It.IsAny<KeyHash>(), It.IsAny<CancellationToken>())).Returns(never.Task);
        var context = Request(("api-key", CallerKeys.Create()));

        var admit = Build(("Router:CallerLookupTimeout", "00:00:00.200")).AdmitAsync(context).AsTask();
        var finished = await Task.WhenAny(admit, Task.Delay(TimeSpan.FromSeconds(20)));

        Assert.Same(admit, finished); // Bounded: not the table's own timeout.
        Assert.Null(await admit);
        Assert.Equal(503, context.Response.StatusCode);
        Assert.Equal("caller_store_unavailable", ErrorCode(context));
    }

    [Fact]
    public async Task AdmitAsync_TableFails_503CallerStoreUnavailable()
    {
        _store.Setup(s => s.GetKeyAsync(It.IsAny<KeyHash>(), It.IsAny<CancellationToken>())).ThrowsAsync(new Azure.RequestFailedException(500, "boom"));
        var context = Request(("api-key", CallerKeys.Create()));

        Assert.Null(await Build().AdmitAsync(context));

        Assert.Equal(503, context.Response.StatusCode);
    }

    [Fact]
    public async Task AdmitAsync_RefusalWithBody_BodyReadToItsEndBeforeTheAnswer()
    {
        var body = new MemoryStream(new byte[100_000]);
        var context = Request();
        context.Request.Body = body;

        await Build().AdmitAsync(context);

        Assert.Equal(401, context.Response.StatusCode);
        Assert.Equal(body.Length, body.Position);
    }

    [Fact]
    public async Task AdmitAsync_JwtWithoutEntraConfigured_401InvalidToken()
    {
        var context = Request(("Authorization", "Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"));

        Assert.Null(await Build().AdmitAsync(context));

        Assert.Equal(401, context.Response.StatusCode);
        Assert.Contains("error=\"invalid_token\"", context.Response.Headers.WWWAuthenticate.ToString(), StringComparison.Ordinal);
        _store.VerifyNoOtherCalls();
    }

    [Fact]
    public void Authorize_AliasOutsideTheGrant_403ModelNotAllowedWithAliasCut()
    {
        Assert.True(AliasAccess.TryParse("fast", out var access, out _));
        var caller = new CallerIdentity("key:x", CallerIdentity.KeyKind) { Access = access };
        var admission = Build();

        Assert.Null(admission.Authorize(new DefaultHttpContext(), caller, "FAST"));
        var refused = admission.Authorize(new DefaultHttpContext(), caller, new string('a', 5000));

        Assert.Equal(FunctionsRouter.Gateway.Errors.GatewayErrorCode.ModelNotAllowed, refused!.Code);
        Assert.True(refused.Message.Length < 400);
    }

    public void Dispose() => _services?.Dispose();

    private void Register(string key, string id, string aliases)
    {
        Assert.True(AliasAccess.TryParse(aliases, out var access, out _));
        _store.Setup(s => s.GetKeyAsync(CallerKeys.Hash(key), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new CallerKeyRecord(CallerKeys.Hash(key), id, CallerKeys.DisplayPrefix(key), DateTimeOffset.UtcNow, null));
        _store.Setup(s => s.GetCallerAsync(id, It.IsAny<CancellationToken>()))
            .ReturnsAsync(new CallerRecord(id, CallerKind.Key, "test caller", true, null, access, null, DateTimeOffset.UtcNow));
    }

    private CallerAdmission Build(params (string Key, string Value)[] overrides)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Router:Endpoints:default:Url"] = "http://127.0.0.1:9/models",
            ["Router:Endpoints:default:Key"] = "test",
            ["Router:Storage:ConnectionString"] = "UseDevelopmentStorage=true",
        };
        foreach (var (key, value) in overrides)
        {
            settings[key] = value;
        }

        _services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
            .AddSingleton(_store.Object)
            .AddFunctionsRouterGateway()
            .BuildServiceProvider();
        return _services.GetRequiredService<CallerAdmission>();
    }

    private static DefaultHttpContext Request(params (string Name, string Value)[] headers)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.Path = "/api/v1/chat/completions";
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes("""{"model":"fast","messages":[]}"""));
        context.Response.Body = new MemoryStream();
        foreach (var (name, value) in headers)
        {
            context.Request.Headers[name] = value;
        }

        return context;
    }

    private static string? ErrorCode(DefaultHttpContext context)
    {
        using var document = JsonDocument.Parse(((MemoryStream)context.Response.Body).ToArray());
        return document.RootElement.GetProperty("error").GetProperty("code").GetString();
    }
}
