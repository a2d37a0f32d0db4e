using System.Diagnostics;

namespace FunctionsRouter.LoadHarness;

/// <summary>p50 / p90 / p99 in milliseconds, from every sample (nearest rank on the sorted samples).</summary>
internal readonly record struct LatencySummary(double P50, double P90, double P99)
{
    public static LatencySummary? FromTicks(List<long> ticks)
    {
        if (ticks.Count == 0)
        {
            return null;
        }

        ticks.Sort();
        return new LatencySummary(At(ticks, 0.50), At(ticks, 0.90), At(ticks, 0.99));
    }

    public static LatencySummary operator -(LatencySummary a, LatencySummary b) => new(a.P50 - b.P50, a.P90 - b.P90, a.P99 - b.P99);

    private static double At(List<long> sorted, double quantile)
    {
        var rank = (int)Math.Ceiling(quantile * sorted.Count) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Count - 1)] * 1000.0 / Stopwatch.Frequency;
    }
}
