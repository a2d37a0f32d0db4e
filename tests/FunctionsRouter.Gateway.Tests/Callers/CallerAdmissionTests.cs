using System.Text;
using System.Text.Json;
using FunctionsRouter.Gateway.Callers;
using FunctionsRouter.Gateway.Configuration;
using FunctionsRouter.Gateway.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace FunctionsRouter.Gateway.Tests.Callers;

/// <summary>Admission in process, with the caller table replaced by a fake store: what is read, when, and what is answered.</summary>
public sealed class CallerAdmissionTests : IDisposable
{
    private readonly Mock<ICallerStore> _store = new(MockBehavior.Strict);
    private ServiceProvider? _services;
    private int _hungReadsEnded;

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
    public async Task AdmitAsync_CachedKeyPastTheTtlWhileTheTableHangs_AdmittedAtOnceWithOneBackgroundReadPerRow()
    {
        var (key, time, admission) = await AdmittedOnceOnAFakeClockAsync();
        HangReads();
        time.Advance(TimeSpan.FromMinutes(2)); // Four times the TTL, well within Router__MaxStaleness.

        var admitted = Enumerable.Range(0, 10).Select(_ => admission.AdmitAsync(Request(("api-key", key)))).ToArray();

        Assert.All(admitted, a => Assert.True(a.IsCompletedSuccessfully)); // Nobody waited on the hung table.
        Assert.All(admitted, a => Assert.Equal("key:abc123", a.Result!.Id));
        await WaitUntilAsync(() => Reads(nameof(ICallerStore.GetKeyAsync)) == 2 && Reads(nameof(ICallerStore.GetCallerAsync)) == 2);
        await Task.Delay(50);
        Assert.Equal(2, Reads(nameof(ICallerStore.GetKeyAsync)));
        Assert.Equal(2, Reads(nameof(ICallerStore.GetCallerAsync)));
    }

    [Fact]
    public async Task AdmitAsync_CachedPrincipalPastTheTtlWhileTheTableHangs_AdmittedAtOnceWithOneBackgroundRead()
    {
        await using var issuer = await TestTokenIssuer.StartAsync();
        var user = Guid.NewGuid();
        Assert.True(AliasAccess.TryParse("fast", out var access, out _));
        var row = CallerTable.PrincipalId(user);
        _store.Setup(s => s.GetCallerAsync(row, It.IsAny<CancellationToken>()))
            .ReturnsAsync(new CallerRecord(row, CallerKind.Principal, "a user", true, null, access, user.ToString("D"), DateTimeOffset.UtcNow));
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var admission = Build(time, [.. issuer.Settings().Select(p => (p.Key, p.Value!))]);
        var token = issuer.CreateToken(user);
        Assert.Equal("entra:" + user.ToString("D"), (await admission.AdmitAsync(Request(("Authorization", "Bearer " + token))))!.Id);
        HangReads();
        time.Advance(TimeSpan.FromMinutes(2));

        var admitted = Enumerable.Range(0, 10).Select(_ => admission.AdmitAsync(Request(("Authorization", "Bearer " + token)))).ToArray();

        Assert.All(admitted, a => Assert.True(a.IsCompletedSuccessfully));
        Assert.All(admitted, a => Assert.Equal("entra:" + user.ToString("D"), a.Result!.Id));
        await WaitUntilAsync(() => Reads(nameof(ICallerStore.GetCallerAsync)) == 2);
        await Task.Delay(50);
        Assert.Equal(2, Reads(nameof(ICallerStore.GetCallerAsync)));
    }

    [Fact]
    public async Task AdmitAsync_CallerDisabledPastTheTtl_RefusedOnceTheTableAnswers()
    {
        var (key, time, admission) = await AdmittedOnceOnAFakeClockAsync();
        var answer = new TaskCompletionSource<CallerRecord?>(TaskCreationOptions.RunContinuationsAsynchronously);
        _store.Setup(s => s.GetCallerAsync("abc123", It.IsAny<CancellationToken>())).Returns(answer.Task);
        time.Advance(TimeSpan.FromSeconds(31));

        var whileTheTableThinks = await admission.AdmitAsync(Request(("api-key", key)));
        await WaitUntilAsync(() => Reads(nameof(ICallerStore.GetCallerAsync)) == 2);
        var stillThinking = await admission.AdmitAsync(Request(("api-key", key)));
        Assert.True(AliasAccess.TryParse("fast", out var access, out _));
        answer.SetResult(new CallerRecord("abc123", CallerKind.Key, "test caller", Enabled: false, null, access, null, DateTimeOffset.UtcNow));
        DefaultHttpContext refused;
        var attempts = 0;
        do
        {
            await Task.Delay(10);
            refused = Request(("api-key", key));
        }
        while (await admission.AdmitAsync(refused) is not null && ++attempts < 500);

        Assert.NotNull(whileTheTableThinks); // Served the cached row: the table had not answered yet.
        Assert.NotNull(stillThinking);
        Assert.Equal(401, refused.Response.StatusCode);
        Assert.Equal("invalid_credentials", ErrorCode(refused));
    }

