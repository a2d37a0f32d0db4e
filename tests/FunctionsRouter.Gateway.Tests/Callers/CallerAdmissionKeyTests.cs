using System.ClientModel;
using System.Net;
using Azure;
using Azure.AI.Inference;
using Azure.Data.Tables;
using FunctionsRouter.Gateway.Callers;
using FunctionsRouter.Gateway.Tests.Integration;
using OpenAI;
using OpenAI.Chat;

namespace FunctionsRouter.Gateway.Tests.Callers;

/// <summary>Gateway keys through real HTTP and the real SDK clients, against Azurite; every refusal in the gateway's shape.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class CallerAdmissionKeyTests(IntegrationFixture fixture) : IAsyncLifetime
{
    private AdmissionHost _host = null!;

    private GatewayHost Gateway => _host.Gateway;

    public async Task InitializeAsync() => _host = await AdmissionHost.StartAsync(fixture);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Chat_NoCredential_401MissingCredentialsWithChallengeAndNoUpstreamCallOrUsage()
    {
        var before = fixture.Upstream.Received.Count;

        using var response = await _host.ChatAsync("fast", ("x-request-id", "adm-none-1"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer realm=\"FunctionsRouter\"", response.Headers.WwwAuthenticate.ToString());
        var error = await AdmissionHost.ErrorOf(response);
        Assert.Equal("missing_credentials", error.GetProperty("code").GetString());
        Assert.Equal(401, error.GetProperty("status").GetInt32());
        Assert.Equal(before, fixture.Upstream.Received.Count);
        await AssertNoUsageAsync("adm-none-1");
    }

    [Theory]
    [InlineData("api-key", "frk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("api-key", "frk_short")]
    [InlineData("api-key", "sk-not-a-gateway-key")]
    [InlineData("Authorization", "Bearer frk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("Authorization", "Bearer not-a-key-nor-a-token")]
    [InlineData("Authorization", "Basic dXNlcjpwYXNz")]
    public async Task Chat_UnknownOrMalformedCredential_401InvalidCredentials(string header, string value)
    {
        using var response = await _host.ChatAsync("fast", (header, value));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var error = await AdmissionHost.ErrorOf(response);
        Assert.Equal("invalid_credentials", error.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Chat_DisabledExpiredOrUnknown_SameAnswerForEach()
    {
        var (_, disabled) = await Gateway.CreateKeyCallerAsync("disabled caller", enabled: false);
        var (_, expired) = await Gateway.CreateKeyCallerAsync("expired caller", expires: DateTimeOffset.UtcNow.AddDays(-1));
        var (_, keyExpired) = await Gateway.CreateKeyCallerAsync("expired key", keyExpires: DateTimeOffset.UtcNow.AddMinutes(-1));
        var unknown = CallerKeys.Create();

        var bodies = new List<string>();
        foreach (var key in new[] { disabled, expired, keyExpired, unknown })
        {
            using var response = await _host.ChatAsync("fast", ("api-key", key));
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            bodies.Add(await response.Content.ReadAsStringAsync());
        }

        Assert.Single(bodies.Distinct());
        Assert.Contains("invalid_credentials", bodies[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task AzureAIInferenceClient_KeyInApiKeyHeader_ServedAndUsageNamesTheCaller()
    {
        var (id, key) = await Gateway.CreateKeyCallerAsync("inference service", "chat-default");
        var client = new ChatCompletionsClient(new Uri(Gateway.BaseUri, "/api/models"), new AzureKeyCredential(key));

        var response = await client.CompleteAsync(new ChatCompletionsOptions { Model = "chat-default", Messages = { new ChatRequestUserMessage("Say hello") } });

        Assert.Equal("Hello world", response.Value.Content);
        Assert.True(response.GetRawResponse().Headers.TryGetValue("x-request-id", out var requestId));
        var row = Assert.Single(await Gateway.WaitForUsageAsync(requestId!));
        Assert.Equal("key:" + id, row.GetString("Caller"));
        Assert.NotEqual(key, fixture.Upstream.LastFor("dep-chat").Headers["api-key"]);
    }

    [Fact]
    public async Task OpenAIClient_KeyAsBearer_ServedStreamedAndNotStreamed()
    {
        var (id, key) = await Gateway.CreateKeyCallerAsync("openai service", "fast");
        var client = new ChatClient("fast", new ApiKeyCredential(key), new OpenAIClientOptions { Endpoint = new Uri(Gateway.BaseUri, "/api/v1") });

        var completion = await client.CompleteChatAsync([new UserChatMessage("Say hello")]);
        var streamed = new System.Text.StringBuilder();
        await foreach (var update in client.CompleteChatStreamingAsync([new UserChatMessage("Say hello")]))
        {
            foreach (var part in update.ContentUpdate)
            {
                streamed.Append(part.Text);
            }
        }

        Assert.Equal("Hello world", completion.Value.Content[0].Text);
        Assert.Equal("Hello world", streamed.ToString());
        var requestId = completion.GetRawResponse().Headers.TryGetValue("x-request-id", out var rid) ? rid : null;
        var row = Assert.Single(await Gateway.WaitForUsageAsync(requestId!));
        Assert.Equal("key:" + id, row.GetString("Caller"));
    }

    [Fact]
    public async Task Chat_AliasNotGranted_403ModelNotAllowedAndNoUpstreamCallOrUsage()
    {
        var (_, key) = await Gateway.CreateKeyCallerAsync("narrow caller", "fast");
        var before = fixture.Upstream.Received.Count;

        using var response = await _host.ChatAsync("chat-default", ("Authorization", "Bearer " + key), ("x-request-id", "adm-403-1"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var error = await AdmissionHost.ErrorOf(response);
        Assert.Equal("model_not_allowed", error.GetProperty("code").GetString());
        Assert.Equal("model", error.GetProperty("param").GetString());
        Assert.Equal(before, fixture.Upstream.Received.Count);
        await AssertNoUsageAsync("adm-403-1");
    }

    [Fact]
    public async Task ListModels_PerCaller_OnlyGrantedAliases()
    {
        var (_, narrow) = await Gateway.CreateKeyCallerAsync("narrow", "fast,EMBED");
        var (_, wide) = await Gateway.CreateKeyCallerAsync("wide", "*");

        var narrowIds = await ModelIdsAsync(narrow);
        var wideIds = await ModelIdsAsync(wide);
        using var anonymous = await _host.SendAsync(HttpMethod.Get, "/api/v1/models", null);

        Assert.Equal(["embed", "fast"], narrowIds.Order(StringComparer.Ordinal));
        Assert.Equal(["chat-default", "embed", "fast"], wideIds.Order(StringComparer.Ordinal));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    [Fact]
    public async Task Chat_RotatedWithoutGrace_OldKeyRefusedNewServed()
    {
        var (id, oldKey) = await Gateway.CreateKeyCallerAsync("rotating");
        using (var first = await _host.ChatAsync("fast", ("api-key", oldKey)))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        var newKey = await Gateway.AddKeyAsync(id);
        await Gateway.Callers.DeleteEntityAsync(CallerTable.KeyPartition, CallerKeys.Hash(oldKey).ToHex()); // What rotate does without grace.
        await Task.Delay(TimeSpan.FromSeconds(1.3)); // The cache period (1 s in this host).

        // The cached key row is served while its background re-read runs; it is refused once the table has answered.
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusOnceTheTableAnsweredAsync(oldKey, HttpStatusCode.Unauthorized));
        using var fresh = await _host.ChatAsync("fast", ("api-key", newKey));
        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
    }

    [Fact]
    public async Task Chat_RotatedWithGrace_BothKeysServedUntilTheGraceEnds()
    {
        var (id, oldKey) = await Gateway.CreateKeyCallerAsync("rotating with grace");
        var newKey = await Gateway.AddKeyAsync(id);
        var graceEnds = DateTimeOffset.UtcNow.AddSeconds(2);
        await Gateway.Callers.UpsertEntityAsync(
            new TableEntity(CallerTable.KeyPartition, CallerKeys.Hash(oldKey).ToHex()) { [CallerTable.ExpiresAtColumn] = graceEnds },
            TableUpdateMode.Merge);

        using (var old = await _host.ChatAsync("fast", ("api-key", oldKey)))
        using (var fresh = await _host.ChatAsync("fast", ("api-key", newKey)))
        {
            Assert.Equal(HttpStatusCode.OK, old.StatusCode);
            Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
        }

        await Task.Delay(graceEnds - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(200));
        using var afterGrace = await _host.ChatAsync("fast", ("api-key", oldKey));
        using var stillFresh = await _host.ChatAsync("fast", ("api-key", newKey));

        Assert.Equal(HttpStatusCode.Unauthorized, afterGrace.StatusCode);
        Assert.Equal(HttpStatusCode.OK, stillFresh.StatusCode);
    }

    [Fact]
    public async Task Chat_CallerDisabledAfterUse_RefusedOnceTheTableAnswersPastTheCachePeriod()
    {
        var (id, key) = await Gateway.CreateKeyCallerAsync("soon disabled");
        using (var before = await _host.ChatAsync("fast", ("api-key", key)))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        await Gateway.Callers.UpsertEntityAsync(new TableEntity(CallerTable.CallerPartition, id) { [CallerTable.EnabledColumn] = false }, TableUpdateMode.Merge);
        await Task.Delay(TimeSpan.FromSeconds(1.3)); // Router__CallerCacheTtl is 1 s here.

        // Stale while revalidate: the first request past the period may still be served the cached row (it starts the
        // re-read); the caller is refused as soon as the table has answered.
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusOnceTheTableAnsweredAsync(key, HttpStatusCode.Unauthorized));
    }

    /// <summary>Sends requests with <paramref name="key"/>, a few milliseconds apart, until one is answered <paramref name="wanted"/> (or 5 s pass).</summary>
    private async Task<HttpStatusCode> StatusOnceTheTableAnsweredAsync(string key, HttpStatusCode wanted)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (true)
        {
            using var response = await _host.ChatAsync("fast", ("api-key", key));
            if (response.StatusCode == wanted || DateTime.UtcNow > deadline)
            {
                return response.StatusCode;
            }

            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task Chat_SpoofedClientPrincipalHeaders_Ignored()
    {
        var (id, key) = await Gateway.CreateKeyCallerAsync("honest caller");
        var principal = Convert.ToBase64String("""{"auth_typ":"aad","claims":[{"typ":"oid","val":"00000000-0000-0000-0000-000000000001"}]}"""u8);
        (string, string)[] spoof = [("X-MS-CLIENT-PRINCIPAL", principal), ("X-MS-CLIENT-PRINCIPAL-ID", "00000000-0000-0000-0000-000000000001"), ("X-MS-CLIENT-PRINCIPAL-NAME", "admin@example.com")];

        using var withoutCredential = await _host.ChatAsync("fast", spoof);
        using var withKey = await _host.ChatAsync("fast", [.. spoof, ("api-key", key), ("x-request-id", "adm-spoof-1")]);

        Assert.Equal(HttpStatusCode.Unauthorized, withoutCredential.StatusCode);
        Assert.Equal(HttpStatusCode.OK, withKey.StatusCode);
        var row = Assert.Single(await Gateway.WaitForUsageAsync("adm-spoof-1"));
        Assert.Equal("key:" + id, row.GetString("Caller"));
    }

    [Fact]
    public async Task Keys_AfterUseAndRefusals_NeverInAnyTableOrLogLine()
    {
        var (id, key) = await Gateway.CreateKeyCallerAsync("secret keeper", "fast");
        var (_, disabledKey) = await Gateway.CreateKeyCallerAsync("disabled secret keeper", enabled: false);
        var unknown = CallerKeys.Create();
        using (await _host.ChatAsync("fast", ("api-key", key))) { }
        using (await _host.ChatAsync("chat-default", ("Authorization", "Bearer " + key))) { }
        using (await _host.ChatAsync("fast", ("api-key", disabledKey))) { }
        using (await _host.ChatAsync("fast", ("api-key", unknown))) { }
        using (await _host.SendAsync(HttpMethod.Get, "/api/v1/models", null, ("api-key", key))) { }
        await Gateway.WaitForUsageAsync("never", expected: 0);

        var everything = new System.Text.StringBuilder();
        foreach (var table in new[] { Gateway.Aliases, Gateway.Usage, Gateway.Health, Gateway.Callers })
        {
            try
            {
                await foreach (var row in table.QueryAsync<TableEntity>())
                {
                    everything.AppendJoin('|', row.Select(p => p.Key + "=" + p.Value)).AppendLine();
                    Assert.NotEqual(CallerKeys.Hash(key).ToHex(), row.GetString(CallerTable.NameColumn));
                }
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
            }
        }

        foreach (var log in _host.Logs.Events)
        {
            everything.AppendLine(log.Message).AppendJoin('|', log.Values.Select(v => v.Key + "=" + v.Value)).AppendLine();
        }

        var text = everything.ToString();
        Assert.Contains("key:" + id, text, StringComparison.Ordinal); // The scan saw the usage rows and refusal logs.
        Assert.Contains(_host.Logs.Events, e => e.EventId == 4001);
        foreach (var secret in new[] { key, disabledKey, unknown })
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
            Assert.DoesNotContain(secret[CallerKeys.Prefix.Length..], text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Refusals_Counted_ByErrorType()
    {
        var counted = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == FunctionsRouter.Gateway.Diagnostics.GatewayTelemetryNames.AdmissionRefusals)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "error.type")
                {
                    counted.Enqueue((string)tag.Value!);
                }
            }
        });
        listener.Start();

        using (await _host.ChatAsync("fast")) { }
        using (await _host.ChatAsync("fast", ("api-key", CallerKeys.Create()))) { }

        Assert.Contains("missing_credentials", counted);
        Assert.Contains("invalid_credentials", counted);
    }

    private async Task<List<string>> ModelIdsAsync(string key)
    {
        using var response = await _host.SendAsync(HttpMethod.Get, "/api/v1/models", null, ("api-key", key));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return [.. document.RootElement.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()!)];
    }

    private async Task AssertNoUsageAsync(string requestId)
    {
        // Give the writer a moment: a row, had one been queued, would be written by then (the linger is 0 in tests).
        await Task.Delay(300);
        Assert.Empty(await Gateway.WaitForUsageAsync(requestId, expected: 0));
    }
}
