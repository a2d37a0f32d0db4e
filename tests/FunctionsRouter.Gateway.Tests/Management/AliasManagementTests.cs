using System.Net;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using FunctionsRouter.Gateway.Aliases;
using FunctionsRouter.Gateway.Management;
using FunctionsRouter.Gateway.Tests.Callers;
using FunctionsRouter.Gateway.Tests.Integration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace FunctionsRouter.Gateway.Tests.Management;

/// <summary>The alias routes over real HTTP against Azurite, as an admin.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class AliasManagementTests(IntegrationFixture fixture) : IAsyncLifetime
{
    private const string TwoTargets = """
        {"targets":[
          {"name":"primary","deployment":"dep-chat","endpoint":"default","priority":0,"weight":3,
           "price":{"inputPerMillion":2.5,"cachedInputPerMillion":1.25,"outputPerMillion":10}},
          {"name":"backup","deployment":"dep-oai","endpoint":"oai","priority":1,"enabled":false}
        ]}
        """;

    private AdmissionHost _host = null!;
    private ManagementClient _admin = null!;

    public async Task InitializeAsync()
    {
        _host = await AdmissionHost.StartAsync(fixture);
        _admin = await ManagementClient.CreateAsync(_host);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Put_NewAlias_201WrittenReadBackAndRoutedAtOnce()
    {
        using var put = await _admin.SendAsync(HttpMethod.Put, "/api/manage/aliases/team-chat", TwoTargets);
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        var etag = put.Headers.ETag!.ToString();

        var shown = await _admin.JsonAsync(HttpMethod.Get, "/api/manage/aliases/team-chat");
        var list = await _admin.JsonAsync(HttpMethod.Get, "/api/manage/aliases");
        using var chat = await _host.ChatAsync("team-chat", ("api-key", _admin.Key));

        Assert.Equal(etag, shown.GetProperty("etag").GetString());
        var targets = shown.GetProperty("targets").EnumerateArray().ToList();
        Assert.Equal(["primary", "backup"], targets.Select(t => t.GetProperty("name").GetString()));
        Assert.Equal(3, targets[0].GetProperty("weight").GetInt32());
        Assert.Equal(2.5m, targets[0].GetProperty("price").GetProperty("inputPerMillion").GetDecimal());
        Assert.Equal(10m, targets[0].GetProperty("price").GetProperty("outputPerMillion").GetDecimal());
        Assert.False(targets[1].GetProperty("enabled").GetBoolean());
        Assert.False(targets[1].TryGetProperty("price", out _));
        Assert.False(shown.TryGetProperty("problems", out _));
        Assert.Contains(list.GetProperty("aliases").EnumerateArray(), a => a.GetProperty("alias").GetString() == "team-chat");
        // The version row is never a target: not in the catalog, not in the answer.
        Assert.Equal(2, targets.Count);
        Assert.Equal(HttpStatusCode.OK, chat.StatusCode);
        Assert.Equal("dep-chat", fixture.Upstream.Received.Last().Model);
        var row = (await _host.Gateway.Aliases.GetEntityAsync<TableEntity>("team-chat", "primary")).Value;
        Assert.Equal(1.25, row.GetDouble("CachedInputPricePerMillion"));
    }

    [Fact]
    public async Task Put_ReplacesWholeTargetList_OldTargetRemovedAndRoutedToTheNewOne()
    {
        await _admin.JsonAsync(HttpMethod.Put, "/api/manage/aliases/swap", TwoTargets, HttpStatusCode.Created);

        var replaced = await _admin.JsonAsync(HttpMethod.Put, "/api/manage/aliases/swap", """{"targets":[{"name":"only","deployment":"dep-embed"}]}""");
        using var chat = await _host.ChatAsync("swap", ("api-key", _admin.Key));

        Assert.Equal(["only"], replaced.GetProperty("targets").EnumerateArray().Select(t => t.GetProperty("name").GetString()));
        var rows = await _host.Gateway.Aliases.QueryAsync<TableEntity>(e => e.PartitionKey == "swap").ToListAsync();
        Assert.Equal(["$version", "only"], rows.Select(r => r.RowKey).Order(StringComparer.Ordinal));
        Assert.Equal(HttpStatusCode.OK, chat.StatusCode);
        Assert.Equal("dep-embed", fixture.Upstream.Received.Last().Model);
    }

    [Fact]
    public async Task Put_IfMatchFromTwoClients_SecondGets412AndFirstWins()
    {
        await _admin.JsonAsync(HttpMethod.Put, "/api/manage/aliases/race", TwoTargets, HttpStatusCode.Created);
        var (otherId, otherKey) = await _host.Gateway.CreateKeyCallerAsync("other admin", admin: true);
        var other = new ManagementClient(_host, otherId, otherKey);
        var etag = (await _admin.JsonAsync(HttpMethod.Get, "/api/manage/aliases/race")).GetProperty("etag").GetString()!;
        var otherEtag = (await other.JsonAsync(HttpMethod.Get, "/api/manage/aliases/race")).GetProperty("etag").GetString()!;

        var first = await _admin.JsonAsync(HttpMethod.Put, "/api/manage/aliases/race", """{"targets":[{"name":"first","deployment":"d1"}]}""", HttpStatusCode.OK, ("If-Match", etag));
        var second = await other.ErrorAsync(HttpMethod.Put, "/api/manage/aliases/race", """{"targets":[{"name":"second","deployment":"d2"}]}""", HttpStatusCode.PreconditionFailed, ("If-Match", otherEtag));
        var delete = await other.ErrorAsync(HttpMethod.Delete, "/api/manage/aliases/race", null, HttpStatusCode.PreconditionFailed, ("If-Match", otherEtag));

        Assert.Equal(etag, otherEtag);
        Assert.NotEqual(etag, first.GetProperty("etag").GetString());
        Assert.Equal("precondition_failed", second.GetProperty("code").GetString());
        Assert.Equal("precondition_failed", delete.GetProperty("code").GetString());
        var now = await _admin.JsonAsync(HttpMethod.Get, "/api/manage/aliases/race");
        Assert.Equal(["first"], now.GetProperty("targets").EnumerateArray().Select(t => t.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task Put_IfNoneMatchStar_CreatesOnceThen412()
    {
        await _admin.JsonAsync(HttpMethod.Put, "/api/manage/aliases/once", TwoTargets, HttpStatusCode.Created, ("If-None-Match", "*"));

        var again = await _admin.ErrorAsync(HttpMethod.Put, "/api/manage/aliases/once", """{"targets":[{"name":"x","deployment":"y"}]}""", HttpStatusCode.PreconditionFailed, ("If-None-Match", "*"));

        Assert.Equal("precondition_failed", again.GetProperty("code").GetString());
        Assert.Equal(2, (await _admin.JsonAsync(HttpMethod.Get, "/api/manage/aliases/once")).GetProperty("targets").GetArrayLength());
    }

    [Fact]
    public async Task Put_SeededAliasWithoutVersionRow_IfMatchOfItsEtagWorksOnce()
    {
        await _host.Gateway.SeedAsync("seeded", "primary", "dep-chat");
        var etag = (await _admin.JsonAsync(HttpMethod.Get, "/api/manage/aliases/seeded")).GetProperty("etag").GetString()!;

        await _admin.JsonAsync(HttpMethod.Put, "/api/manage/aliases/seeded", """{"targets":[{"name":"primary","deployment":"dep-2"}]}""", HttpStatusCode.OK, ("If-Match", etag));
        await _admin.ErrorAsync(HttpMethod.Put, "/api/manage/aliases/seeded", """{"targets":[{"name":"primary","deployment":"dep-3"}]}""", HttpStatusCode.PreconditionFailed, ("If-Match", etag));

        Assert.Equal(AliasPartition.UnversionedETag, etag);
    }

    public static TheoryData<string, string> InvalidDefinitions() => new()
    {
        { """{"targets":[]}""", "targets: must hold 1 to 64 targets" },
        { "{\"targets\":[" + string.Join(',', Enumerable.Range(0, 65).Select(i => $$"""{"name":"t{{i}}","deployment":"d"}""")) + "]}", "targets: must hold 1 to 64 targets; got 65" },
        { """{"targets":[{"name":"a/b","deployment":"d"}]}""", "targets[0].name" },
        { """{"targets":[{"name":"$version","deployment":"d"}]}""", "targets[0].name" },
        { """{"targets":[{"name":"a","deployment":"d"},{"name":"A","deployment":"d"}]}""", "targets[1].name: 'A' names another target" },
        { """{"targets":[{"name":"a","deployment":"  "}]}""", "targets[0].deployment" },
        { """{"targets":[{"name":"a"}]}""", "targets[0].deployment" },
        { """{"targets":[{"name":"a","deployment":"d","endpoint":"nowhere"}]}""", "targets[0].endpoint: 'nowhere' is not an endpoint in settings" },
        { """{"targets":[{"name":"a","deployment":"d","priority":1.5}]}""", "targets[0].priority: must be a whole number" },
        { """{"targets":[{"name":"a","deployment":"d","weight":-1}]}""", "targets[0].weight: must be a whole number of zero or more" },
        { """{"targets":[{"name":"a","deployment":"d","enabled":"yes"}]}""", "targets[0].enabled: must be true or false" },
        { """{"targets":[{"name":"a","deployment":"d","Endpoint":"default"}]}""", "targets[0].Endpoint: unknown field" },
        { """{"targets":[{"name":"a","deployment":"d","price":{"inputPerMillion":1,"outputPerMillion":2}}]}""", "targets[0].price.cachedInputPerMillion" },
        { """{"targets":[{"name":"a","deployment":"d","price":{"inputPerMillion":-1,"cachedInputPerMillion":0,"outputPerMillion":2}}]}""", "targets[0].price.inputPerMillion" },
        { """{"target":[]}""", "target: unknown field" },
        { """[1]""", "body: must be a JSON object" },
    };

    [Theory]
    [MemberData(nameof(InvalidDefinitions))]
    public async Task Put_InvalidDefinition_400InvalidAliasNamingTheFieldAndNothingWritten(string body, string expected)
    {
        var error = await _admin.ErrorAsync(HttpMethod.Put, "/api/manage/aliases/invalid", body, HttpStatusCode.BadRequest);

        Assert.Equal("invalid_alias", error.GetProperty("code").GetString());
        Assert.Contains(expected, error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Empty(await _host.Gateway.Aliases.QueryAsync<TableEntity>(e => e.PartitionKey == "invalid").ToListAsync());
    }

    [Fact]
    public async Task Put_SeveralBadFields_AllNamedInOneAnswer()
    {
        var error = await _admin.ErrorAsync(
            HttpMethod.Put,
            "/api/manage/aliases/bad%20name",
            """{"targets":[{"name":"a","deployment":"","endpoint":"nowhere","weight":"x"}]}""",
            HttpStatusCode.BadRequest);

        var message = error.GetProperty("message").GetString()!;
        foreach (var field in new[] { "alias:", "targets[0].deployment", "targets[0].endpoint", "targets[0].weight" })
        {
            Assert.Contains(field, message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Put_NotJson_400InvalidJson()
    {
        var error = await _admin.ErrorAsync(HttpMethod.Put, "/api/manage/aliases/x", "{not json", HttpStatusCode.BadRequest);

        Assert.Equal("invalid_json", error.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Put_TransactionFails_OldTargetsRemainAndTheGatewayRoutesToThem()
    {
        await _admin.JsonAsync(HttpMethod.Put, "/api/manage/aliases/atomic", TwoTargets, HttpStatusCode.Created);
        var before = await _admin.JsonAsync(HttpMethod.Get, "/api/manage/aliases/atomic");
        var table = new FailingTransactionTableClient(_host.Gateway.Aliases);
        var catalog = _host.Gateway.Services.GetRequiredService<IAliasCatalog>();
        var operations = new AliasOperations(
            new AliasRowStore(table),
            new AuditStore(fixture.Azurite.CreateServiceClient().GetTableClient(fixture.Azurite.CreateTableName("audit"))),
            ["default", "oai", "dead"],
            catalog,
            TimeProvider.System,
            NullLogger.Instance);
        using var definition = JsonDocument.Parse("""{"targets":[{"name":"primary","deployment":"dep-embed"},{"name":"third","deployment":"dep-embed"}]}""");

        var error = await Assert.ThrowsAsync<ManagementException>(() =>
            operations.SetAsync("atomic", definition.RootElement, WriteCondition.None, new ManagementActor("test", "r1"), CancellationToken.None));
        catalog.Invalidate();
        using var chat = await _host.ChatAsync("atomic", ("api-key", _admin.Key));

        Assert.True(table.Submitted);
        Assert.Equal(FunctionsRouter.Gateway.Errors.GatewayErrorCode.Conflict, error.Error.Code);
        var after = await _admin.JsonAsync(HttpMethod.Get, "/api/manage/aliases/atomic");
        Assert.Equal(before.GetRawText(), after.GetRawText());
        Assert.Equal(HttpStatusCode.OK, chat.StatusCode);
        Assert.Equal("dep-chat", fixture.Upstream.Received.Last().Model);
    }

    [Fact]
    public async Task Delete_RemovesEveryRowAtOnceThen404()
    {
        await _admin.JsonAsync(HttpMethod.Put, "/api/manage/aliases/gone", TwoTargets, HttpStatusCode.Created);

        var deleted = await _admin.JsonAsync(HttpMethod.Delete, "/api/manage/aliases/gone");
        var again = await _admin.ErrorAsync(HttpMethod.Get, "/api/manage/aliases/gone", null, HttpStatusCode.NotFound);
        using var chat = await _host.ChatAsync("gone", ("api-key", _admin.Key));

        Assert.Equal(2, deleted.GetProperty("targetsDeleted").GetInt32());
        Assert.Equal("alias_not_found", again.GetProperty("code").GetString());
        Assert.Empty(await _host.Gateway.Aliases.QueryAsync<TableEntity>(e => e.PartitionKey == "gone").ToListAsync());
        Assert.Equal(HttpStatusCode.NotFound, chat.StatusCode);
    }

    [Fact]
    public async Task History_RecordsWhoWhenRequestAndBeforeAfterNewestFirstPaged()
    {
        await _admin.JsonAsync(HttpMethod.Put, "/api/manage/aliases/audited", TwoTargets, HttpStatusCode.Created, ("x-request-id", "audit-1"));
        await _admin.JsonAsync(HttpMethod.Put, "/api/manage/aliases/audited", """{"targets":[{"name":"only","deployment":"dep-embed"}]}""", HttpStatusCode.OK, ("x-request-id", "audit-2"));
        await _admin.JsonAsync(HttpMethod.Delete, "/api/manage/aliases/audited", null, HttpStatusCode.OK, ("x-request-id", "audit-3"));

        var first = await _admin.JsonAsync(HttpMethod.Get, "/api/manage/aliases/audited/history?pageSize=2");
        var token = first.GetProperty("continuationToken").GetString()!;
        var second = await _admin.JsonAsync(HttpMethod.Get, "/api/manage/aliases/audited/history?pageSize=2&continuationToken=" + Uri.EscapeDataString(token));

        var entries = first.GetProperty("entries").EnumerateArray().Concat(second.GetProperty("entries").EnumerateArray()).ToList();
        Assert.Equal(["audit-3", "audit-2", "audit-1"], entries.Select(e => e.GetProperty("requestId").GetString()));
        Assert.Equal(["delete", "set", "set"], entries.Select(e => e.GetProperty("action").GetString()));
        Assert.All(entries, e => Assert.Equal("key:" + _admin.Id, e.GetProperty("who").GetString()));
        Assert.False(entries[2].TryGetProperty("before", out _));
        Assert.Equal(2, entries[2].GetProperty("after").GetArrayLength());
        Assert.Equal(["primary", "backup"], entries[1].GetProperty("before").EnumerateArray().Select(t => t.GetProperty("name").GetString()));
        Assert.Equal(["only"], entries[1].GetProperty("after").EnumerateArray().Select(t => t.GetProperty("name").GetString()));
        Assert.False(entries[0].TryGetProperty("after", out _));
        Assert.True(entries[0].GetProperty("at").GetDateTimeOffset() >= entries[2].GetProperty("at").GetDateTimeOffset());
        Assert.False(second.TryGetProperty("continuationToken", out _));
    }

    [Fact]
    public async Task Get_MalformedRowWrittenByHand_ListedUnderProblemsNotFailing()
    {
        await _host.Gateway.SeedAsync("handmade", "good", "dep-chat");
        await _host.Gateway.Aliases.UpsertEntityAsync(new TableEntity("handmade", "typo") { ["Deployment"] = "dep-x", ["Weight"] = "lots" });
        await _host.Gateway.Aliases.UpsertEntityAsync(new TableEntity("handmade", "elsewhere") { ["Deployment"] = "dep-y", ["Endpoint"] = "defualt" });

        var shown = await _admin.JsonAsync(HttpMethod.Get, "/api/manage/aliases/handmade");
        var list = await _admin.JsonAsync(HttpMethod.Get, "/api/manage/aliases");

        Assert.Equal(["good"], shown.GetProperty("targets").EnumerateArray().Select(t => t.GetProperty("name").GetString()));
        var problems = shown.GetProperty("problems").EnumerateArray().ToDictionary(p => p.GetProperty("row").GetString()!, p => p.GetProperty("problem").GetString()!);
        Assert.Contains("Weight", problems["typo"], StringComparison.Ordinal);
        Assert.Contains("defualt", problems["elsewhere"], StringComparison.Ordinal);
        Assert.Equal(2, list.GetProperty("aliases").EnumerateArray().Single(a => a.GetProperty("alias").GetString() == "handmade").GetProperty("problems").GetArrayLength());
    }

    [Fact]
    public async Task Get_UnknownAlias_404AliasNotFound()
    {
        var error = await _admin.ErrorAsync(HttpMethod.Get, "/api/manage/aliases/never-made", null, HttpStatusCode.NotFound);

        Assert.Equal("alias_not_found", error.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Put_DifferentCaseOfAnExistingAlias_ReplacesThatAliasNotASecondOne()
    {
        await _host.Gateway.SeedAsync("casey", "primary", "dep-chat");

        var written = await _admin.JsonAsync(HttpMethod.Put, "/api/manage/aliases/CASEY", """{"targets":[{"name":"primary","deployment":"dep-embed"}]}""");

        Assert.Equal("casey", written.GetProperty("alias").GetString());
        Assert.Empty(await _host.Gateway.Aliases.QueryAsync<TableEntity>(e => e.PartitionKey == "CASEY").ToListAsync());
    }

    [Fact]
    public async Task Deployments_ListsEveryTargetWithItsHealth()
    {
        await _admin.JsonAsync(HttpMethod.Put, "/api/manage/aliases/deployed", TwoTargets, HttpStatusCode.Created);

        var json = await _admin.JsonAsync(HttpMethod.Get, "/api/manage/deployments");

        var rows = json.GetProperty("deployments").EnumerateArray().Where(d => d.GetProperty("alias").GetString() == "deployed").ToList();
        Assert.Equal(["primary", "backup"], rows.Select(r => r.GetProperty("target").GetString()));
        Assert.Equal("oai", rows[1].GetProperty("endpoint").GetString());
        Assert.False(rows[1].GetProperty("enabled").GetBoolean());
        Assert.All(rows, r => Assert.False(r.GetProperty("outOfRotation").GetBoolean()));
    }

    /// <summary>The real alias table, but every transaction carries one more action that fails (a row that is not there): the whole transaction must fail.</summary>
    private sealed class FailingTransactionTableClient(TableClient inner) : TableClient
    {
        public bool Submitted { get; private set; }

        public override string Name => inner.Name;

        public override AsyncPageable<T> QueryAsync<T>(string? filter = null, int? maxPerPage = null, IEnumerable<string>? select = null, CancellationToken cancellationToken = default) =>
            inner.QueryAsync<T>(filter, maxPerPage, select, cancellationToken);

        public override Task<Response<Azure.Data.Tables.Models.TableItem>> CreateIfNotExistsAsync(CancellationToken cancellationToken = default) =>
            inner.CreateIfNotExistsAsync(cancellationToken);

        public override Task<Response<IReadOnlyList<Response>>> SubmitTransactionAsync(IEnumerable<TableTransactionAction> transactionActions, CancellationToken cancellationToken = default)
        {
            Submitted = true;
            var actions = transactionActions.ToList();
            actions.Add(new TableTransactionAction(TableTransactionActionType.UpdateReplace, new TableEntity(actions[0].Entity.PartitionKey, "not-there") { ["Deployment"] = "x" }, ETag.All));
            return inner.SubmitTransactionAsync(actions, cancellationToken);
        }
    }
}
