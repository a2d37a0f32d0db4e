namespace FunctionsRouter.Gateway.Limits;

/// <summary>
/// One instance's counts for one count key, overall or for one alias: the current and previous minute (requests and
/// tokens), the UTC day and month (tokens). Each count is what the shared table held when this instance last read it
/// plus what this instance admitted since (pending, not yet merged into the table). Every method is a few arithmetic
/// operations under one lock, and allocates nothing.
/// </summary>
internal sealed class LimitCounter(string countKey, string? alias)
{
    /// <summary>The minute, day and month buckets, in <see cref="LimitBucketKind"/> order.</summary>
    internal const int BucketCount = 4;

    private readonly Lock _gate = new();
    private readonly LimitBucket[] _buckets = new LimitBucket[BucketCount];

    public string CountKey { get; } = countKey;

    /// <summary>The alias this counter is for; <see langword="null"/> for all of the caller's requests.</summary>
    public string? Alias { get; } = alias;

    /// <summary>When a request last touched it (Unix milliseconds); the sync keeps exchanging while it is recent.</summary>
    public long LastUsedMs { get; private set; }

    /// <summary>
    /// Checks <paramref name="limits"/> for one more request of <paramref name="tokens"/> and, if it fits, counts it.
    /// </summary>
    /// <returns>Whether it was counted; if not, <paramref name="refusal"/> says which limit and for how long.</returns>
    public bool TryReserve(in LimitInstant now, LimitSet limits, long tokens, out LimitRefusal refusal)
    {
        lock (_gate)
        {
            Roll(now);
            LastUsedMs = now.UnixMs;
            ref var minute = ref _buckets[(int)LimitBucketKind.Minute];
            ref var previous = ref _buckets[(int)LimitBucketKind.PreviousMinute];
            ref var day = ref _buckets[(int)LimitBucketKind.Day];
            ref var month = ref _buckets[(int)LimitBucketKind.Month];
            if (limits.TokensPerMonth is { } perMonth && month.Tokens >= perMonth)
            {
                refusal = new LimitRefusal(LimitKind.TokensPerMonth, perMonth, LimitWindows.NextMonth(now.Utc) - now.Utc, Alias);
                return false;
            }

            if (limits.TokensPerDay is { } perDay && day.Tokens >= perDay)
            {
                refusal = new LimitRefusal(LimitKind.TokensPerDay, perDay, LimitWindows.NextDay(now.Utc) - now.Utc, Alias);
                return false;
            }

            if (limits.Tpm is { } tpm)
            {
                if (tokens > tpm)
                {
                    refusal = new LimitRefusal(LimitKind.RequestTooLarge, tpm, TimeSpan.Zero, Alias);
                    return false;
                }

                var wait = LimitWindows.WaitFor(previous.Tokens, minute.Tokens, now.MinuteFraction, tpm, tokens);
                if (wait > TimeSpan.Zero)
                {
                    refusal = new LimitRefusal(LimitKind.Tpm, tpm, wait, Alias);
                    return false;
                }
            }

            if (limits.Rpm is { } rpm)
            {
                var wait = LimitWindows.WaitFor(previous.Requests, minute.Requests, now.MinuteFraction, rpm, 1);
                if (wait > TimeSpan.Zero)
                {
                    refusal = new LimitRefusal(LimitKind.Rpm, rpm, wait, Alias);
                    return false;
                }
            }

            minute.Add(1, tokens);
            day.Add(0, tokens);
            month.Add(0, tokens);
            refusal = default;
            return true;
        }
    }

    /// <summary>
    /// Changes the tokens counted for a request admitted at <paramref name="admitted"/> by <paramref name="tokens"/>
    /// (the real count less the estimate), and its request by <paramref name="requests"/> (−1 to take it back), in those
    /// of its buckets still held.
    /// </summary>
    public void Adjust(in LimitInstant admitted, long requests, long tokens)
    {
        lock (_gate)
        {
            for (var i = 0; i < BucketCount; i++)
            {
                ref var bucket = ref _buckets[i];
                if (bucket.Index == admitted.IndexOf(i == (int)LimitBucketKind.PreviousMinute ? LimitBucketKind.Minute : (LimitBucketKind)i))
                {
                    bucket.Add(i <= (int)LimitBucketKind.PreviousMinute ? requests : 0, tokens);
                }
            }
        }
    }

