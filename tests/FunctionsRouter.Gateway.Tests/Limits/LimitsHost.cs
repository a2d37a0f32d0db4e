using Azure.Data.Tables;
using FunctionsRouter.Gateway.Callers;
using FunctionsRouter.Gateway.Configuration;
using FunctionsRouter.Gateway.Limits;
using FunctionsRouter.Gateway.Tests.Callers;
using FunctionsRouter.Gateway.Tests.Integration;
using FunctionsRouter.Gateway.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace FunctionsRouter.Gateway.Tests.Limits;

/// <summary>
/// A gateway with caller limits on a <see cref="FakeTimeProvider"/>: no anonymous access, its own caller and count tables
/// (or shared ones, for a second instance), the count sync running on the fake clock (it runs when the clock is advanced
/// past <c>Router__Limits__SyncInterval</c>). Every log event is captured.
/// </summary>
internal sealed class LimitsHost : IAsyncDisposable
{
    public const string SyncInterval = "00:00:01";

    private LimitsHost(GatewayHost gateway, FakeTimeProvider time, LogCapture logs, string callerTable, string countTable, TableClient counts)
    {
        Gateway = gateway;
        Time = time;
        Logs = logs;
        CallerTableName = callerTable;
        CountTableName = countTable;
        Counts = counts;
    }

    public GatewayHost Gateway { get; }

    public FakeTimeProvider Time { get; }

    public LogCapture Logs { get; }

    public string CallerTableName { get; }

    public string CountTableName { get; }

    /// <summary>The shared count table.</summary>
    public TableClient Counts { get; }

    internal LimitCountSync Sync => Gateway.Services.GetRequiredService<LimitCountSync>();

    /// <summary>A clock 10 s into a UTC minute, close to the real time (tokens are checked against it).</summary>
    public static FakeTimeProvider NewClock()
    {
        var now = DateTimeOffset.UtcNow;
        return new FakeTimeProvider(new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 10, TimeSpan.Zero));
    }

    public static async Task<LimitsHost> StartAsync(
        IntegrationFixture fixture,
        FakeTimeProvider time,
        string? callerTable = null,
        string? countTable = null,
        IDictionary<string, string?>? extra = null,
        HangingTableTransport? transport = null,
        TestTokenIssuer? issuer = null)
    {
        callerTable ??= "lcall" + Guid.NewGuid().ToString("N")[..12];
        countTable ??= "lcount" + Guid.NewGuid().ToString("N")[..12];
        var settings = issuer?.Settings() ?? [];
        settings["Router:AllowAnonymous"] = "false";
        settings["Router:CallerTable"] = callerTable;
        settings["Router:Limits:CountTable"] = countTable;
        settings["Router:Limits:SyncInterval"] = SyncInterval;
        settings["Router:Limits:DefaultOutputTokens"] = "100";
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var logs = new LogCapture();
        var gateway = await fixture.StartGatewayAsync(settings, services =>
        {
            services.AddSingleton<TimeProvider>(time);
            services.AddLogging(b => b.AddProvider(logs));
            if (transport is not null)
            {
                services.AddSingleton(sp =>
                {
                    var options = TableStorageTimeouts.CreateClientOptions(sp.GetRequiredService<IOptions<RouterOptions>>().Value.TableOperationTimeout);
                    options.Transport = transport;
                    return options;
                });
            }
        });
        await gateway.SeedAsync("fast", "a", "dep-oai", "oai");
        await gateway.SeedAsync("chat-default", "primary", "dep-chat");
        await gateway.SeedAsync("cut", "a", "cut");
        return new LimitsHost(gateway, time, logs, callerTable, countTable, fixture.Azurite.CreateServiceClient().GetTableClient(countTable));
    }

    /// <summary>Registers a key caller whose row carries <paramref name="limitsJson"/> in its Limits column.</summary>
    public async Task<(string Id, string Key)> CreateLimitedCallerAsync(string limitsJson, string aliases = "*")
    {
        var (id, key) = await Gateway.CreateKeyCallerAsync("limited " + limitsJson, aliases);
        await SetLimitsAsync(id, limitsJson);
        return (id, key);
    }

    public async Task SetLimitsAsync(string rowId, string limitsJson)
    {
        var row = (await Gateway.Callers.GetEntityAsync<TableEntity>(CallerTable.CallerPartition, rowId)).Value;
        row[CallerTable.LimitsColumn] = limitsJson;
        await Gateway.Callers.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace);
    }

    public Task<HttpResponseMessage> ChatAsync(string key, string model = "fast", string? body = null, params (string Name, string Value)[] headers)
    {
        body ??= $$"""{"model":"{{model}}","messages":[{"role":"user","content":"hi"}],"max_tokens":5}""";
        return SendAsync(HttpMethod.Post, "/api/v1/chat/completions", body, [("api-key", key), .. headers]);
    }

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? body, params (string Name, string Value)[] headers) =>
        AdmissionHost.SendAsync(Gateway.Http, method, path, body, headers);

    /// <summary>Advances the clock past one sync interval and waits (bounded) until the sync has run a round.</summary>
    public async Task SyncAsync()
    {
        var before = Sync.Rounds;
        Time.Advance(TimeSpan.Parse(SyncInterval, System.Globalization.CultureInfo.InvariantCulture));
        await WaitForRoundAsync(before);
    }

    /// <summary>Waits (bounded, real time) until the sync has completed a round after <paramref name="before"/>.</summary>
    public async Task WaitForRoundAsync(int before)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (Sync.Rounds <= before)
        {
            Assert.True(DateTime.UtcNow < deadline, "The limit count sync did not run a round within 20 s.");
            await Task.Delay(10);
        }
    }

    /// <summary>Waits (bounded, real time) for a log event.</summary>
    public async Task WaitForLogAsync(int eventId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!Logs.Events.Any(e => e.EventId == eventId))
        {
            Assert.True(DateTime.UtcNow < deadline, $"No log event {eventId} within 20 s.");
            await Task.Delay(5);
        }
    }

    public static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;

    public async ValueTask DisposeAsync() => await Gateway.DisposeAsync();
}
