namespace FunctionsRouter.LoadHarness;

/// <summary>What one phase measured over its measured window (warm-up excluded).</summary>
/// <param name="Completed">Requests answered in full and correctly within the window.</param>
/// <param name="Errors">Requests that failed, answered other than 200, or whose stream did not end with <c>[DONE]</c>.</param>
/// <param name="Latency">Until the last byte of the answer.</param>
/// <param name="TimeToFirstToken">Until the first content chunk of a stream; null for JSON answers.</param>
/// <param name="GatewayBefore">The gateway process's counters at the window's start; null when the phase bypasses it.</param>
/// <param name="GatewayAfter">The same at the window's end.</param>
/// <param name="HarnessCpuMs">CPU time of this process (load generator and fake upstream) over the window.</param>
/// <param name="MachineBusyPercent">All cores' busy share over the window, every process included.</param>
internal sealed record PhaseResult(
    string Name,
    int Concurrency,
    double Seconds,
    int Completed,
    int Errors,
    LatencySummary? Latency,
    LatencySummary? TimeToFirstToken,
    ProcessCounters? GatewayBefore,
    ProcessCounters? GatewayAfter,
    double HarnessCpuMs,
    double? MachineBusyPercent)
{
    public double RequestsPerSecond => Completed / Seconds;

    /// <summary>Gateway CPU per request answered, in microseconds.</summary>
    public double? GatewayCpuMicroseconds => Delta((a, b) => (a.CpuMs - b.CpuMs) * 1000.0);

    /// <summary>Gateway managed allocations per request answered, in KiB.</summary>
    public double? GatewayAllocatedKiB => Delta((a, b) => (a.AllocatedBytes - b.AllocatedBytes) / 1024.0);

    private double? Delta(Func<ProcessCounters, ProcessCounters, double> difference) =>
        GatewayBefore is { } before && GatewayAfter is { } after && Completed > 0 ? difference(after, before) / Completed : null;
}
