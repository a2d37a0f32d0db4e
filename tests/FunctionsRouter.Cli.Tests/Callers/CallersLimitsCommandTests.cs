using System.Text.Json;
using FunctionsRouter.Cli.CommandLine;
using FunctionsRouter.Gateway.Callers;
using FunctionsRouter.Gateway.Limits;
using FunctionsRouter.Testing;

namespace FunctionsRouter.Cli.Tests.Callers;

/// <summary><c>callers limits</c> and the limits in <c>show</c> / <c>--json</c>, against Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class CallersLimitsCommandTests(AzuriteFixture azurite)
{
    private readonly string _tableName = azurite.CreateTableName("callers");

    private CallerTableRows Rows => new(azurite.CreateServiceClient(), _tableName);

    [Fact]
    public async Task Limits_OwnAndAlias_StoredInTheRowAndShownInJson()
    {
        var id = await CreateAsync();

        await RunJsonAsync("limits", id, "--rpm", "60", "--tpm", "40000", "--tokens-per-day", "1000000");
        var shown = await RunJsonAsync("limits", id, "--alias", "gpt-4o", "--rpm", "10", "--tokens-per-month", "5000");

        var limits = shown.GetProperty("limits");
        Assert.Equal(60, limits.GetProperty("rpm").GetInt64());
        Assert.Equal(40000, limits.GetProperty("tpm").GetInt64());
        Assert.Equal(1000000, limits.GetProperty("tokensPerDay").GetInt64());
        Assert.False(limits.TryGetProperty("tokensPerMonth", out _));
        var alias = limits.GetProperty("aliases").GetProperty("gpt-4o");
        Assert.Equal(10, alias.GetProperty("rpm").GetInt64());
        Assert.Equal(5000, alias.GetProperty("tokensPerMonth").GetInt64());

        var row = await Rows.CallerAsync(id);
        Assert.Equal(new LimitSet(60, 40000, 1000000, null), row.Limits.Own);
        Assert.Equal(new LimitSet(10, null, null, 5000), row.Limits.Aliases["gpt-4o"]);
        Assert.Equal(shown.GetProperty("limits").ToString(), (await RunJsonAsync("show", id)).GetProperty("limits").ToString());
    }

    [Fact]
    public async Task Limits_Zero_RemovesOnlyThatLimit_AliasLeftEmptyGoes()
    {
        var id = await CreateAsync();
        await RunJsonAsync("limits", id, "--rpm", "60", "--tpm", "1000");
        await RunJsonAsync("limits", id, "--alias", "fast", "--rpm", "5");

        await RunJsonAsync("limits", id, "--rpm", "0");
        var shown = await RunJsonAsync("limits", id, "--alias", "fast", "--rpm", "0");

        Assert.Equal("""{"tpm":1000}""", shown.GetProperty("limits").GetRawText());
        Assert.Equal("""{"tpm":1000}""", (await Rows.CallerAsync(id)).Limits.ToString());
    }

    [Fact]
    public async Task Show_Text_NamesTheLimits_NoneWhenUnset()
    {
        var id = await CreateAsync();
        Assert.Contains("limits:  none", (await RunAsync("show", id)).Output, StringComparison.Ordinal);

        await RunJsonAsync("limits", id, "--rpm", "60", "--alias", "fast");
        var text = await RunAsync("show", id);

        Assert.Contains("limits:  alias fast: rpm 60", text.Output, StringComparison.Ordinal);
        Assert.Equal("{}", (await RunJsonAsync("show", await CreateAsync())).GetProperty("limits").GetRawText());
    }

    [Fact]
    public async Task Limits_RoleRow_Accepted()
    {
        await RunJsonAsync("add-role", "--role", "Router.Chat", "--aliases", "*");

        var shown = await RunJsonAsync("limits", CallerTable.RoleId("Router.Chat"), "--rpm", "20");

        Assert.Equal(20, shown.GetProperty("limits").GetProperty("rpm").GetInt64());
    }

    [Theory]
    [InlineData("--rpm", "-1")]
    [InlineData("--tpm", "many")]
    [InlineData("--alias", "not/ok", "--rpm", "1")]
    [InlineData]
    public async Task Limits_BadArgument_ExitsOneAndWritesNothing(params string[] args)
    {
        var id = await CreateAsync();

        var run = await RunAsync(["limits", id, .. args]);

        Assert.True(run.ExitCode == CliExitCodes.InvalidArguments, run.ToString());
        Assert.True((await Rows.CallerAsync(id)).Limits.IsEmpty);
    }

    [Fact]
    public async Task Limits_UnknownCaller_ExitsNotFound()
    {
        var run = await RunAsync("limits", "0123456789abcdef", "--rpm", "5");

        Assert.Equal(CliExitCodes.NotFound, run.ExitCode);
    }

    private Task<CliRun> RunAsync(params string[] args) =>
        CliRun.RunAsync(["callers", .. args, "--connection-string", azurite.ConnectionString, "--table", _tableName]);

    private async Task<JsonElement> RunJsonAsync(params string[] args)
    {
        var run = await RunAsync([.. args, "--json"]);
        Assert.True(run.ExitCode == CliExitCodes.Succeeded, run.ToString());
        using var json = JsonDocument.Parse(run.Output);
        return json.RootElement.Clone();
    }

    private async Task<string> CreateAsync() =>
        (await RunJsonAsync("create", "--name", "svc", "--aliases", "*")).GetProperty("id").GetString()!;
}