    /// <summary>Adds this counter's state under <paramref name="limits"/> to the headers: what is left and when it resets.</summary>
    public void Describe(in LimitInstant now, LimitSet limits, ref LimitHeaderState state)
    {
        lock (_gate)
        {
            Roll(now);
            var minute = _buckets[(int)LimitBucketKind.Minute];
            var previous = _buckets[(int)LimitBucketKind.PreviousMinute];
            var endOfMinute = TimeSpan.FromMilliseconds(LimitWindows.MinuteMs - (now.UnixMs % LimitWindows.MinuteMs));
            if (limits.Rpm is { } rpm)
            {
                var left = rpm - (long)Math.Ceiling(LimitWindows.Weighted(previous.Requests, minute.Requests, now.MinuteFraction));
                var reset = left > 0 ? endOfMinute : LimitWindows.WaitFor(previous.Requests, minute.Requests, now.MinuteFraction, rpm, 1);
                state.OfferRequests(rpm, left, reset);
            }

            if (limits.Tpm is { } tpm)
            {
                var left = tpm - (long)Math.Ceiling(LimitWindows.Weighted(previous.Tokens, minute.Tokens, now.MinuteFraction));
                var reset = left > 0 ? endOfMinute : LimitWindows.WaitFor(previous.Tokens, minute.Tokens, now.MinuteFraction, tpm, 1);
                state.OfferTokens(tpm, left, reset);
            }

            if (limits.TokensPerDay is { } perDay)
            {
                state.OfferTokens(perDay, perDay - _buckets[(int)LimitBucketKind.Day].Tokens, LimitWindows.NextDay(now.Utc) - now.Utc);
            }

            if (limits.TokensPerMonth is { } perMonth)
            {
                state.OfferTokens(perMonth, perMonth - _buckets[(int)LimitBucketKind.Month].Tokens, LimitWindows.NextMonth(now.Utc) - now.Utc);
            }
        }
    }

    /// <summary>
    /// What to merge into the shared table: each bucket's index and pending counts, and none when nothing is pending and
    /// the counter is idle since <paramref name="activeSinceMs"/>.
    /// </summary>
    public bool TryTakeSnapshot(in LimitInstant now, long activeSinceMs, Span<LimitBucket> snapshot)
    {
        lock (_gate)
        {
            Roll(now);
            var pending = false;
            for (var i = 0; i < BucketCount; i++)
            {
                snapshot[i] = _buckets[i];
                pending |= _buckets[i].PendingRequests != 0 || _buckets[i].PendingTokens != 0;
            }

            return pending || LastUsedMs >= activeSinceMs;
        }
    }

    /// <summary>
    /// Takes what the shared table holds for bucket <paramref name="index"/> of <paramref name="kind"/> after this
    /// instance merged <paramref name="merged"/> of its pending counts into it (none when the table could not be written).
    /// </summary>
    public void ApplyShared(LimitBucketKind kind, long index, long requests, long tokens, long mergedRequests, long mergedTokens)
    {
        lock (_gate)
        {
            for (var i = 0; i < BucketCount; i++)
            {
                var sameKind = kind == LimitBucketKind.Minute ? i <= (int)LimitBucketKind.PreviousMinute : i == (int)kind;
                ref var bucket = ref _buckets[i];
                if (sameKind && bucket.Index == index)
                {
                    bucket.PendingRequests -= mergedRequests;
                    bucket.PendingTokens -= mergedTokens;
                    bucket.SharedRequests = requests;
                    bucket.SharedTokens = tokens;
                    return;
                }
            }
        }
    }

    /// <summary>Moves the buckets on to <paramref name="now"/>'s minute, day and month; counts of a period gone are dropped.</summary>
    private void Roll(in LimitInstant now)
    {
        ref var minute = ref _buckets[(int)LimitBucketKind.Minute];
        if (minute.Index != now.Minute)
        {
            _buckets[(int)LimitBucketKind.PreviousMinute] = minute.Index == now.Minute - 1 ? minute : new LimitBucket(now.Minute - 1);
            minute = new LimitBucket(now.Minute);
        }

        ref var day = ref _buckets[(int)LimitBucketKind.Day];
        if (day.Index != now.Day)
        {
            day = new LimitBucket(now.Day);
        }

        ref var month = ref _buckets[(int)LimitBucketKind.Month];
        if (month.Index != now.Month)
        {
            month = new LimitBucket(now.Month);
        }
    }
}
