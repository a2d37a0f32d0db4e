namespace FunctionsRouter.LoadHarness;

/// <summary>The gateway process's own counters at one moment, as its admin route reports them.</summary>
/// <param name="CpuMs">Process CPU time (user + kernel), all threads.</param>
/// <param name="WorkingSetBytes">Resident memory.</param>
/// <param name="AllocatedBytes">Managed bytes allocated since start, all threads (<c>GC.GetTotalAllocatedBytes(true)</c>).</param>
/// <param name="Gen0">Gen 0 collections since start.</param>
/// <param name="Gen2">Gen 2 collections since start.</param>
/// <param name="UsageEvents">Usage records logged in category <c>FunctionsRouter.Usage</c> (proves the writer ran).</param>
internal sealed record ProcessCounters(double CpuMs, long WorkingSetBytes, long AllocatedBytes, int Gen0, int Gen2, long UsageEvents);
