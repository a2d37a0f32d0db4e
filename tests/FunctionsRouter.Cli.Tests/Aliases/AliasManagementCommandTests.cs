using System.Text.Json;
using Azure.Data.Tables;
using FunctionsRouter.Cli.CommandLine;
using FunctionsRouter.Testing;

namespace FunctionsRouter.Cli.Tests.Aliases;

/// <summary><c>aliases list|show|set|delete|history</c> against Azurite: the gateway library's alias operations from the command line.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AliasManagementCommandTests(AzuriteFixture azurite)
{
    private readonly string _tableName = azurite.CreateTableName("aliases");
    private readonly string _auditTable = azurite.CreateTableName("audit");

    [Fact]
    public async Task Set_RepeatedTargets_WritesTheAliasAndShowReadsItBack()
    {
        var set = await RunJsonAsync(
            "set", "chat",
            "--target", "name=primary,deployment=gpt-4o,priority=0,weight=3,inputPerMillion=2.5,cachedInputPerMillion=1.25,outputPerMillion=10",
            "--target", "name=backup,deployment=gpt-4o-mini,endpoint=oai,priority=1,enabled=false");

        var shown = await RunJsonAsync("show", "chat");
        var text = await RunAsync("show", "chat");
        var list = await RunJsonAsync("list");

        Assert.Equal(set.GetProperty("etag").GetString(), shown.GetProperty("etag").GetString());
        var targets = shown.GetProperty("targets").EnumerateArray().ToList();
        Assert.Equal(["primary", "backup"], targets.Select(t => t.GetProperty("name").GetString()));
        Assert.Equal(2.5m, targets[0].GetProperty("price").GetProperty("inputPerMillion").GetDecimal());
        Assert.Equal("oai", targets[1].GetProperty("endpoint").GetString());
        Assert.False(targets[1].GetProperty("enabled").GetBoolean());
        Assert.Contains("primary -> default/gpt-4o (priority 0, weight 3, price 2.5/1.25/10 per million)", text.Output, StringComparison.Ordinal);
        Assert.Equal(["chat"], list.GetProperty("aliases").EnumerateArray().Select(a => a.GetProperty("alias").GetString()));
    }

    [Fact]
    public async Task Set_File_TakesTheSameJsonAsTheHttpApi()
    {
        var path = Path.GetTempFileName();
        await File.WriteAllTextAsync(path, """{"targets":[{"name":"a","deployment":"d1"},{"name":"b","deployment":"d2","weight":0}]}""");

        var set = await RunJsonAsync("set", "from-file", "--file", path);

        Assert.Equal(2, set.GetProperty("targets").GetArrayLength());
        File.Delete(path);
    }

    [Fact]
    public async Task Set_IfMatchStale_FailsAndKeepsTheNewerTargets()
    {
        var first = await RunJsonAsync("set", "raced", "--target", "name=a,deployment=d1");
        var etag = first.GetProperty("etag").GetString()!;
        await RunJsonAsync("set", "raced", "--target", "name=b,deployment=d2", "--if-match", etag);

        var stale = await RunAsync("set", "raced", "--target", "name=c,deployment=d3", "--if-match", etag);

        Assert.Equal(CliExitCodes.Failed, stale.ExitCode);
        Assert.Contains("ETag", stale.Error, StringComparison.Ordinal);
        var shown = await RunJsonAsync("show", "raced");
        Assert.Equal(["b"], shown.GetProperty("targets").EnumerateArray().Select(t => t.GetProperty("name").GetString()));
    }

    [Theory]
    [InlineData("name=a")]
    [InlineData("name=a,deployment=d,weight=heavy")]
    [InlineData("name=a,deployment=d,endpoint=nowhere")]
    [InlineData("name=a/b,deployment=d")]
    [InlineData("name=a,deployment=d,inputPerMillion=1")]
    public async Task Set_InvalidTarget_ExitsInvalidArgumentsAndWritesNothing(string target)
    {
        var run = await RunAsync("set", "bad", "--target", target);

        Assert.Equal(CliExitCodes.InvalidArguments, run.ExitCode);
        Assert.Contains("targets[0]", run.Error, StringComparison.Ordinal);
        Assert.Empty(await RowsAsync("bad"));
    }

    [Fact]
    public async Task Set_NeitherTargetNorFile_ExitsInvalidArguments()
    {
        var run = await RunAsync("set", "bad");

        Assert.Equal(CliExitCodes.InvalidArguments, run.ExitCode);
    }

    [Fact]
    public async Task DeleteAndHistory_RecordEveryChangeNewestFirst()
    {
        await RunJsonAsync("set", "short-lived", "--target", "name=a,deployment=d1");
        await RunJsonAsync("set", "short-lived", "--target", "name=b,deployment=d2");
        var deleted = await RunJsonAsync("delete", "short-lived");
        var missing = await RunAsync("show", "short-lived");

        var history = await RunJsonAsync("history", "short-lived", "--page-size", "2");

        Assert.Equal(1, deleted.GetProperty("targetsDeleted").GetInt32());
        Assert.Equal(CliExitCodes.NotFound, missing.ExitCode);
        var entries = history.GetProperty("entries").EnumerateArray().ToList();
        Assert.Equal(["delete", "set"], entries.Select(e => e.GetProperty("action").GetString()));
        Assert.StartsWith("cli:", entries[0].GetProperty("who").GetString(), StringComparison.Ordinal);
        Assert.Equal("b", entries[1].GetProperty("after")[0].GetProperty("name").GetString());
        Assert.Equal("a", entries[1].GetProperty("before")[0].GetProperty("name").GetString());
        var token = history.GetProperty("continuationToken").GetString()!;
        var rest = await RunJsonAsync("history", "short-lived", "--page-size", "2", "--continuation-token", token);
        Assert.Equal(["set"], rest.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("action").GetString()));
    }

    [Fact]
    public async Task Show_MalformedRowWrittenByHand_ListedUnderProblems()
    {
        var table = azurite.CreateServiceClient().GetTableClient(_tableName);
        await table.CreateIfNotExistsAsync();
        await table.UpsertEntityAsync(new TableEntity("handmade", "ok") { ["Deployment"] = "d" });
        await table.UpsertEntityAsync(new TableEntity("handmade", "broken") { ["Enabled"] = "perhaps", ["Deployment"] = "d" });

        var shown = await RunJsonAsync("show", "handmade");

        Assert.Equal(["ok"], shown.GetProperty("targets").EnumerateArray().Select(t => t.GetProperty("name").GetString()));
        Assert.Equal("broken", Assert.Single(shown.GetProperty("problems").EnumerateArray()).GetProperty("row").GetString());
    }

    private async Task<List<TableEntity>> RowsAsync(string alias)
    {
        var table = azurite.CreateServiceClient().GetTableClient(_tableName);
        await table.CreateIfNotExistsAsync();
        return await table.QueryAsync<TableEntity>(e => e.PartitionKey == alias).ToListAsync();
    }

    private Task<CliRun> RunAsync(params string[] args) =>
        CliRun.RunAsync(
            ["aliases", .. args, "--connection-string", azurite.ConnectionString, "--table", _tableName, "--endpoints", "default,oai"],
            new Dictionary<string, string?> { [CommandTables.AuditTableKey] = _auditTable });

    private async Task<JsonElement> RunJsonAsync(params string[] args)
    {
        var run = await RunAsync([.. args, "--json"]);
        Assert.True(run.ExitCode == CliExitCodes.Succeeded, run.ToString());
        using var json = JsonDocument.Parse(run.Output);
        return json.RootElement.Clone();
    }
}
