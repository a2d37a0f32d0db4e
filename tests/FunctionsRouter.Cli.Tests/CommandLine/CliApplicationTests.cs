using System.Net;
using System.Net.Sockets;
using FunctionsRouter.Cli.CommandLine;

namespace FunctionsRouter.Cli.Tests.CommandLine;

public sealed class CliApplicationTests
{
    /// <summary>Azurite's public development key; any account key will do for a table that is never reached.</summary>
    private const string DevAccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    /// <summary>A bound on the whole run, far above what the command's own timeouts allow: a hang fails the test.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Help_PrintsTheCommandsAndExitsZero()
    {
        var run = await CliRun.RunAsync(["--help"]);

        Assert.Equal(CliExitCodes.Succeeded, run.ExitCode);
        Assert.Contains("aliases", run.Output, StringComparison.Ordinal);
        Assert.Contains("callers", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_NoCommand_ExitsOneWithUsage()
    {
        var run = await CliRun.RunAsync([]);

        Assert.Equal(CliExitCodes.InvalidArguments, run.ExitCode);
        Assert.Contains("Usage:", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("callers", "create", "--name", "svc", "--aliases", "a")]
    [InlineData("callers", "list")]
    [InlineData("callers", "show", "0123456789abcdef")]
    [InlineData("callers", "rotate", "0123456789abcdef")]
    [InlineData("callers", "add-role", "--role", "Router.Chat", "--aliases", "a")]
    [InlineData("aliases", "seed", "--deployments", "gpt-4.1-mini", "--permission-attempts", "1")]
    public async Task Run_ClosedPort_ExitsTwoSayingTheTableIsUnreachable(params string[] args)
    {
        var run = await CliRun.RunAsync([.. args, "--json", "--connection-string", ConnectionStringFor(ClosedPort())]).WaitAsync(Patience);

        Assert.True(run.ExitCode == CliExitCodes.Failed, run.ToString());
        Assert.Contains("Could not reach Table Storage", run.Error, StringComparison.Ordinal);
        Assert.Empty(run.Output);
    }

    [Fact]
    public async Task Run_TableThatNeverAnswers_GivesUpAfterTheNetworkTimeout()
    {
        using var silent = new SilentTcpListener();

        var run = await CliRun.RunAsync(
            ["callers", "create", "--name", "svc", "--connection-string", ConnectionStringFor(silent.Port)],
            networkTimeout: TimeSpan.FromMilliseconds(300)).WaitAsync(Patience);

        Assert.True(run.ExitCode == CliExitCodes.Failed, run.ToString());
        Assert.Contains("did not answer within 0.3 s", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("frk_", run.Output + run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_Json_ErrorsGoToStderrAndStdoutStaysEmpty()
    {
        var run = await CliRun.RunAsync(["callers", "show", "bad id", "--json"]);

        Assert.Equal(CliExitCodes.InvalidArguments, run.ExitCode);
        Assert.Empty(run.Output);
        Assert.Contains("'bad id' is not a caller id", run.Error, StringComparison.Ordinal);
    }

    private static string ConnectionStringFor(int port) =>
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={DevAccountKey};TableEndpoint=http://127.0.0.1:{port}/devstoreaccount1;";

    /// <summary>A loopback port nothing listens on: bound, then released.</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
