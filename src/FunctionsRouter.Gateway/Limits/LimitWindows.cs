namespace FunctionsRouter.Gateway.Limits;

/// <summary>
/// The time arithmetic of limits: which minute, day and month an instant falls in (UTC), and the sliding minute.
/// <para>
/// A per-minute limit is checked against a sliding minute approximated from two fixed minutes: the current one counts in
/// full, the previous one weighted by the part of it still inside the last 60 seconds
/// (<c>previous × (1 − elapsed/60 s) + current</c>). Unlike a fixed window it cannot admit twice the limit across a
/// minute boundary, and unlike a log of timestamps it costs two counters per caller.
/// </para>
/// </summary>
internal static class LimitWindows
{
    public const long MinuteMs = 60_000;
    private const long DayMs = 86_400_000;

    public static long Minute(long unixMs) => unixMs / MinuteMs;

    public static long Day(long unixMs) => unixMs / DayMs;

    public static long Month(DateTimeOffset utc) => (utc.Year * 12L) + utc.Month - 1;

    /// <summary>How far into its minute the instant is, from 0 to just under 1.</summary>
    public static double MinuteFraction(long unixMs) => (unixMs % MinuteMs) / (double)MinuteMs;

    /// <summary>The sliding-minute count.</summary>
    public static double Weighted(long previous, long current, double fraction) => (previous * (1 - fraction)) + current;

    /// <summary>
    /// How long until <paramref name="cost"/> more fits under <paramref name="limit"/>, if nothing else is admitted: later
    /// in this minute as the previous one's weight fades, or in the next minute as this one's fades.
    /// </summary>
    public static TimeSpan WaitFor(long previous, long current, double fraction, long limit, long cost)
    {
        var room = limit - cost - current;
        if (room >= 0 && previous * (1 - fraction) <= room)
        {
            return TimeSpan.Zero;
        }

        // In minutes from the start of this minute: when the previous minute has faded enough, or, when this minute
        // alone leaves no room, when this one (then the previous) has faded enough in the next.
        var until = room >= 0
            ? 1 - (room / (double)previous)
            : current <= 0 ? 1 : 1 + Math.Max(0, 1 - ((limit - cost) / (double)current));
        var wait = (until - fraction) * MinuteMs;
        return TimeSpan.FromMilliseconds(Math.Max(1, Math.Ceiling(wait)));
    }

    /// <summary>The next UTC midnight after <paramref name="utc"/>.</summary>
    public static DateTimeOffset NextDay(DateTimeOffset utc) => new DateTimeOffset(utc.UtcDateTime.Date, TimeSpan.Zero).AddDays(1);

    /// <summary>The first of the next month (UTC) after <paramref name="utc"/>.</summary>
    public static DateTimeOffset NextMonth(DateTimeOffset utc) => new DateTimeOffset(utc.Year, utc.Month, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(1);
}
