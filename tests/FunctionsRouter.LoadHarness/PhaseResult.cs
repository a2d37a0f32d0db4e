namespace FunctionsRouter.LoadHarness;

/// <summary>What one phase measured over its measured window (warm-up excluded).</summary>
/// <param name="Completed">Requests answered in full and correctly within the window.</param>
/// <param name="Errors">Requests that failed, answered other than 200, or whose stream did not end with <c>[DONE]</c>.</param>
/// <param name="Latency">Until the last byte of the answer.</param>
/// <param name="TimeToFirstToken">Until the first content chunk of a stream; null for JSON answers.</param>
/// <param name="GatewayBefore">The gateway process's counters before the window (usage writer caught up); null when the phase bypasses it.</param>
/// <param name="GatewayAfter">The same after the window, once the usage writer has caught up again.</param>
/// <param name="HarnessCpuMs">CPU time of this process (load generator and fake upstream) over the window.</param>
/// <param name="AzuriteCpuMs">CPU time of Azurite over the window and the usage writer's catch-up.</param>
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
    double AzuriteCpuMs)
{
    /// <summary>The counters right at the end of the window, before the usage writer caught up.</summary>
    public ProcessCounters? GatewayAtEnd { get; init; }

    /// <summary>How long the usage writer took to catch up after the window.</summary>
    public double DrainSeconds { get; init; }

    /// <summary>What one failed request of the phase got (the last one seen), when any failed.</summary>
    public string? ErrorSample { get; init; }

    /// <summary>The longest stretch of the window in which no request completed, in milliseconds.</summary>
    public double LongestGapMs { get; init; }

    public double RequestsPerSecond => Completed / Seconds;

    /// <summary>Rows the usage writer wrote per second while it caught up after the window (nothing else running).</summary>
    public double? WriterRowsPerSecond => GatewayAtEnd is { } end && GatewayAfter is { } after && after.UsageWritten - end.UsageWritten > 1_000 && DrainSeconds > 0.5
        ? (after.UsageWritten - end.UsageWritten) / DrainSeconds
        : null;

    /// <summary>Rows the usage writer wrote per second during the window, under the phase's load.</summary>
    public double? WriterRowsPerSecondUnderLoad => GatewayAtEnd is { } end && GatewayBefore is { } before && end.UsageWritten > before.UsageWritten
        ? (end.UsageWritten - before.UsageWritten) / Seconds
        : null;

    /// <summary>Cores the gateway process kept busy over the phase (its CPU time ÷ the window).</summary>
    public double? GatewayCores => GatewayAfter is { } after && GatewayBefore is { } before ? (after.CpuMs - before.CpuMs) / 1000.0 / Seconds : null;

    /// <summary>Requests the gateway answered between the two readings (the window's, and those in flight at its end).</summary>
    public long GatewayRequests => GatewayAfter is { } after && GatewayBefore is { } before ? after.Requests - before.Requests : 0;

    /// <summary>Gateway CPU per request answered, in microseconds.</summary>
    public double? GatewayCpuMicroseconds => PerGatewayRequest((a, b) => (a.CpuMs - b.CpuMs) * 1000.0);

    /// <summary>The process's CPU rate with no traffic (timers, health refresh, the harness's counter polls), in ms per second.</summary>
    public double IdleCpuMsPerSecond { get; init; }

    /// <summary>
    /// <see cref="GatewayCpuMicroseconds"/> less what the process burns idle over the catch-up: Azurite writes a few hundred
    /// to a few thousand rows a second on this box, so the catch-up can last minutes, and its idle cost is the emulator's
    /// slowness, not the requests'. The writer's own work during the catch-up stays counted.
    /// </summary>
    public double? GatewayCpuNetMicroseconds => PerGatewayRequest((a, b) => (a.CpuMs - b.CpuMs - (IdleCpuMsPerSecond * DrainSeconds)) * 1000.0);

    /// <summary>Gateway managed allocations per request answered, in KiB.</summary>
    public double? GatewayAllocatedKiB => PerGatewayRequest((a, b) => (a.AllocatedBytes - b.AllocatedBytes) / 1024.0);

    /// <summary>Usage records a full queue refused during the phase.</summary>
    public long? UsageDropped => GatewayAfter is { } after && GatewayBefore is { } before ? after.UsageDropped - before.UsageDropped : null;

    public double? AzuriteCpuMicroseconds => GatewayRequests > 0 && AzuriteCpuMs > 0 ? AzuriteCpuMs * 1000.0 / GatewayRequests : null;

    public double? HarnessCpuMicroseconds => Completed > 0 ? HarnessCpuMs * 1000.0 / Completed : null;

    private double? PerGatewayRequest(Func<ProcessCounters, ProcessCounters, double> difference) =>
        GatewayBefore is { } before && GatewayAfter is { } after && GatewayRequests > 0 ? difference(after, before) / GatewayRequests : null;
}
