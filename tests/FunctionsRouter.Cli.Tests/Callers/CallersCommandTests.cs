using System.Text.Json;
using System.Text.RegularExpressions;
using Azure.Data.Tables;
using FunctionsRouter.Cli.CommandLine;
using FunctionsRouter.Gateway.Callers;
using FunctionsRouter.Testing;
using Microsoft.Extensions.Time.Testing;

namespace FunctionsRouter.Cli.Tests.Callers;

[Collection(AzuriteCollection.Name)]
public sealed partial class CallersCommandTests(AzuriteFixture azurite)
{
    private readonly string _tableName = azurite.CreateTableName("callers");

    private CallerTableRows Rows => new(azurite.CreateServiceClient(), _tableName);

    [Fact]
    public async Task Create_Json_PrintsIdNameAndAKeyStoredOnlyAsItsHash()
    {
        var run = await RunAsync("create", "--name", "my-service", "--aliases", "chat-default,Embed-Small", "--json");

        Assert.True(run.ExitCode == CliExitCodes.Succeeded, run.ToString());
        using var json = JsonDocument.Parse(run.Output);
        Assert.Equal(["id", "name", "key"], json.RootElement.EnumerateObject().Select(p => p.Name));
        var id = json.RootElement.GetProperty("id").GetString()!;
        var key = json.RootElement.GetProperty("key").GetString()!;
        Assert.Matches(KeyCallerId(), id);
        Assert.Equal("my-service", json.RootElement.GetProperty("name").GetString());
        Assert.True(CallerKeys.IsWellFormed(key));

        var caller = await Rows.CallerAsync(id);
        Assert.Equal(CallerKind.Key, caller.Kind);
        Assert.Equal("my-service", caller.Name);
        Assert.True(caller.IsActive(DateTimeOffset.UtcNow));
        Assert.Null(caller.Subject);
        Assert.Equal(["chat-default", "Embed-Small"], caller.Aliases.Aliases.Order(StringComparer.OrdinalIgnoreCase));
        var keyRow = Assert.Single(await Rows.KeyRowsAsync());
        Assert.Equal(CallerKeys.Hash(key).ToHex(), keyRow.RowKey);
        Assert.Equal(id, keyRow.GetString(CallerTable.CallerIdColumn));
        Assert.Equal(CallerKeys.DisplayPrefix(key), keyRow.GetString(CallerTable.PrefixColumn));
        Assert.Null(keyRow.GetDateTimeOffset(CallerTable.ExpiresAtColumn));
        Assert.Equal(2, (await Rows.AllAsync()).Count);
        await Rows.AssertNoRowContainsAsync(key);
        Assert.DoesNotContain(key, run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_Text_PrintsTheKeyOnceOnStdoutOnly()
    {
        var run = await RunAsync("create", "--name", "reporting");

        Assert.True(run.ExitCode == CliExitCodes.Succeeded, run.ToString());
        var key = Assert.Single(KeyPattern().Matches(run.Output)).Value;
        Assert.True(CallerKeys.IsWellFormed(key));
        Assert.Contains("shown only this once", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(key, run.Error, StringComparison.Ordinal);
        await Rows.AssertNoRowContainsAsync(key);
    }

    [Fact]
    public async Task Create_NoAliases_GrantsNone()
    {
        var id = await CreateAsync("no-grant");

        var caller = await Rows.CallerAsync(id);

        Assert.False(caller.Aliases.IsAll);
        Assert.Empty(caller.Aliases.Aliases);
        Assert.False(caller.Aliases.Allows("chat-default"));
    }

    [Fact]
    public async Task Create_PastExpiry_StoresAnExpiredCaller()
    {
        var id = await CreateAsync("expired", "--expires", "2020-01-02");

        var shown = await RunJsonAsync("show", id);

        Assert.Equal(new DateTimeOffset(2020, 1, 2, 0, 0, 0, TimeSpan.Zero), (await Rows.CallerAsync(id)).ExpiresAt);
        Assert.False((await Rows.CallerAsync(id)).IsActive(DateTimeOffset.UtcNow));
        Assert.False(shown.GetProperty("active").GetBoolean());
        Assert.True(shown.GetProperty("enabled").GetBoolean());
    }

    [Fact]
    public async Task Create_ExpiryWithOffset_IsStoredInUtc()
    {
        var id = await CreateAsync("offset", "--expires", "2030-06-01T12:00:00+02:00");

        Assert.Equal(new DateTimeOffset(2030, 6, 1, 10, 0, 0, TimeSpan.Zero), (await Rows.CallerAsync(id)).ExpiresAt);
    }

    [Fact]
    public async Task Create_AllAliases_GrantsEvery()
    {
        var id = await CreateAsync("all", "--aliases", "*");

        var shown = await RunJsonAsync("show", id);

        Assert.True((await Rows.CallerAsync(id)).Aliases.IsAll);
        Assert.Equal(["*"], shown.GetProperty("aliases").EnumerateArray().Select(a => a.GetString()));
    }

    [Fact]
    public async Task List_Json_ListsEveryCallerWithoutKeysOrHashes()
    {
        var first = await RunJsonAsync("create", "--name", "first", "--aliases", "a");
        var second = await RunJsonAsync("create", "--name", "second", "--aliases", "*");
        await RunJsonAsync("add-role", "--role", "Router.Chat", "--aliases", "a,b");

        var run = await RunAsync("list", "--json");

        Assert.True(run.ExitCode == CliExitCodes.Succeeded, run.ToString());
        using var json = JsonDocument.Parse(run.Output);
        var callers = json.RootElement.GetProperty("callers").EnumerateArray().ToList();
        Assert.Equal(
            new[] { first.GetProperty("id").GetString(), second.GetProperty("id").GetString(), "role-Router.Chat" }.Order(StringComparer.Ordinal),
            callers.Select(c => c.GetProperty("id").GetString()).Order(StringComparer.Ordinal));
        Assert.Equal("role", callers.Single(c => c.GetProperty("id").GetString() == "role-Router.Chat").GetProperty("kind").GetString());
        Assert.All(callers, c => Assert.False(c.TryGetProperty("keys", out _)));
        foreach (var key in new[] { first, second }.Select(c => c.GetProperty("key").GetString()!))
        {
            Assert.DoesNotContain(key, run.Output, StringComparison.Ordinal);
            Assert.DoesNotContain(CallerKeys.Hash(key).ToHex(), run.Output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task List_Text_OneLinePerCaller()
    {
        await CreateAsync("first");
        await CreateAsync("second");

        var run = await RunAsync("list");

        Assert.True(run.ExitCode == CliExitCodes.Succeeded, run.ToString());
        Assert.Equal(2, run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains("'first'", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_NoTableYet_IsEmptyAndCreatesNothing()
    {
        var json = await RunJsonAsync("list");

        Assert.Empty(json.GetProperty("callers").EnumerateArray());
        Assert.False(await Rows.TableExistsAsync());
    }

    [Fact]
    public async Task Show_KeyCaller_ShowsKeyPrefixesAndDatesNeverHashes()
    {
        var created = await RunJsonAsync("create", "--name", "svc", "--aliases", "a");
        var id = created.GetProperty("id").GetString()!;
        var key = created.GetProperty("key").GetString()!;

        var run = await RunAsync("show", id, "--json");

        Assert.True(run.ExitCode == CliExitCodes.Succeeded, run.ToString());
        using var json = JsonDocument.Parse(run.Output);
        Assert.Equal(id, json.RootElement.GetProperty("id").GetString());
        Assert.Equal("key", json.RootElement.GetProperty("kind").GetString());
        Assert.Equal("svc", json.RootElement.GetProperty("name").GetString());
        var shownKey = Assert.Single(json.RootElement.GetProperty("keys").EnumerateArray());
        Assert.Equal(CallerKeys.DisplayPrefix(key), shownKey.GetProperty("prefix").GetString());
        Assert.True(shownKey.GetProperty("active").GetBoolean());
        Assert.True(shownKey.TryGetProperty("createdAt", out _));
        Assert.DoesNotContain(key, run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(CallerKeys.Hash(key).ToHex(), run.Output, StringComparison.Ordinal);

        var text = await RunAsync("show", id);
        Assert.Contains(CallerKeys.DisplayPrefix(key), text.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(CallerKeys.Hash(key).ToHex(), text.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Grant_Aliases_ReplacesTheEarlierOnes()
    {
        var id = await CreateAsync("svc", "--aliases", "a,b");

        var json = await RunJsonAsync("grant", id, "--aliases", "c");

        Assert.Equal(["c"], json.GetProperty("aliases").EnumerateArray().Select(a => a.GetString()));
        var caller = await Rows.CallerAsync(id);
        Assert.Equal(["c"], caller.Aliases.Aliases);
        Assert.False(caller.Aliases.Allows("a"));
        Assert.Equal("svc", caller.Name);
    }

    [Fact]
    public async Task Grant_Star_AllowsEveryAlias()
    {
        var id = await CreateAsync("svc", "--aliases", "a");

        await RunJsonAsync("grant", id, "--aliases", "*");

        Assert.True((await Rows.CallerAsync(id)).Aliases.IsAll);
    }

    [Fact]
    public async Task Grant_EmptyList_GrantsNone()
    {
        var id = await CreateAsync("svc", "--aliases", "a");

        var json = await RunJsonAsync("grant", id, "--aliases", "");

        Assert.Empty(json.GetProperty("aliases").EnumerateArray());
        Assert.False((await Rows.CallerAsync(id)).Aliases.Allows("a"));
    }

    [Fact]
    public async Task DisableThenEnable_FlipsTheEnabledFlagOnly()
    {
        var id = await CreateAsync("svc", "--aliases", "a");

        var disabled = await RunJsonAsync("disable", id);
        var afterDisable = await Rows.CallerAsync(id);
        var enabled = await RunJsonAsync("enable", id);
        var afterEnable = await Rows.CallerAsync(id);

        Assert.False(disabled.GetProperty("enabled").GetBoolean());
        Assert.False(disabled.GetProperty("active").GetBoolean());
        Assert.False(afterDisable.Enabled);
        Assert.True(enabled.GetProperty("enabled").GetBoolean());
        Assert.True(afterEnable.Enabled);
        Assert.Equal(["a"], afterEnable.Aliases.Aliases);
        Assert.Single(await Rows.KeyRowsAsync());
    }

    [Fact]
    public async Task Rotate_WithoutGrace_DeletesTheOldKeyRowAndStoresTheNew()
    {
        var created = await RunJsonAsync("create", "--name", "svc", "--aliases", "a");
        var id = created.GetProperty("id").GetString()!;
        var oldKey = created.GetProperty("key").GetString()!;

        var rotated = await RunJsonAsync("rotate", id);

        var newKey = rotated.GetProperty("key").GetString()!;
        Assert.Equal(id, rotated.GetProperty("id").GetString());
        Assert.Equal("svc", rotated.GetProperty("name").GetString());
        Assert.True(CallerKeys.IsWellFormed(newKey));
        Assert.NotEqual(oldKey, newKey);
        var keyRow = Assert.Single(await Rows.KeyRowsAsync());
        Assert.Equal(CallerKeys.Hash(newKey).ToHex(), keyRow.RowKey);
        Assert.Null(keyRow.GetDateTimeOffset(CallerTable.ExpiresAtColumn));
        await Rows.AssertNoRowContainsAsync(newKey);
    }

    [Theory]
    [InlineData("1h", 3600)]
    [InlineData("30m", 1800)]
    [InlineData("90s", 90)]
    [InlineData("2d", 172800)]
    [InlineData("01:00:00", 3600)]
    public async Task Rotate_WithGrace_OldKeyRowExpiresAfterIt(string grace, int seconds)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 4, 5, 6, 7, TimeSpan.Zero));
        var created = await RunJsonAsync(time, "create", "--name", "svc", "--aliases", "a");
        var id = created.GetProperty("id").GetString()!;
        var oldKey = created.GetProperty("key").GetString()!;
        time.Advance(TimeSpan.FromMinutes(5));

        var rotated = await RunJsonAsync(time, "rotate", id, "--grace", grace);

        var newKey = rotated.GetProperty("key").GetString()!;
        var until = time.GetUtcNow() + TimeSpan.FromSeconds(seconds);
        var rows = await Rows.KeyRowsAsync();
        Assert.Equal(2, rows.Count);
        var oldRow = rows.Single(r => r.RowKey == CallerKeys.Hash(oldKey).ToHex());
        var newRow = rows.Single(r => r.RowKey == CallerKeys.Hash(newKey).ToHex());
        Assert.Equal(until, oldRow.GetDateTimeOffset(CallerTable.ExpiresAtColumn));
        Assert.Null(newRow.GetDateTimeOffset(CallerTable.ExpiresAtColumn));
        Assert.Equal(until, rotated.GetProperty("replacedKeysExpireAt").GetDateTimeOffset());
        Assert.Equal(1, rotated.GetProperty("replacedKeys").GetInt32());
        await Rows.AssertNoRowContainsAsync(oldKey);
        await Rows.AssertNoRowContainsAsync(newKey);
    }

    [Fact]
    public async Task Rotate_GraceLongerThanAnEarlierExpiry_KeepsTheEarlierExpiry()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 4, 5, 6, 7, TimeSpan.Zero));
        var created = await RunJsonAsync(time, "create", "--name", "svc", "--aliases", "a");
        var id = created.GetProperty("id").GetString()!;
        var oldKey = created.GetProperty("key").GetString()!;
        await RunJsonAsync(time, "rotate", id, "--grace", "1h");

        await RunJsonAsync(time, "rotate", id, "--grace", "2d");

        var oldRow = (await Rows.KeyRowsAsync()).Single(r => r.RowKey == CallerKeys.Hash(oldKey).ToHex());
        Assert.Equal(time.GetUtcNow().AddHours(1), oldRow.GetDateTimeOffset(CallerTable.ExpiresAtColumn));
        Assert.Equal(3, (await Rows.KeyRowsAsync()).Count);
    }

    [Fact]
    public async Task Rotate_EntraGrant_IsRefusedAndWritesNothing()
    {
        await RunJsonAsync("add-role", "--role", "Router.Chat", "--aliases", "a");

        var run = await RunAsync("rotate", "role-Router.Chat");

        Assert.Equal(CliExitCodes.InvalidArguments, run.ExitCode);
        Assert.Contains("holds no keys", run.Error, StringComparison.Ordinal);
        Assert.Empty(await Rows.KeyRowsAsync());
    }

    [Fact]
    public async Task Delete_CallerWithKeys_RemovesTheCallerAndEveryKeyRow()
    {
        var keep = await CreateAsync("keep", "--aliases", "a");
        var id = await CreateAsync("svc", "--aliases", "a");
        await RunJsonAsync("rotate", id, "--grace", "1h");

        var json = await RunJsonAsync("delete", id);

        Assert.Equal(id, json.GetProperty("id").GetString());
        Assert.True(json.GetProperty("deleted").GetBoolean());
        Assert.Equal(2, json.GetProperty("keysDeleted").GetInt32());
        var rows = await Rows.AllAsync();
        Assert.Equal(2, rows.Count);
        Assert.All(rows, row => Assert.True(row.RowKey == keep || row.GetString(CallerTable.CallerIdColumn) == keep));
    }

    [Fact]
    public async Task AddPrincipal_Row_IsReadByTheGatewayAsThatPrincipal()
    {
        var objectId = Guid.NewGuid();

        var json = await RunJsonAsync("add-principal", "--object-id", objectId.ToString("D").ToUpperInvariant(), "--name", "Ada", "--aliases", "a,b");

        var id = CallerTable.PrincipalId(objectId);
        Assert.Equal(id, json.GetProperty("id").GetString());
        Assert.Equal("principal", json.GetProperty("kind").GetString());
        var caller = await Rows.CallerAsync(id);
        Assert.Equal(CallerKind.Principal, caller.Kind);
        Assert.Equal(objectId.ToString("D"), caller.Subject);
        Assert.Equal("Ada", caller.Name);
        Assert.True(caller.Aliases.Allows("a") && caller.Aliases.Allows("B") && !caller.Aliases.Allows("c"));
        Assert.True(caller.IsActive(DateTimeOffset.UtcNow));
        Assert.Empty(await Rows.KeyRowsAsync());
    }

    [Fact]
    public async Task AddPrincipal_AlreadyRegistered_FailsAndKeepsTheFirstRow()
    {
        var objectId = Guid.NewGuid().ToString("D");
        await RunJsonAsync("add-principal", "--object-id", objectId, "--name", "Ada", "--aliases", "a");

        var run = await RunAsync("add-principal", "--object-id", objectId, "--name", "Eve", "--aliases", "*");

        Assert.Equal(CliExitCodes.Failed, run.ExitCode);
        Assert.Contains("already registered", run.Error, StringComparison.Ordinal);
        var caller = await Rows.CallerAsync(CallerTable.PrincipalId(Guid.Parse(objectId)));
        Assert.Equal("Ada", caller.Name);
        Assert.False(caller.Aliases.IsAll);
    }

    [Fact]
    public async Task AddRole_Row_IsReadByTheGatewayAsThatRole()
    {
        var json = await RunJsonAsync("add-role", "--role", "Router.Chat", "--aliases", "*");

        Assert.Equal(CallerTable.RoleId("Router.Chat"), json.GetProperty("id").GetString());
        var caller = await Rows.CallerAsync(CallerTable.RoleId("Router.Chat"));
        Assert.Equal(CallerKind.Role, caller.Kind);
        Assert.Equal("Router.Chat", caller.Subject);
        Assert.Equal("Router.Chat", caller.Name);
        Assert.True(caller.Aliases.IsAll);
    }

    [Fact]
    public async Task AddRole_Name_IsTheDisplayName()
    {
        await RunJsonAsync("add-role", "--role", "Router.Embed", "--aliases", "e", "--name", "Embedding users");

        Assert.Equal("Embedding users", (await Rows.CallerAsync("role-Router.Embed")).Name);
    }

    [Fact]
    public async Task Create_Admin_StoresAndShowsTheAdminFlag()
    {
        var id = await CreateAsync("ops", "--admin");

        var shown = await RunJsonAsync("show", id);
        var text = await RunAsync("show", id);

        Assert.True((await Rows.CallerAsync(id)).IsAdmin);
        Assert.True(shown.GetProperty("admin").GetBoolean());
        Assert.Contains("admin:   yes", text.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Admin_OnThenOff_ChangesOnlyTheAdminFlag()
    {
        var id = await CreateAsync("svc", "--aliases", "a");
        Assert.False((await Rows.CallerAsync(id)).IsAdmin);

        var on = await RunJsonAsync("admin", id, "--on");
        Assert.True(on.GetProperty("admin").GetBoolean());
        Assert.True((await Rows.CallerAsync(id)).IsAdmin);

        var off = await RunJsonAsync("admin", id, "--off");
        Assert.False(off.GetProperty("admin").GetBoolean());
        var caller = await Rows.CallerAsync(id);
        Assert.False(caller.IsAdmin);
        Assert.Equal(["a"], caller.Aliases.Aliases);
        Assert.True(caller.Enabled);
    }

    [Theory]
    [InlineData]
    [InlineData("--on", "--off")]
    public async Task Admin_NotExactlyOneOfOnOff_ExitsInvalidArguments(params string[] flags)
    {
        var id = await CreateAsync("svc");

        var run = await RunAsync(["admin", id, .. flags]);

        Assert.Equal(CliExitCodes.InvalidArguments, run.ExitCode);
        Assert.Contains("--on and --off", run.Error, StringComparison.Ordinal);
        Assert.False((await Rows.CallerAsync(id)).IsAdmin);
    }

    [Fact]
    public async Task History_CreateGrantRotate_RecordedNewestFirstWithoutKeys()
    {
        var created = await RunJsonAsync("create", "--name", "svc", "--aliases", "a");
        var id = created.GetProperty("id").GetString()!;
        await RunJsonAsync("grant", id, "--aliases", "b");
        var rotated = await RunJsonAsync("rotate", id);

        var run = await RunAsync("history", id, "--json");

        Assert.True(run.ExitCode == CliExitCodes.Succeeded, run.ToString());
        using var json = JsonDocument.Parse(run.Output);
        var entries = json.RootElement.GetProperty("entries").EnumerateArray().ToList();
        Assert.Equal(["rotate", "update", "create"], entries.Select(e => e.GetProperty("action").GetString()));
        Assert.StartsWith("cli:", entries[0].GetProperty("who").GetString(), StringComparison.Ordinal);
        Assert.Equal(["a"], entries[1].GetProperty("before").GetProperty("aliases").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal(["b"], entries[1].GetProperty("after").GetProperty("aliases").EnumerateArray().Select(a => a.GetString()));
        foreach (var key in new[] { created, rotated }.Select(k => k.GetProperty("key").GetString()!))
        {
            Assert.DoesNotContain(key, run.Output, StringComparison.Ordinal);
            Assert.DoesNotContain(CallerKeys.Hash(key).ToHex(), run.Output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AddPrincipal_Admin_RegistersAnAdminPrincipal()
    {
        var objectId = Guid.NewGuid();

        var json = await RunJsonAsync("add-principal", "--object-id", objectId.ToString("D"), "--name", "Ada", "--aliases", "*", "--admin");

        Assert.True(json.GetProperty("admin").GetBoolean());
        Assert.True((await Rows.CallerAsync(CallerTable.PrincipalId(objectId))).IsAdmin);
    }

    [Theory]
    [InlineData("show")]
    [InlineData("grant", "--aliases", "a")]
    [InlineData("disable")]
    [InlineData("enable")]
    [InlineData("delete")]
    [InlineData("rotate")]
    [InlineData("admin", "--on")]
    public async Task Command_UnknownCallerId_ExitsNotFoundAndWritesNothing(string command, params string[] rest)
    {
        var other = await CreateAsync("other", "--aliases", "a");
        var before = await Rows.AllAsync();

        var run = await RunAsync([command, "0123456789abcdef", .. rest]);

        Assert.Equal(CliExitCodes.NotFound, run.ExitCode);
        Assert.Contains("No caller has the id '0123456789abcdef'", run.Error, StringComparison.Ordinal);
        Assert.Empty(run.Output);
        var after = await Rows.AllAsync();
        Assert.Equal(before.Select(r => (r.RowKey, r.ETag)), after.Select(r => (r.RowKey, r.ETag)));
        Assert.Equal("other", (await Rows.CallerAsync(other)).Name);
    }

    [Theory]
    [InlineData("create")]
    [InlineData("create", "--name", "")]
    [InlineData("create", "--name", "x", "--aliases", "bad/alias")]
    [InlineData("create", "--name", "x", "--expires", "tomorrow")]
    [InlineData("create", "--name", "x", "--expires", "12/31/2030")]
    [InlineData("create", "--name", "x", "--bogus")]
    [InlineData("create", "--name", "x", "extra")]
    [InlineData("frobnicate")]
    [InlineData("list", "--name", "x")]
    [InlineData("show")]
    [InlineData("show", "bad id!")]
    [InlineData("grant", "abc")]
    [InlineData("grant", "abc", "--aliases", "a b")]
    [InlineData("disable", "../x")]
    [InlineData("rotate", "abc", "--grace", "soon")]
    [InlineData("rotate", "abc", "--grace", "400d")]
    [InlineData("rotate", "abc", "--grace", "-00:01:00")]
    [InlineData("add-principal", "--object-id", "not-a-guid", "--name", "x", "--aliases", "a")]
    [InlineData("add-principal", "--object-id", "6f1c2d7e-0000-4000-8000-000000000001", "--aliases", "a")]
    [InlineData("add-role", "--role", "has space", "--aliases", "a")]
    [InlineData("add-role", "--role", "r")]
    public async Task Command_BadArgument_ExitsOneWithAMessageAndWritesNothing(params string[] args)
    {
        var run = await RunAsync(args);

        Assert.True(run.ExitCode == CliExitCodes.InvalidArguments, run.ToString());
        Assert.NotEmpty(run.Error.Trim());
        Assert.Contains("Usage:", run.Error, StringComparison.Ordinal);
        Assert.Empty(run.Output);
        Assert.False(await Rows.TableExistsAsync());
    }

    [Fact]
    public async Task Grant_BadAlias_LeavesTheCallerUnchanged()
    {
        var id = await CreateAsync("svc", "--aliases", "a");
        var before = await Rows.AllAsync();

        var run = await RunAsync("grant", id, "--aliases", "ok,not/ok");

        Assert.Equal(CliExitCodes.InvalidArguments, run.ExitCode);
        Assert.Contains("not/ok", run.Error, StringComparison.Ordinal);
        Assert.Equal(before.Select(r => (r.RowKey, r.ETag)), (await Rows.AllAsync()).Select(r => (r.RowKey, r.ETag)));
    }

    [Fact]
    public async Task Callers_TableFromTheEnvironment_IsUsedWhenNoSwitchNamesOne()
    {
        var run = await CliRun.RunAsync(["callers", "create", "--name", "svc", "--json"], new Dictionary<string, string?>
        {
            ["ALIAS_SEEDER_CONNECTION_STRING"] = azurite.ConnectionString,
            ["AZURE_CALLER_TABLE"] = _tableName,
        });

        Assert.True(run.ExitCode == CliExitCodes.Succeeded, run.ToString());
        using var json = JsonDocument.Parse(run.Output);
        Assert.Equal("svc", (await Rows.CallerAsync(json.RootElement.GetProperty("id").GetString()!)).Name);
    }

    private Task<CliRun> RunAsync(params string[] args) => RunAsync(TimeProvider.System, args);

    private Task<CliRun> RunAsync(TimeProvider time, params string[] args) =>
        CliRun.RunAsync(["callers", .. args, "--connection-string", azurite.ConnectionString, "--table", _tableName], time: time);

    private Task<JsonElement> RunJsonAsync(params string[] args) => RunJsonAsync(TimeProvider.System, args);

    private async Task<JsonElement> RunJsonAsync(TimeProvider time, params string[] args)
    {
        var run = await RunAsync(time, [.. args, "--json"]);
        Assert.True(run.ExitCode == CliExitCodes.Succeeded, run.ToString());
        using var json = JsonDocument.Parse(run.Output);
        return json.RootElement.Clone();
    }

    private async Task<string> CreateAsync(string name, params string[] rest) =>
        (await RunJsonAsync(["create", "--name", name, .. rest])).GetProperty("id").GetString()!;

    [GeneratedRegex("^[0-9a-f]{16}$")]
    private static partial Regex KeyCallerId();

    [GeneratedRegex("frk_[A-Za-z0-9_-]{43,}")]
    private static partial Regex KeyPattern();
}
