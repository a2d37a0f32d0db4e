namespace FunctionsRouter.LoadHarness;

/// <summary>The gateway process's own counters at one moment, as its admin route reports them.</summary>
/// <param name="CpuMs">Process CPU time (user + kernel), all threads.</param>
/// <param name="WorkingSetBytes">Resident memory.</param>
/// <param name="AllocatedBytes">Managed bytes allocated since start, all threads (<c>GC.GetTotalAllocatedBytes(true)</c>).</param>
/// <param name="Gen0">Gen 0 collections since start.</param>
/// <param name="Gen2">Gen 2 collections since start.</param>
/// <param name="Requests">Gateway requests (routes under <c>/api</c>) answered since start.</param>
/// <param name="UsageWritten">Usage records the table writer has written to the table.</param>
/// <param name="UsageDropped">Usage records refused by a full queue (logged instead of written).</param>
internal sealed record ProcessCounters(double CpuMs, long WorkingSetBytes, long AllocatedBytes, int Gen0, int Gen2, long Requests, long UsageWritten, long UsageDropped)
{
    /// <summary>Every answered request's usage record is done with: written, or dropped and logged.</summary>
    public bool UsageDrained => UsageWritten + UsageDropped >= Requests;
}
