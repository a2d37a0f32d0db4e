using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace FunctionsRouter.LoadHarness;

/// <summary>
/// The slow-table mode (issue 18): rounds of windows, each longer than the caches' TTL, in which the gateway's tables
/// are normal, slow by each configured delay (every call, through <see cref="TableDelayProxy"/>), or paused (Azurite
/// stopped with SIGSTOP); YARP, which reads no table, runs the same window beside it as the floor. Reports p99 and the
/// longest stretch without a completed request, against issue 18's targets: p99 within 2× the gateway's own with normal
/// tables, no stretch longer than 250 ms. Whether the usage ledger is on is the run's <c>--usage-ledger</c>.
/// </summary>
internal static class SlowTableRun
{
    private const double P99RatioTarget = 2;
    private const double GapTargetMs = 250;

    public static async Task<string> RunAsync(
        HarnessOptions options,
        LoadDriver driver,
        LoadRequest viaYarp,
        LoadRequest viaGateway,
        GatewayProcess yarp,
        GatewayProcess gateway,
        TableDelayProxy tables,
        Process? azurite,
        CancellationToken cancellationToken)
    {
        var conditions = new List<Condition> { new("tables normal", _ => { }, TimeSpan.Zero) };
        foreach (var delay in options.TableDelaysMs)
        {
            var late = TimeSpan.FromMilliseconds(delay);
            conditions.Add(new($"table calls +{delay} ms", slow => tables.Delay = slow ? late : TimeSpan.Zero, late));
        }

        conditions.Add(new("Azurite paused", paused => Signal(azurite, paused ? "STOP" : "CONT"), TimeSpan.Zero));

        var window = TimeSpan.FromSeconds(options.SlowWindowSeconds);
        var results = new List<(int Round, Condition Condition, PhaseResult Yarp, PhaseResult Gateway)>();
        for (var round = 1; round <= options.Rounds; round++)
        {
            foreach (var condition in conditions)
            {
                PhaseResult? y = null;
                PhaseResult? g = null;
                for (var i = 0; i < 2; i++)
                {
                    if ((round % 2 == 1) == (i == 0))
                    {
                        Progress($"phase r{round} YARP, {condition.Name}: {options.Concurrency} loops, {options.SlowWindowSeconds} s");
                        y = await driver.RunAsync($"r{round} YARP, {condition.Name}", viaYarp, options.Concurrency, TimeSpan.Zero, window, yarp, false, null, cancellationToken);
                    }
                    else
                    {
                        Progress($"phase r{round} gateway, {condition.Name}: {options.Concurrency} loops, {options.SlowWindowSeconds} s");
                        g = await driver.RunAsync($"r{round} gateway, {condition.Name}", viaGateway, options.Concurrency, TimeSpan.Zero, window, gateway, options.UsageLedger, azurite, cancellationToken, condition.Apply);

                        // Calls delayed during the window still arrive late after it: let them land before the next window.
                        await Task.Delay(condition.Settle + TimeSpan.FromSeconds(2), cancellationToken);
                    }
                }

                results.Add((round, condition, y!, g!));
            }
        }

        return Render(options, results, conditions);
    }

    /// <summary>Stops or resumes a process (SIGSTOP / SIGCONT) with the system's <c>kill</c>.</summary>
    public static void Signal(Process? process, string signal)
    {
        if (process is null)
        {
            throw new InvalidOperationException("Azurite's process was not found: it cannot be paused.");
        }

        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-" + signal, process.Id.ToString(CultureInfo.InvariantCulture) }, UseShellExecute = false })
            ?? throw new InvalidOperationException("kill did not start.");
        kill.WaitForExit();
    }

    private static string Render(HarnessOptions options, List<(int Round, Condition Condition, PhaseResult Yarp, PhaseResult Gateway)> results, List<Condition> conditions)
    {
        var text = new StringBuilder();
        HarnessReport.Line(text, $"slow-table mode: {options.Rounds} round(s), {options.SlowWindowSeconds} s windows, {options.Concurrency} loops, upstream delay {options.DelayMs} ms; gateway cache TTL {options.CacheTtlSeconds} s (callers and aliases), caller key admission on every request; usage ledger {(options.UsageLedger ? "on" : "OFF")}");
        HarnessReport.Line(text, "");
        HarnessReport.Line(text, HarnessReport.PhaseHeader);
        foreach (var (_, _, yarp, gateway) in results)
        {
            HarnessReport.Row(text, yarp);
            HarnessReport.Row(text, gateway);
        }

        HarnessReport.Line(text, "");
        HarnessReport.Line(text, $"medians over {options.Rounds} round(s) [min..max]; targets (issue 18): gateway p99 <= {P99RatioTarget}x its own with normal tables, longest stretch without a completed request <= {GapTargetMs} ms");
        HarnessReport.Line(text, $"{"condition",-26} {"YARP p99 ms",18} {"YARP gap ms",18} {"gateway p99 ms",20} {"gateway gap ms",20} {"p99 vs normal",14} {"errors",7}  verdict");
        var normal = results.Where(r => r.Condition == conditions[0]).Select(r => r.Gateway.Latency?.P99).OfType<double>().ToList();
        foreach (var condition in conditions)
        {
            var rows = results.Where(r => r.Condition == condition).ToList();
            var yP99 = rows.Select(r => r.Yarp.Latency?.P99).OfType<double>().ToList();
            var yGap = rows.Select(r => r.Yarp.LongestGapMs).ToList();
            var gP99 = rows.Select(r => r.Gateway.Latency?.P99).OfType<double>().ToList();
            var gGap = rows.Select(r => r.Gateway.LongestGapMs).ToList();
            var ratio = normal.Count > 0 && gP99.Count > 0 ? HarnessReport.MedianOf(gP99) / HarnessReport.MedianOf(normal) : (double?)null;
            var errors = rows.Sum(r => r.Gateway.Errors);
            var met = ratio <= P99RatioTarget && gGap.Count > 0 && HarnessReport.MedianOf(gGap) <= GapTargetMs && errors == 0;
            HarnessReport.Line(text, $"{condition.Name,-26} {Cell(yP99, "0.0"),18} {Cell(yGap, "0"),18} {Cell(gP99, "0.0"),20} {Cell(gGap, "0"),20} {(ratio is { } r ? r.ToString("0.00", CultureInfo.InvariantCulture) + "x" : "-"),14} {errors,7}  {(met ? "met" : "missed")}");
        }

        return text.ToString();
    }

    private static string Cell(List<double> values, string format) =>
        values.Count == 0 ? "-" : $"{HarnessReport.Median(values, format)} [{HarnessReport.Spread(values, format)}]";

    private static void Progress(string message) => Console.Error.WriteLine($"[harness] {message}");

    /// <summary>One state of the tables: <see cref="Apply"/> sets it (true) for the window and clears it (false) after.</summary>
    private sealed record Condition(string Name, Action<bool> Apply, TimeSpan Settle);
}
