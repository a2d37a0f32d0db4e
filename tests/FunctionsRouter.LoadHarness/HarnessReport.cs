using System.Globalization;
using System.Text;

namespace FunctionsRouter.LoadHarness;

/// <summary>
/// Prints the run: every round's phases, the gateway and YARP process costs, then the medians over the rounds (with
/// their spread) beside YARP's from the same run, as ratios and differences, against issue 12's targets. A target never
/// changes the exit code: timings on a shared machine are evidence, not a verdict.
/// </summary>
internal static class HarnessReport
{
    private const double CpuRatioTarget = 1.25;
    private const double ExtraAllocTargetKiB = 2;
    private const double ExtraP50TargetMs = 0.2;
    private const double ExtraP99TargetMs = 1.0;
    private const double ExtraTtftTargetMs = 0.3;

    /// <summary>The header of the per-phase rows (<see cref="Row"/>).</summary>
    internal static readonly string PhaseHeader = $"{"phase",-34} {"conc",5} {"req/s",9} {"p50 ms",8} {"p90 ms",8} {"p99 ms",8} {"TTFT p50",9} {"TTFT p90",9} {"TTFT p99",9} {"errors",6} {"max gap ms",10}";

    public static string Render(HarnessOptions options, string setup, IReadOnlyList<HarnessRound> rounds)
    {
        var text = new StringBuilder();
        Line(text, setup);
        Line(text, "");
        Line(text, PhaseHeader);
        foreach (var round in rounds)
        {
            foreach (var phase in round.Phases)
            {
                Row(text, phase);
            }
        }

        Line(text, "");
        Line(text, "proxy process (gateway or YARP): its own CPU time and managed allocations per request it answered, counted until the");
        Line(text, "gateway's usage writer had caught up (\"cores\": its CPU time over the window, so it includes that catch-up).");
        Line(text, "\"net\": less the process's idle CPU over the catch-up (catch-up seconds in \"drain s\").");
        Line(text, $"{"phase",-34} {"requests",9} {"cores",6} {"CPU us/req",11} {"net us/req",11} {"drain s",8} {"alloc KiB/req",14} {"working set MiB",16} {"gen0 GCs",9} {"gen2 GCs",9} {"refused",8} {"rows/s load",12} {"rows/s after",13} {"Azurite us/req",15}");
        foreach (var phase in rounds.SelectMany(r => r.Phases).Where(p => p.GatewayAfter is not null))
        {
            Line(text, $"{phase.Name,-34} {phase.GatewayRequests,9} {Number(phase.GatewayCores),6} {Number(phase.GatewayCpuMicroseconds, "0"),11} {Number(phase.GatewayCpuNetMicroseconds, "0"),11} {phase.DrainSeconds,8:0.0} {Number(phase.GatewayAllocatedKiB, "0.0"),14} {Number(phase.GatewayAfter?.WorkingSetBytes / 1048576.0, "0"),16} {phase.GatewayAfter!.Gen0 - phase.GatewayBefore!.Gen0,9} {phase.GatewayAfter.Gen2 - phase.GatewayBefore.Gen2,9} {phase.UsageDropped,8} {Number(phase.WriterRowsPerSecondUnderLoad, "0"),12} {Number(phase.WriterRowsPerSecond, "0"),13} {Number(phase.AzuriteCpuMicroseconds, "0"),15}");
        }

        Line(text, "");
        Line(text, $"medians over {rounds.Count} round(s) [min..max]; \"extra\" = gateway's added figure minus YARP's added figure (added = proxy - direct, same round)");
        Line(text, $"{"",-40} {"YARP",22} {"gateway",22} {"gateway vs YARP",26}  target (issue 12)");
        Compare(text, "req/s at saturation", rounds, r => r.YarpSaturation.RequestsPerSecond, r => r.GatewaySaturation.RequestsPerSecond, ratio: true, "0", null, null);
        Compare(text, "CPU us/req at saturation, net", rounds, r => r.YarpSaturation.GatewayCpuNetMicroseconds, r => r.GatewaySaturation.GatewayCpuNetMicroseconds, ratio: true, "0.0", CpuRatioTarget, $"<= {CpuRatioTarget}x");
        Compare(text, "CPU us/req at saturation, raw", rounds, r => r.YarpSaturation.GatewayCpuMicroseconds, r => r.GatewaySaturation.GatewayCpuMicroseconds, ratio: true, "0.0", null, null);
        Compare(text, "alloc KiB/req at saturation", rounds, r => r.YarpSaturation.GatewayAllocatedKiB, r => r.GatewaySaturation.GatewayAllocatedKiB, ratio: false, "0.00", ExtraAllocTargetKiB, $"<= +{ExtraAllocTargetKiB} KiB");
        Compare(text, $"CPU us/req at {options.Concurrency} loops (JSON), net", rounds, r => r.YarpJson.GatewayCpuNetMicroseconds, r => r.GatewayJson.GatewayCpuNetMicroseconds, ratio: true, "0.0", null, null);
        Compare(text, $"alloc KiB/req at {options.Concurrency} loops (JSON)", rounds, r => r.YarpJson.GatewayAllocatedKiB, r => r.GatewayJson.GatewayAllocatedKiB, ratio: false, "0.00", null, null);
        Compare(text, $"added p50 ms at {options.Concurrency} loops (JSON)", rounds, r => Added(r.YarpJson, r.DirectJson, l => l.P50), r => Added(r.GatewayJson, r.DirectJson, l => l.P50), ratio: false, "0.00", ExtraP50TargetMs, $"<= +{ExtraP50TargetMs} ms");
        Compare(text, $"added p99 ms at {options.Concurrency} loops (JSON)", rounds, r => Added(r.YarpJson, r.DirectJson, l => l.P99), r => Added(r.GatewayJson, r.DirectJson, l => l.P99), ratio: false, "0.00", ExtraP99TargetMs, $"<= +{ExtraP99TargetMs} ms");
        Compare(text, "added TTFT p50 ms (stream)", rounds, r => AddedTtft(r.YarpStream, r.DirectStream), r => AddedTtft(r.GatewayStream, r.DirectStream), ratio: false, "0.00", ExtraTtftTargetMs, $"<= +{ExtraTtftTargetMs} ms");
        Compare(text, "added p50 ms (stream, whole answer)", rounds, r => Added(r.YarpStream, r.DirectStream, l => l.P50), r => Added(r.GatewayStream, r.DirectStream, l => l.P50), ratio: false, "0.00", null, null);

        var refused = rounds.SelectMany(r => r.Phases).Sum(p => p.UsageDropped ?? 0);
        var last = rounds[^1].GatewaySaturation.GatewayAfter!;
        Line(text, "");
        Line(text, $"usage records: {last.Requests} gateway requests answered, {last.UsageWritten} rows written, {refused} refused in the measured phases{(last.UsageDrained || !options.UsageLedger ? string.Empty : " (writer had not caught up when read)")}  target: 0 refused  {(refused == 0 ? "met" : "missed")}");
        var afterRates = rounds.Select(r => r.GatewaySaturation.WriterRowsPerSecond).OfType<double>().ToList();
        var loadRates = rounds.Select(r => r.GatewaySaturation.WriterRowsPerSecondUnderLoad).OfType<double>().ToList();
        Line(text, $"usage writer against Azurite (idle priority): {Median(loadRates, "0")} rows/s during the saturation window, {Median(afterRates, "0")} rows/s catching up after it (medians)");
        return text.ToString();
    }

