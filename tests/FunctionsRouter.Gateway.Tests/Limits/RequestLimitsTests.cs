using System.ClientModel;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using FunctionsRouter.Gateway.Callers;
using FunctionsRouter.Gateway.Tests.Callers;
using FunctionsRouter.Gateway.Tests.Integration;
using OpenAI;
using OpenAI.Chat;

namespace FunctionsRouter.Gateway.Tests.Limits;

/// <summary>Caller limits through real HTTP against Azurite, on a fake clock: answers, headers, estimates and their correction.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class RequestLimitsTests(IntegrationFixture fixture) : IAsyncLifetime
{
    private LimitsHost _host = null!;

    public async Task InitializeAsync() => _host = await LimitsHost.StartAsync(fixture, LimitsHost.NewClock());

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Rpm_SixthRequestInTheMinute_429WithRetryAfterThatHonouredIsAdmitted()
    {
        var (_, key) = await _host.CreateLimitedCallerAsync("""{"rpm":5}""");
        for (var i = 0; i < 5; i++)
        {
            using var admitted = await _host.ChatAsync(key);
            Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
        }

        var upstreamCalls = fixture.Upstream.Received.Count;
        using var refused = await _host.ChatAsync(key, headers: ("x-request-id", "limits-rpm-6"));

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        var error = await AdmissionHost.ErrorOf(refused);
        Assert.Equal("rate_limit_exceeded", error.GetProperty("code").GetString());
        Assert.Equal("rate_limit_error", error.GetProperty("type").GetString());
        Assert.Contains("5 requests per minute", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        // Sliding minute: 5 counted at 0:10; a 6th fits once this minute, weighted down in the next, drops to 4 (at 1:12).
        Assert.Equal("62", LimitsHost.Header(refused, "Retry-After"));
        Assert.Equal("62000", LimitsHost.Header(refused, "retry-after-ms"));
        Assert.Equal(upstreamCalls, fixture.Upstream.Received.Count);
        Assert.Empty(await _host.Gateway.WaitForUsageAsync("limits-rpm-6", expected: 0));

        _host.Time.Advance(TimeSpan.FromSeconds(61));
        using (var early = await _host.ChatAsync(key))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, early.StatusCode);
        }

        _host.Time.Advance(TimeSpan.FromSeconds(1));
        using var again = await _host.ChatAsync(key);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Contains(_host.Logs.Events, e => e.EventId == 9001);
    }

    [Fact]
    public async Task Headers_LimitedCaller_TightestLimitsInOpenAIFormOverTheUpstreams()
    {
        var (_, key) = await _host.CreateLimitedCallerAsync("""{"rpm":5,"tpm":1000,"tokensPerDay":100000}""");

        using var response = await _host.ChatAsync(key);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("5", LimitsHost.Header(response, "x-ratelimit-limit-requests"));
        Assert.Equal("4", LimitsHost.Header(response, "x-ratelimit-remaining-requests")); // Not the upstream's 99 as well.
        Assert.Equal("50s", LimitsHost.Header(response, "x-ratelimit-reset-requests"));
        // {"model":"fast","messages":[{"role":"user","content":"hi"}],"max_tokens":5}: strings fast, user, hi = 10 bytes → 3, + 5.
        Assert.Equal("1000", LimitsHost.Header(response, "x-ratelimit-limit-tokens"));
        Assert.Equal("992", LimitsHost.Header(response, "x-ratelimit-remaining-tokens"));
        Assert.Equal("50s", LimitsHost.Header(response, "x-ratelimit-reset-tokens"));
    }

    [Fact]
    public async Task Headers_CallerWithoutLimits_OnlyTheUpstreams()
    {
        var (_, key) = await _host.Gateway.CreateKeyCallerAsync("no limits");

        using var response = await _host.ChatAsync(key);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(LimitsHost.Header(response, "x-ratelimit-limit-requests"));
        Assert.Equal("99", LimitsHost.Header(response, "x-ratelimit-remaining-requests"));
    }

    [Fact]
    public async Task Tpm_PromptLargerThanTheLimit_RefusedUpFrontSayingSoWithoutUpstreamCall()
    {
        var (_, key) = await _host.CreateLimitedCallerAsync("""{"tpm":1000}""");
        var prompt = new string('x', 4_400); // 1,100 tokens by the estimate.
        var upstreamCalls = fixture.Upstream.Received.Count;

        using var response = await _host.ChatAsync(key, body: $$"""{"model":"fast","messages":[{"role":"user","content":"{{prompt}}"}],"max_tokens":5}""");

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        var error = await AdmissionHost.ErrorOf(response);
        Assert.Equal("rate_limit_exceeded", error.GetProperty("code").GetString());
        Assert.Contains("Request too large", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains("1000 tokens per minute", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Null(LimitsHost.Header(response, "Retry-After")); // Waiting would not help.
        Assert.Equal(upstreamCalls, fixture.Upstream.Received.Count);
    }

    [Fact]
    public async Task Tpm_StreamAdmittedOnItsEstimate_ChargedItsRealUsageAtItsEnd()
    {
        var (_, key) = await _host.CreateLimitedCallerAsync("""{"tpm":1000}""");

        using (var stream = await _host.ChatAsync(key, body: """{"model":"fast","messages":[{"role":"user","content":"hi"}],"max_tokens":500,"stream":true}""", headers: ("x-request-id", "limits-tpm-stream")))
        {
            Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
            Assert.Equal("497", LimitsHost.Header(stream, "x-ratelimit-remaining-tokens")); // 3 + 500 reserved.
            Assert.Contains("[DONE]", await stream.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        await _host.Gateway.WaitForUsageAsync("limits-tpm-stream"); // Recorded after the estimate is settled.
        using var next = await _host.ChatAsync(key);

        // 18 really used by the stream, 8 reserved for this one.
        Assert.Equal("974", LimitsHost.Header(next, "x-ratelimit-remaining-tokens"));
    }

    [Fact]
    public async Task Tpm_StreamCutOff_KeepsItsEstimate()
    {
        var (_, key) = await _host.CreateLimitedCallerAsync("""{"tpm":1000}""");

        using (var stream = await _host.ChatAsync(key, "cut", """{"model":"cut","messages":[{"role":"user","content":"hi"}],"max_tokens":500,"stream":true}""", ("x-request-id", "limits-tpm-cut")))
        {
            await stream.Content.ReadAsStringAsync();
        }

        await _host.Gateway.WaitForUsageAsync("limits-tpm-cut");
        using var next = await _host.ChatAsync(key);

        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        Assert.Equal("489", LimitsHost.Header(next, "x-ratelimit-remaining-tokens")); // 1000 − 503 − 8.
    }

    [Fact]
    public async Task TokensPerDay_Spent_InsufficientQuotaNamingItAndItsReset_AdmittedAgainTheNextDay()
    {
        var (_, key) = await _host.CreateLimitedCallerAsync("""{"tokensPerDay":30}""");
        for (var i = 0; i < 2; i++)
        {
            using var admitted = await _host.ChatAsync(key, headers: ("x-request-id", "limits-day-" + i));
            Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
            await _host.Gateway.WaitForUsageAsync("limits-day-" + i); // 18 each, really.
        }

        using var refused = await _host.ChatAsync(key);

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        var error = await AdmissionHost.ErrorOf(refused);
        Assert.Equal("insufficient_quota", error.GetProperty("code").GetString());
        Assert.Equal("insufficient_quota", error.GetProperty("type").GetString());
        var now = _host.Time.GetUtcNow();
        var midnight = new DateTimeOffset(now.UtcDateTime.Date.AddDays(1), TimeSpan.Zero);
        var message = error.GetProperty("message").GetString();
        Assert.Contains("daily token quota of 30", message, StringComparison.Ordinal);
        Assert.Contains(midnight.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) + " (UTC midnight)", message, StringComparison.Ordinal);
        Assert.Equal(((long)Math.Ceiling((midnight - now).TotalSeconds)).ToString(CultureInfo.InvariantCulture), LimitsHost.Header(refused, "Retry-After"));
        Assert.Equal("0", LimitsHost.Header(refused, "x-ratelimit-remaining-tokens"));

        _host.Time.Advance(midnight - now + TimeSpan.FromSeconds(1));
        using var nextDay = await _host.ChatAsync(key);
        Assert.Equal(HttpStatusCode.OK, nextDay.StatusCode);
    }

    [Fact]
    public async Task AliasLimit_CheckedBesideTheCallersOwn()
    {
        var (_, key) = await _host.CreateLimitedCallerAsync("""{"rpm":10,"aliases":{"FAST":{"rpm":2}}}""");
        for (var i = 0; i < 2; i++)
        {
            using var admitted = await _host.ChatAsync(key, "fast");
            Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
            Assert.Equal(i == 0 ? "1" : "0", LimitsHost.Header(admitted, "x-ratelimit-remaining-requests")); // The alias's, tighter.
        }

        using var refused = await _host.ChatAsync(key, "fast");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Contains("for model 'fast'", (await AdmissionHost.ErrorOf(refused)).GetProperty("message").GetString(), StringComparison.Ordinal);

        using var other = await _host.ChatAsync(key, "chat-default");
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        Assert.Equal("7", LimitsHost.Header(other, "x-ratelimit-remaining-requests")); // 10 − 3: the refused one is not counted.
    }

    [Fact]
    public async Task MalformedLimitsColumn_CallerRefusedNeverUnlimited()
    {
        var (_, key) = await _host.CreateLimitedCallerAsync("""{"rpm":"many"}""");

        using var response = await _host.ChatAsync(key);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains(_host.Logs.Events, e => e.EventId == 4002 && e.Message.Contains("rpm", StringComparison.Ordinal));
    }

    [Fact]
    public async Task OpenAIClient_OwnRetry_HonoursRetryAfterAndIsAdmitted()
    {
        var (_, key) = await _host.CreateLimitedCallerAsync("""{"rpm":2}""");
        for (var i = 0; i < 2; i++)
        {
            using var admitted = await _host.ChatAsync(key);
            Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
        }

        // 1:27 — the previous minute's 2, weighted 0.55, leave no room until 1:30: Retry-After 3, retry-after-ms 3000.
        _host.Time.Advance(TimeSpan.FromSeconds(77));
        var client = new ChatClient("fast", new ApiKeyCredential(key), new OpenAIClientOptions { Endpoint = new Uri(_host.Gateway.BaseUri, "/api/v1") });
        var watch = Stopwatch.StartNew();
        var call = client.CompleteChatAsync([new UserChatMessage("hi")]);
        await _host.WaitForLogAsync(9001);
        _host.Time.Advance(TimeSpan.FromSeconds(3)); // The gateway's clock moves on while the client waits.

        var completion = await call;

        Assert.Equal("Hello world", completion.Value.Content[0].Text);
        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(2.9), $"The client retried after {watch.Elapsed}, before the 3 s it was told.");
        Assert.Single(_host.Logs.Events, e => e.EventId == 9001);
    }
}
