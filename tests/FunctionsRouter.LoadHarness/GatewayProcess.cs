using System.Diagnostics;
using System.Net.Http.Json;

namespace FunctionsRouter.LoadHarness;

/// <summary>
/// The harness's handle on the gateway child process (this same program with <c>--serve-gateway</c>): starts it with
/// the gateway's settings as environment variables, reads its address, fetches its counters, and stops it — closing
/// its standard input asks it to stop gracefully (the usage queue is flushed); after 15 s it is killed.
/// </summary>
internal sealed class GatewayProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly HttpClient _admin = new() { Timeout = TimeSpan.FromSeconds(30) };

    private GatewayProcess(Process process, Uri baseUri)
    {
        _process = process;
        BaseUri = baseUri;
        _admin.BaseAddress = baseUri;
    }

    public Uri BaseUri { get; }

    public int Id => _process.Id;

    /// <summary>The process's CPU rate with no traffic, in ms per second (<see cref="MeasureIdleAsync"/>).</summary>
    public double IdleCpuMsPerSecond { get; private set; }

    /// <summary>Reads the process's CPU rate over a few seconds without traffic (its usage writer caught up).</summary>
    public async Task MeasureIdleAsync(bool ledger, CancellationToken cancellationToken)
    {
        var before = await GetDrainedCountersAsync(ledger, TimeSpan.FromSeconds(120), cancellationToken);
        var started = Stopwatch.GetTimestamp();
        await Task.Delay(TimeSpan.FromSeconds(4), cancellationToken);
        var after = await GetCountersAsync(cancellationToken);
        IdleCpuMsPerSecond = (after.CpuMs - before.CpuMs) / Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    /// <param name="yarp">Start the YARP pass-through instead of the gateway.</param>
    public static async Task<GatewayProcess> StartAsync(IReadOnlyDictionary<string, string> settings, HarnessOptions options, bool yarp, CancellationToken cancellationToken)
    {
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("The harness cannot find its own executable.");
        var psi = new ProcessStartInfo(self)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            // Started as `dotnet FunctionsRouter.LoadHarness.dll`: start the child the same way.
            psi.ArgumentList.Add(typeof(GatewayProcess).Assembly.Location);
        }

        psi.ArgumentList.Add(yarp ? "--serve-yarp" : "--serve-gateway");
        psi.ArgumentList.Add("--usage-log");
        psi.ArgumentList.Add(options.UsageLog ? "on" : "off");
        psi.ArgumentList.Add("--usage-ledger");
        psi.ArgumentList.Add(options.UsageLedger ? "on" : "off");
        foreach (var (key, value) in settings)
        {
            psi.Environment[key] = value;
        }

        var process = Process.Start(psi) ?? throw new InvalidOperationException("The gateway process did not start.");
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(60));
            while (true)
            {
                var line = await process.StandardOutput.ReadLineAsync(timeout.Token)
                    ?? throw new InvalidOperationException($"The gateway process exited before it listened (exit code {(process.WaitForExit(5000) ? process.ExitCode : -1)}).");
                if (line.StartsWith(GatewayServer.ListeningPrefix, StringComparison.Ordinal))
                {
                    return new GatewayProcess(process, new Uri(line[GatewayServer.ListeningPrefix.Length..]));
                }
            }
        }
        catch
        {
            Kill(process);
            process.Dispose();
            throw;
        }
    }

    public async Task<ProcessCounters> GetCountersAsync(CancellationToken cancellationToken) =>
        await _admin.GetFromJsonAsync(GatewayServer.CountersPath, HarnessJsonContext.Default.ProcessCounters, cancellationToken)
        ?? throw new InvalidOperationException("The gateway process sent no counters.");

    /// <summary>
    /// The counters once the usage writer has caught up with every answered request (so its work on them is counted),
    /// or after <paramref name="timeout"/>; without a ledger, at once.
    /// </summary>
    public async Task<ProcessCounters> GetDrainedCountersAsync(bool ledger, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            var counters = await GetCountersAsync(cancellationToken);
            if (!ledger || counters.UsageDrained || Stopwatch.GetTimestamp() > deadline)
            {
                return counters;
            }

            await Task.Delay(200, cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _admin.Dispose();
        try
        {
            _process.StandardInput.Close();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or InvalidOperationException)
        {
            Kill(_process);
        }

        _process.Dispose();
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }
}
