namespace FunctionsRouter.Gateway.Relay;

/// <summary>Looks into one server-sent event's bytes without parsing it whole.</summary>
internal static class SseEvents
{
    /// <summary>The first <c>data:</c> line's value (the gateway's upstreams send one data line per event); <c>event:</c> and comment lines are skipped.</summary>
    public static ReadOnlySpan<byte> DataOf(ReadOnlySpan<byte> sseEvent)
    {
        while (!sseEvent.IsEmpty)
        {
            var lf = sseEvent.IndexOf((byte)'\n');
            var line = lf < 0 ? sseEvent : sseEvent[..lf];
            sseEvent = lf < 0 ? default : sseEvent[(lf + 1)..];
            if (line.StartsWith("data:"u8))
            {
                line = line[5..];
                if (!line.IsEmpty && line[0] == ' ')
                {
                    line = line[1..];
                }

                return line.TrimEnd((byte)'\r');
            }
        }

        return default;
    }

    /// <summary>Whether <paramref name="key"/> appears followed by a non-empty string.</summary>
    public static bool HasText(ReadOnlySpan<byte> json, ReadOnlySpan<byte> key) => HasValue(json, key, (byte)'"', nonEmpty: true);

    /// <summary>
    /// Whether <paramref name="key"/> appears followed by a value starting with <paramref name="first"/> (not null) and,
    /// when <paramref name="nonEmpty"/>, not ending at once (a string other than <c>""</c>).
    /// </summary>
    public static bool HasValue(ReadOnlySpan<byte> json, ReadOnlySpan<byte> key, byte first, bool nonEmpty = false)
    {
        while (true)
        {
            var at = json.IndexOf(key);
            if (at < 0)
            {
                return false;
            }

            json = json[(at + key.Length)..];
            var rest = json.TrimStart(" \t\r\n:"u8);
            if (!rest.IsEmpty && rest[0] == first && (!nonEmpty || (rest.Length > 1 && rest[1] != first)))
            {
                return true;
            }
        }
    }
}
