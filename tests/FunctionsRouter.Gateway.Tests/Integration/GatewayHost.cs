using Azure.Data.Tables;
using FunctionsRouter.Gateway.Callers;
using FunctionsRouter.Gateway.Hosting;
using FunctionsRouter.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FunctionsRouter.Gateway.Tests.Integration;

/// <summary>
/// The gateway's handlers hosted in-process on Kestrel (loopback), wired exactly as the Functions app wires them
/// (<c>AddFunctionsRouterGateway</c>), over a real Azurite and a fake upstream. Each host has its own tables.
/// </summary>
public sealed class GatewayHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private GatewayHost(WebApplication app, TableClient aliases, TableClient usage, TableClient health, TableClient callers)
    {
        _app = app;
        Aliases = aliases;
        Usage = usage;
        Health = health;
        Callers = callers;
    }

    public Uri BaseUri { get; private set; } = null!;

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(60) };

    public TableClient Aliases { get; }

    public TableClient Usage { get; }

    /// <summary>The deployment health table (own per host unless settings name a shared one).</summary>
    public TableClient Health { get; }

    /// <summary>The caller table (own per host).</summary>
    public TableClient Callers { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>The endpoint settings every host gets: a <c>models</c> and an <c>openai</c> endpoint on the fake, and one where nothing listens.</summary>
    public static Dictionary<string, string?> EndpointSettings(FakeUpstream upstream, int closedPort) => new()
    {
        ["Router:Endpoints:default:Url"] = new Uri(upstream.BaseUri, "/models").ToString(),
        ["Router:Endpoints:default:Api"] = "models",
        ["Router:Endpoints:default:Key"] = "upstream-key",
        ["Router:Endpoints:oai:Url"] = new Uri(upstream.BaseUri, "/openai/v1/").ToString(),
        ["Router:Endpoints:oai:Api"] = "openai",
        ["Router:Endpoints:oai:Key"] = "upstream-key",
        ["Router:Endpoints:dead:Url"] = $"http://127.0.0.1:{closedPort}/models",
        ["Router:Endpoints:dead:Key"] = "upstream-key",
    };

    public static async Task<GatewayHost> StartAsync(AzuriteFixture azurite, IDictionary<string, string?> settings, Action<IServiceCollection>? configure = null)
    {
        var aliasTable = azurite.CreateTableName("aliases");
        var usageTable = azurite.CreateTableName("usage");
        var callerTable = settings.TryGetValue("Router:CallerTable", out var sharedCallers) && sharedCallers is not null ? sharedCallers : azurite.CreateTableName("callers");
        var healthTable = settings.TryGetValue("Router:HealthTable", out var shared) && shared is not null ? shared : azurite.CreateTableName("health");
        var builder = LoopbackApp.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Router:Storage:ConnectionString"] = azurite.ConnectionString,
            ["Router:AliasTable"] = aliasTable,
            ["Router:UsageTable"] = usageTable,
            ["Router:HealthTable"] = healthTable,
            ["Router:AuditTable"] = azurite.CreateTableName("audit"),
            ["Router:MaxRequestBodyBytes"] = "65536",
            ["Router:UpstreamIdleTimeout"] = "00:00:02",
            ["Router:UsageBatchLinger"] = "00:00:00",
            // A loaded CI box can take over 2 s for a catalog read; that must not put the test host in outage mode
            // (serving the last catalog without waiting) just after a test seeded an alias. The outage tests set their own.
            ["Router:TableWaitTimeout"] = "00:00:08",
            // Most integration tests are about routing and relaying; the admission tests turn this off.
            ["Router:AllowAnonymous"] = "true",
        });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Router:CallerTable"] = callerTable });
        builder.Services.AddFunctionsRouterGateway();
        configure?.Invoke(builder.Services);
        var app = builder.Build();
        app.MapFunctionsRouterGateway();

        var service = azurite.CreateServiceClient();
        var aliases = service.GetTableClient(aliasTable);
        await aliases.CreateIfNotExistsAsync();
        var callers = service.GetTableClient(callerTable);
        await callers.CreateIfNotExistsAsync();
        var host = new GatewayHost(app, aliases, service.GetTableClient(usageTable), service.GetTableClient(healthTable), callers);
        host.BaseUri = await LoopbackApp.StartAsync(app);
        host.Http.BaseAddress = host.BaseUri;
        return host;
    }

    /// <summary>Adds an alias row, and invalidates the catalog as an admin write will, so the next request sees it.</summary>
    public async Task SeedAsync(string alias, string target, string deployment, string endpoint = "default", bool enabled = true, int priority = 0, int weight = 1)
    {
        await Aliases.UpsertEntityAsync(new TableEntity(alias, target)
        {
            ["Deployment"] = deployment,
            ["Endpoint"] = endpoint,
            ["Enabled"] = enabled,
            ["Priority"] = priority,
            ["Weight"] = weight,
        });
        Services.GetRequiredService<FunctionsRouter.Gateway.Aliases.IAliasCatalog>().Invalidate();
    }

    /// <summary>
    /// Registers a key caller as the command line does (a caller row, and a key row holding only the key's hash) and
    /// returns its id and key.
    /// </summary>
    public async Task<(string Id, string Key)> CreateKeyCallerAsync(string name, string aliases = "*", bool enabled = true, DateTimeOffset? expires = null, DateTimeOffset? keyExpires = null, bool admin = false)
    {
        var id = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8));
        Assert.True(AliasAccess.TryParse(aliases, out var access, out _));
        await Callers.UpsertEntityAsync(new CallerRecord(id, CallerKind.Key, name, enabled, expires, access, null, DateTimeOffset.UtcNow) { IsAdmin = admin }.ToEntity());
        var key = await AddKeyAsync(id, keyExpires);
        return (id, key);
    }

    /// <summary>Adds one more key to a caller (rotation), optionally expiring at a given time.</summary>
    public async Task<string> AddKeyAsync(string callerId, DateTimeOffset? expires = null)
    {
        var key = CallerKeys.Create();
        var record = new CallerKeyRecord(CallerKeys.Hash(key), callerId, CallerKeys.DisplayPrefix(key), DateTimeOffset.UtcNow, expires);
        await Callers.UpsertEntityAsync(record.ToEntity());
        return key;
    }

    /// <summary>Registers an Entra principal (by object id) or an app role, as the command line does.</summary>
    public async Task RegisterEntraAsync(CallerKind kind, string subject, string aliases = "*", bool enabled = true, bool admin = false)
    {
        Assert.True(AliasAccess.TryParse(aliases, out var access, out _));
        var id = kind == CallerKind.Principal
            ? CallerTable.PrincipalId(Guid.Parse(subject))
            : CallerTable.RoleId(subject);
        await Callers.UpsertEntityAsync(new CallerRecord(id, kind, "entra " + subject, enabled, null, access, subject, DateTimeOffset.UtcNow) { IsAdmin = admin }.ToEntity());
    }

    /// <summary>Waits (the ledger writes off the request path) for the usage rows of a request id.</summary>
    public async Task<IReadOnlyList<TableEntity>> WaitForUsageAsync(string requestId, int expected = 1)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            List<TableEntity> rows = [];
            try
            {
                await foreach (var row in Usage.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"RequestId eq {requestId}")))
                {
                    rows.Add(row);
                }
            }
            catch (Azure.RequestFailedException ex) when (ex.Status == 404)
            {
                // The writer has not created the table yet.
            }

            if (rows.Count >= expected || DateTime.UtcNow > deadline)
            {
                return rows;
            }

            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
