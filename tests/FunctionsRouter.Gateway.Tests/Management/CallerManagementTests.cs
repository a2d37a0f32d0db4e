using System.Net;
using FunctionsRouter.Gateway.Callers;
using FunctionsRouter.Gateway.Tests.Callers;
using FunctionsRouter.Gateway.Tests.Integration;

namespace FunctionsRouter.Gateway.Tests.Management;

/// <summary>The caller routes over real HTTP against Azurite, as an admin: the same operations as <c>callers …</c>.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class CallerManagementTests(IntegrationFixture fixture) : IAsyncLifetime
{
    private AdmissionHost _host = null!;
    private ManagementClient _admin = null!;

    public async Task InitializeAsync()
    {
        _host = await AdmissionHost.StartAsync(fixture);
        _admin = await ManagementClient.CreateAsync(_host);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Create_KeyInTheAnswerOnceAndItWorks_NeverInListOrGet()
    {
        var created = await _admin.JsonAsync(HttpMethod.Post, "/api/manage/callers", """{"name":"svc","aliases":["fast"],"expiresAt":"2099-01-01"}""", HttpStatusCode.Created);
        var id = created.GetProperty("id").GetString()!;
        var key = created.GetProperty("key").GetString()!;

        using var list = await _admin.SendAsync(HttpMethod.Get, "/api/manage/callers");
        using var get = await _admin.SendAsync(HttpMethod.Get, "/api/manage/callers/" + id);
        var listText = await list.Content.ReadAsStringAsync();
        var getText = await get.Content.ReadAsStringAsync();
        using var chat = await _host.ChatAsync("fast", ("api-key", key));

        Assert.True(CallerKeys.IsWellFormed(key));
        Assert.Equal(HttpStatusCode.OK, chat.StatusCode);
        foreach (var text in new[] { listText, getText })
        {
            Assert.DoesNotContain(key, text, StringComparison.Ordinal);
            Assert.DoesNotContain(CallerKeys.Hash(key).ToHex(), text, StringComparison.Ordinal);
        }

        Assert.Contains("\"id\":\"" + id + "\"", listText, StringComparison.Ordinal);
        using var shown = System.Text.Json.JsonDocument.Parse(getText);
        Assert.Equal(CallerKeys.DisplayPrefix(key), Assert.Single(shown.RootElement.GetProperty("keys").EnumerateArray()).GetProperty("prefix").GetString());
        Assert.Equal(new DateTimeOffset(2099, 1, 1, 0, 0, 0, TimeSpan.Zero), shown.RootElement.GetProperty("expiresAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task Update_NameAliasesExpiryAdmin_ChangesOnlyThoseAndIsAudited()
    {
        var id = (await _admin.JsonAsync(HttpMethod.Post, "/api/manage/callers", """{"name":"svc","aliases":"fast"}""", HttpStatusCode.Created)).GetProperty("id").GetString()!;

        var updated = await _admin.JsonAsync(HttpMethod.Patch, "/api/manage/callers/" + id, """{"name":"renamed","aliases":"*","expiresAt":"2098-05-06T07:08:09Z","admin":true}""", HttpStatusCode.OK, ("x-request-id", "upd-1"));
        var cleared = await _admin.JsonAsync(HttpMethod.Patch, "/api/manage/callers/" + id, """{"expiresAt":null}""");
        var history = await _admin.JsonAsync(HttpMethod.Get, $"/api/manage/callers/{id}/history");

        Assert.Equal("renamed", updated.GetProperty("name").GetString());
        Assert.Equal(["*"], updated.GetProperty("aliases").EnumerateArray().Select(a => a.GetString()));
        Assert.True(updated.GetProperty("admin").GetBoolean());
        Assert.Equal(new DateTimeOffset(2098, 5, 6, 7, 8, 9, TimeSpan.Zero), updated.GetProperty("expiresAt").GetDateTimeOffset());
        Assert.False(cleared.TryGetProperty("expiresAt", out _));
        Assert.Equal("renamed", cleared.GetProperty("name").GetString());
        var entries = history.GetProperty("entries").EnumerateArray().ToList();
        Assert.Equal(["update", "update", "create"], entries.Select(e => e.GetProperty("action").GetString()));
        Assert.Equal("upd-1", entries[1].GetProperty("requestId").GetString());
        Assert.Equal("svc", entries[1].GetProperty("before").GetProperty("name").GetString());
        Assert.Equal("renamed", entries[1].GetProperty("after").GetProperty("name").GetString());
        Assert.All(entries, e => Assert.Equal("key:" + _admin.Id, e.GetProperty("who").GetString()));
    }

    [Fact]
    public async Task Update_Limits_ReplacedWholeShownAndRemovedWithNull()
    {
        var id = (await _admin.JsonAsync(HttpMethod.Post, "/api/manage/callers", """{"name":"svc","aliases":"fast"}""", HttpStatusCode.Created)).GetProperty("id").GetString()!;

        var limited = await _admin.JsonAsync(HttpMethod.Patch, "/api/manage/callers/" + id, """{"limits":{"rpm":60,"aliases":{"fast":{"tpm":1000}}}}""");
        var bad = await _admin.JsonAsync(HttpMethod.Patch, "/api/manage/callers/" + id, """{"limits":{"rpm":-1}}""", HttpStatusCode.BadRequest);
        var removed = await _admin.JsonAsync(HttpMethod.Patch, "/api/manage/callers/" + id, """{"limits":null}""");

        Assert.Equal("""{"rpm":60,"aliases":{"fast":{"tpm":1000}}}""", limited.GetProperty("limits").GetRawText());
        Assert.Contains("limits:", bad.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("{}", removed.GetProperty("limits").GetRawText());
    }

    [Fact]
    public async Task DisableEnable_RefusesThenAdmitsTheCallersKey_AtOnceOnThisInstance()
    {
        var created = await _admin.JsonAsync(HttpMethod.Post, "/api/manage/callers", """{"name":"svc","aliases":"*"}""", HttpStatusCode.Created);
        var id = created.GetProperty("id").GetString()!;
        var key = created.GetProperty("key").GetString()!;

        using var before = await _host.ChatAsync("fast", ("api-key", key)); // Its key and row now cached here.
        var disabled = await _admin.JsonAsync(HttpMethod.Post, $"/api/manage/callers/{id}/disable");
        using var refused = await _host.ChatAsync("fast", ("api-key", key)); // At once: this instance dropped what it held.
        var enabled = await _admin.JsonAsync(HttpMethod.Post, $"/api/manage/callers/{id}/enable");
        using var admitted = await _host.ChatAsync("fast", ("api-key", key));

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.False(disabled.GetProperty("enabled").GetBoolean());
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.True(enabled.GetProperty("enabled").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
    }

    [Fact]
    public async Task Rotate_NewKeyWorksOldStopsAtOnceOrAfterTheGrace_EvenWhenCachedHere()
    {
        var created = await _admin.JsonAsync(HttpMethod.Post, "/api/manage/callers", """{"name":"svc","aliases":"*"}""", HttpStatusCode.Created);
        var id = created.GetProperty("id").GetString()!;
        var first = created.GetProperty("key").GetString()!;

        var graced = await _admin.JsonAsync(HttpMethod.Post, $"/api/manage/callers/{id}/rotate", """{"graceSeconds":3600}""");
        var second = graced.GetProperty("key").GetString()!;
        using var firstDuringGrace = await _host.ChatAsync("fast", ("api-key", first));
        using var secondBefore = await _host.ChatAsync("fast", ("api-key", second)); // Cached here: the rotation below must drop it.
        var atOnce = await _admin.JsonAsync(HttpMethod.Post, $"/api/manage/callers/{id}/rotate");
        var third = atOnce.GetProperty("key").GetString()!;
        using var secondAfter = await _host.ChatAsync("fast", ("api-key", second));
        using var thirdWorks = await _host.ChatAsync("fast", ("api-key", third));

        Assert.Equal(1, graced.GetProperty("replacedKeys").GetInt32());
        Assert.True(graced.TryGetProperty("replacedKeysExpireAt", out _));
        Assert.Equal(HttpStatusCode.OK, firstDuringGrace.StatusCode);
        Assert.Equal(HttpStatusCode.OK, secondBefore.StatusCode);
        Assert.Equal(2, atOnce.GetProperty("replacedKeys").GetInt32());
        Assert.False(atOnce.TryGetProperty("replacedKeysExpireAt", out _));
        Assert.Equal(HttpStatusCode.Unauthorized, secondAfter.StatusCode);
        Assert.Equal(HttpStatusCode.OK, thirdWorks.StatusCode);
        var history = await _admin.JsonAsync(HttpMethod.Get, $"/api/manage/callers/{id}/history");
        Assert.Equal(["rotate", "rotate", "create"], history.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("action").GetString()));
        Assert.DoesNotContain(second, history.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delete_RemovesCallerAndKeysThen404()
    {
        var id = (await _admin.JsonAsync(HttpMethod.Post, "/api/manage/callers", """{"name":"svc"}""", HttpStatusCode.Created)).GetProperty("id").GetString()!;

        var deleted = await _admin.JsonAsync(HttpMethod.Delete, "/api/manage/callers/" + id);
        var missing = await _admin.ErrorAsync(HttpMethod.Get, "/api/manage/callers/" + id, null, HttpStatusCode.NotFound);

        Assert.Equal(1, deleted.GetProperty("keysDeleted").GetInt32());
        Assert.Equal("caller_not_found", missing.GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("""{"aliases":"*"}""", "name: required")]
    [InlineData("""{"name":""}""", "name:")]
    [InlineData("""{"name":"x","aliases":"bad/alias"}""", "aliases:")]
    [InlineData("""{"name":"x","expiresAt":"soon"}""", "expiresAt:")]
    [InlineData("""{"name":"x","admin":"yes"}""", "admin: must be true or false")]
    [InlineData("""{"name":"x","key":"frk_mine"}""", "key: unknown field")]
    public async Task Create_InvalidBody_400InvalidCallerNamingTheField(string body, string expected)
    {
        var error = await _admin.ErrorAsync(HttpMethod.Post, "/api/manage/callers", body, HttpStatusCode.BadRequest);

        Assert.Equal("invalid_caller", error.GetProperty("code").GetString());
        Assert.Contains(expected, error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rotate_EntraGrant_400InvalidCaller()
    {
        await _host.Gateway.RegisterEntraAsync(CallerKind.Role, "Router.Chat");

        var error = await _admin.ErrorAsync(HttpMethod.Post, "/api/manage/callers/role-Router.Chat/rotate", null, HttpStatusCode.BadRequest);

        Assert.Equal("invalid_caller", error.GetProperty("code").GetString());
    }
}
