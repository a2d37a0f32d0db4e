namespace FunctionsRouter.Gateway.Limits;

/// <summary>An instant with its minute, day and month worked out once per request.</summary>
internal readonly struct LimitInstant
{
    public LimitInstant(DateTimeOffset now)
    {
        Utc = now.ToUniversalTime();
        UnixMs = Utc.ToUnixTimeMilliseconds();
        Minute = LimitWindows.Minute(UnixMs);
        Day = LimitWindows.Day(UnixMs);
        Month = LimitWindows.Month(Utc);
    }

    public DateTimeOffset Utc { get; }

    public long UnixMs { get; }

    public long Minute { get; }

    public long Day { get; }

    public long Month { get; }

    public double MinuteFraction => LimitWindows.MinuteFraction(UnixMs);

    public long IndexOf(LimitBucketKind kind) => kind switch
    {
        LimitBucketKind.Minute => Minute,
        LimitBucketKind.PreviousMinute => Minute - 1,
        LimitBucketKind.Day => Day,
        _ => Month,
    };
}
