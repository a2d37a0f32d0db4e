namespace FunctionsRouter.Gateway.Usage;

/// <summary>How long the usage writers wait before retrying a failed table write: 0.5 s, doubling, at most 10 s.</summary>
internal static class UsageBackoff
{
    private static readonly TimeSpan First = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan Max = TimeSpan.FromSeconds(10);

    /// <summary>The wait after failed attempt number <paramref name="attempt"/> (from 1).</summary>
    public static TimeSpan After(int attempt) => TimeSpan.FromTicks(Math.Min(First.Ticks << Math.Clamp(attempt - 1, 0, 10), Max.Ticks));
}