    [Fact]
    public async Task AdmitAsync_CachedKeyPastMaxStalenessWhileTheTableHangs_503WithinTheLookupTimeout()
    {
        var (key, time, admission) = await AdmittedOnceOnAFakeClockAsync();
        HangReads();
        time.Advance(TimeSpan.FromSeconds(30));
        Assert.NotNull(await admission.AdmitAsync(Request(("api-key", key)))); // Served; starts the re-reads that hang.
        await WaitUntilAsync(() => Reads(nameof(ICallerStore.GetKeyAsync)) == 2 && Reads(nameof(ICallerStore.GetCallerAsync)) == 2);
        time.Advance(new RouterOptions().TableOperationTimeout); // They are abandoned…
        await WaitUntilAsync(() => Volatile.Read(ref _hungReadsEnded) == 2);
        await Task.Delay(100); // …and their failure recorded (the backoff starts from it).
        time.Advance(new RouterOptions().MaxStaleness);

        var context = Request(("api-key", key));
        var tooOld = admission.AdmitAsync(context).AsTask();
        await WaitUntilAsync(() => Reads(nameof(ICallerStore.GetKeyAsync)) == 3);
        Assert.False(tooOld.IsCompleted);
        time.Advance(new RouterOptions().CallerLookupTimeout);

        Assert.Null(await tooOld.WaitAsync(TimeSpan.FromSeconds(10)));
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

    /// <summary>A key caller (<c>abc123</c>, alias <c>fast</c>) admitted once, so its key and caller rows are cached.</summary>
    private async Task<(string Key, FakeTimeProvider Time, CallerAdmission Admission)> AdmittedOnceOnAFakeClockAsync()
    {
        var key = CallerKeys.Create();
        Register(key, "abc123", "fast");
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var admission = Build(time);
        Assert.NotNull(await admission.AdmitAsync(Request(("api-key", key))));
        return (key, time, admission);
    }

    /// <summary>From now on every caller-table read hangs until its own timeout cancels it.</summary>
    private void HangReads()
    {
        _store.Setup(s => s.GetKeyAsync(It.IsAny<KeyHash>(), It.IsAny<CancellationToken>()))
            .Returns(async (KeyHash _, CancellationToken cancellationToken) =>
            {
                await HangAsync(cancellationToken);
                return null;
            });
        _store.Setup(s => s.GetCallerAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .Returns(async (string _, CancellationToken cancellationToken) =>
            {
                await HangAsync(cancellationToken);
                return null;
            });
    }

    private async Task HangAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        finally
        {
            Interlocked.Increment(ref _hungReadsEnded);
        }
    }

    private int Reads(string method) => _store.Invocations.Count(i => i.Method.Name == method);

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.True(condition());
    }

    private void Register(string key, string id, string aliases)
    {
        Assert.True(AliasAccess.TryParse(aliases, out var access, out _));
        _store.Setup(s => s.GetKeyAsync(CallerKeys.Hash(key), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new CallerKeyRecord(CallerKeys.Hash(key), id, CallerKeys.DisplayPrefix(key), DateTimeOffset.UtcNow, null));
        _store.Setup(s => s.GetCallerAsync(id, It.IsAny<CancellationToken>()))
            .ReturnsAsync(new CallerRecord(id, CallerKind.Key, "test caller", true, null, access, null, DateTimeOffset.UtcNow));
    }

    private CallerAdmission Build(params (string Key, string Value)[] overrides) => Build(null, overrides);

    private CallerAdmission Build(TimeProvider? time, params (string Key, string Value)[] overrides)
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

        var services = new ServiceCollection();
        if (time is not null)
        {
            services.AddSingleton(time);
        }

        _services = services
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
