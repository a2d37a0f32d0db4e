using System.Globalization;
using System.Text;

namespace FunctionsRouter.LoadHarness;

/// <summary>
/// Prints the run: one row a phase, the gateway − direct differences (of the percentiles, not percentiles of
/// differences), the gateway process's own cost, and the issue's targets with "met" or "missed". A target never
/// changes the exit code: timings on a shared machine are evidence, not a verdict.
/// </summary>
internal static class HarnessReport
{
    private const double AddedP50TargetMs = 0.5;
    private const double AddedP99TargetMs = 2.0;
    private const double AddedTtftP50TargetMs = 1.0;
    private const double CpuTargetMicroseconds = 150;
    private const double AllocTargetKiB = 16;

    public static string Render(HarnessOptions options, string setup, PhaseResult directJson, PhaseResult gatewayJson, PhaseResult directSse, PhaseResult gatewaySse, PhaseResult saturation)
    {
        var text = new StringBuilder();
        Line(text, setup);
        Line(text, "");
        Line(text, $"{"phase",-34} {"conc",5} {"req/s",9} {"p50 ms",8} {"p90 ms",8} {"p99 ms",8} {"TTFT p50",9} {"TTFT p90",9} {"TTFT p99",9} {"errors",6}");
        Row(text, directJson);
        Row(text, gatewayJson);
        Difference(text, "  added by gateway (b - a)", gatewayJson, directJson);
        Row(text, directSse);
        Row(text, gatewaySse);
        Difference(text, "  added by gateway (d - c)", gatewaySse, directSse);
        Row(text, saturation);
        Line(text, "");
        Line(text, "gateway process: its own CPU time and managed allocations per request it answered, counted until its usage writer");
        Line(text, "had caught up (\"cores\": its CPU time over the window, so it includes that catch-up); working set at the end.");
        Line(text, "Load generator + fake upstream (harness) and Azurite are other processes.");
        Line(text, $"{"phase",-34} {"requests",9} {"cores",6} {"CPU us/req",11} {"alloc KiB/req",14} {"working set MiB",16} {"gen0 GCs",9} {"gen2 GCs",9} {"usage dropped",14} {"harness us/req",15} {"Azurite us/req",15}");
        foreach (var phase in new[] { gatewayJson, gatewaySse, saturation })
        {
            Line(text, $"{phase.Name,-34} {phase.GatewayRequests,9} {Number(phase.GatewayCores),6} {Number(phase.GatewayCpuMicroseconds, "0"),11} {Number(phase.GatewayAllocatedKiB, "0.0"),14} {Number(phase.GatewayAfter?.WorkingSetBytes / 1048576.0, "0"),16} {phase.GatewayAfter!.Gen0 - phase.GatewayBefore!.Gen0,9} {phase.GatewayAfter.Gen2 - phase.GatewayBefore.Gen2,9} {phase.UsageDropped,14} {Number(phase.HarnessCpuMicroseconds, "0"),15} {Number(phase.AzuriteCpuMicroseconds, "0"),15}");
        }

        var last = saturation.GatewayAfter!;
        Line(text, $"usage records: {last.Requests} requests answered, {last.UsageEvents} records taken by the table writer, {last.UsageDropped} refused by a full queue{(last.UsageDrained || !options.UsageLedger ? string.Empty : " (writer had not caught up when read)")}");
        Line(text, "");
        Line(text, "targets (issue 5):");
        var added = gatewayJson.Latency - directJson.Latency;
        var addedTtft = gatewaySse.TimeToFirstToken - directSse.TimeToFirstToken;
        Target(text, $"added latency p50 <= {AddedP50TargetMs} ms", added?.P50, AddedP50TargetMs, "ms");
        Target(text, $"added latency p99 <= {AddedP99TargetMs} ms", added?.P99, AddedP99TargetMs, "ms");
        Target(text, $"added time to first token p50 <= {AddedTtftP50TargetMs} ms", addedTtft?.P50, AddedTtftP50TargetMs, "ms");
        var caveat = saturation.UsageDropped is > 0
            ? $" (only {100.0 * (saturation.GatewayRequests - saturation.UsageDropped.Value) / saturation.GatewayRequests:0}% of this phase's usage records reached the table writer)"
            : string.Empty;
        Target(text, $"gateway CPU per request at saturation <= {CpuTargetMicroseconds} us", saturation.GatewayCpuMicroseconds, CpuTargetMicroseconds, "us", caveat);
        Target(text, $"gateway allocations per request at saturation <= {AllocTargetKiB} KiB", saturation.GatewayAllocatedKiB, AllocTargetKiB, "KiB", caveat);
        return text.ToString();
    }

    private static void Row(StringBuilder text, PhaseResult phase)
    {
        var l = phase.Latency;
        var t = phase.TimeToFirstToken;
        Line(text, $"{phase.Name,-34} {phase.Concurrency,5} {phase.RequestsPerSecond,9:0} {Number(l?.P50),8} {Number(l?.P90),8} {Number(l?.P99),8} {Number(t?.P50),9} {Number(t?.P90),9} {Number(t?.P99),9} {phase.Errors,6}");
    }

    private static void Difference(StringBuilder text, string label, PhaseResult gateway, PhaseResult direct)
    {
        var l = gateway.Latency - direct.Latency;
        var t = gateway.TimeToFirstToken - direct.TimeToFirstToken;
        Line(text, $"{label,-34} {"",5} {gateway.RequestsPerSecond - direct.RequestsPerSecond,9:+0;-0;0} {Signed(l?.P50),8} {Signed(l?.P90),8} {Signed(l?.P99),8} {Signed(t?.P50),9} {Signed(t?.P90),9} {Signed(t?.P99),9}");
    }

    private static void Target(StringBuilder text, string label, double? value, double limit, string unit, string caveat = "")
    {
        var verdict = value is null ? "not measured" : value <= limit ? "met" : "missed";
        Line(text, $"  {label,-58} {Number(value, "0.000"),9} {unit,-3}  {verdict}{caveat}");
    }

    private static string Number(double? value, string format = "0.00") =>
        value?.ToString(format, CultureInfo.InvariantCulture) ?? "-";

    private static string Signed(double? value) =>
        value?.ToString("+0.00;-0.00;0.00", CultureInfo.InvariantCulture) ?? "";

    private static void Line(StringBuilder text, string line) => text.Append(line.TrimEnd()).Append('\n');
}
