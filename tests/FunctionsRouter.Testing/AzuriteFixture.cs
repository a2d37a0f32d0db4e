using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Azure.Data.Tables;
using Xunit;

namespace FunctionsRouter.Testing;

/// <summary>
/// Starts the real Azurite Table service (installed from <c>tests/azurite/package-lock.json</c>) on a free loopback
/// port, in memory, for one test assembly. Tests isolate themselves by table name (<see cref="CreateTableName"/>).
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    /// <summary>Azurite's well-known development account key (public, documented by Azurite).</summary>
    private const string DevAccountKey =
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static readonly string AzuriteFolder = System.IO.Path.Combine(RepositoryRoot.Path, "tests", "azurite");
    private Process? _process;
    private int _tableCounter;

    public int Port { get; private set; }

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={DevAccountKey};" +
        $"TableEndpoint=http://127.0.0.1:{Port}/devstoreaccount1;";

    public TableServiceClient CreateServiceClient() => new(ConnectionString);

    /// <summary>A table name unique within this run (letters and digits only, as Table Storage requires).</summary>
    public string CreateTableName(string prefix) =>
        $"{prefix}{Interlocked.Increment(ref _tableCounter)}x{Guid.NewGuid():N}"[..Math.Min(63, prefix.Length + 20)];

    public async Task InitializeAsync()
    {
        // CI runs npm ci first; this keeps a bare dotnet test working too.
        await NpmFolder.EnsureInstalledAsync(AzuriteFolder, System.IO.Path.Combine("azurite", "dist", "src", "table", "main.js"));
        Exception? last = null;
        for (var attempt = 0; attempt < 5; attempt++)
        {
            try
            {
                await StartAsync(GetFreePort());
                return;
            }
            catch (Exception ex) when (ex is IOException or TimeoutException or InvalidOperationException)
            {
                last = ex;
                Stop();
            }
        }

        throw new InvalidOperationException("Azurite did not start.", last);
    }

    public Task DisposeAsync()
    {
        Stop();
        return Task.CompletedTask;
    }

    private async Task StartAsync(int port)
    {
        var script = System.IO.Path.Combine(AzuriteFolder, "node_modules", "azurite", "dist", "src", "table", "main.js");
        var psi = new ProcessStartInfo("node")
        {
            ArgumentList =
            {
                script, "--tableHost", "127.0.0.1", "--tablePort", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--inMemoryPersistence", "--skipApiVersionCheck", "--disableTelemetry", "--loose",
            },
            WorkingDirectory = AzuriteFolder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new System.Text.StringBuilder();
        _process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (output) output.AppendLine(e.Data);
            if (e.Data.Contains("successfully started", StringComparison.OrdinalIgnoreCase)) started.TrySetResult();
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null) lock (output) output.AppendLine(e.Data);
        };
        _process.Exited += (_, _) => started.TrySetException(new IOException($"Azurite exited: {output}"));
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var timeout = Task.Delay(TimeSpan.FromSeconds(60));
        if (await Task.WhenAny(started.Task, timeout) == timeout)
        {
            throw new TimeoutException($"Azurite did not report a start within 60 s: {output}");
        }

        await started.Task;
        Port = port;
    }

    private void Stop()
    {
        if (_process is null) return;
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
        _process = null;
    }

    private static int GetFreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