    private static double? Added(PhaseResult proxy, PhaseResult direct, Func<LatencySummary, double> pick) =>
        proxy.Latency is { } p && direct.Latency is { } d ? pick(p) - pick(d) : null;

    private static double? AddedTtft(PhaseResult proxy, PhaseResult direct) =>
        proxy.TimeToFirstToken is { } p && direct.TimeToFirstToken is { } d ? p.P50 - d.P50 : null;

    /// <summary>One figure: YARP's and the gateway's medians with their spread, and the ratio (or difference) of the per-round figures' median.</summary>
    private static void Compare(StringBuilder text, string label, IReadOnlyList<HarnessRound> rounds, Func<HarnessRound, double?> yarp, Func<HarnessRound, double?> gateway, bool ratio, string format, double? target, string? targetText)
    {
        var y = rounds.Select(yarp).OfType<double>().ToList();
        var g = rounds.Select(gateway).OfType<double>().ToList();
        var relative = rounds.Select(r => yarp(r) is { } a && gateway(r) is { } b ? (double?)(ratio ? b / a : b - a) : null).OfType<double>().ToList();
        var relativeText = relative.Count == 0 ? "-" : ratio ? $"{Median(relative, "0.00")}x [{Spread(relative, "0.00")}]" : $"{Signed(MedianOf(relative))} [{Spread(relative, "+0.00;-0.00")}]";
        var verdict = target is null || relative.Count == 0 ? string.Empty : $"{targetText}  {(MedianOf(relative) <= target ? "met" : "missed")}";
        Line(text, $"{label,-40} {Median(y, format) + " [" + Spread(y, format) + "]",22} {Median(g, format) + " [" + Spread(g, format) + "]",22} {relativeText,26}  {verdict}");
    }

    internal static double MedianOf(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    internal static string Median(List<double> values, string format) => values.Count == 0 ? "-" : MedianOf(values).ToString(format, CultureInfo.InvariantCulture);

    internal static string Spread(List<double> values, string format) =>
        values.Count == 0 ? "-" : values.Min().ToString(format, CultureInfo.InvariantCulture) + ".." + values.Max().ToString(format, CultureInfo.InvariantCulture);

    internal static void Row(StringBuilder text, PhaseResult phase)
    {
        var l = phase.Latency;
        var t = phase.TimeToFirstToken;
        Line(text, $"{phase.Name,-34} {phase.Concurrency,5} {phase.RequestsPerSecond,9:0} {Number(l?.P50),8} {Number(l?.P90),8} {Number(l?.P99),8} {Number(t?.P50),9} {Number(t?.P90),9} {Number(t?.P99),9} {phase.Errors,6} {phase.LongestGapMs,10:0}");
    }

    private static string Number(double? value, string format = "0.00") =>
        value?.ToString(format, CultureInfo.InvariantCulture) ?? "-";

    private static string Signed(double? value) =>
        value?.ToString("+0.00;-0.00;0.00", CultureInfo.InvariantCulture) ?? "";

    internal static void Line(StringBuilder text, string line) => text.Append(line.TrimEnd()).Append('\n');
}
