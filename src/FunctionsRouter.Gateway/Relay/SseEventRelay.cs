using System.Text.Json;
using FunctionsRouter.Gateway.Requests;

namespace FunctionsRouter.Gateway.Relay;

/// <summary>
/// Relays a server-sent-event stream byte for byte, flushing after every read so the caller sees each event as soon as
/// the upstream sends it, while reading usage from the events as they pass. The one change: the usage-only chunk that
/// the gateway asked for on the caller's behalf is not forwarded when the caller did not ask for it.
/// </summary>
/// <remarks>
/// Hand-written rather than <c>System.Net.ServerSentEvents.SseParser</c>: the parser hands out parsed items, drops
/// comments (keep-alives) and unknown fields, so re-serialising them would not be lossless; here each event's original
/// bytes are forwarded and only its <c>data</c> is looked at, and only when it can carry usage or a finish reason.
/// </remarks>
internal sealed class SseEventRelay(UsageJsonReader usage, bool forwardUsageOnlyChunk)
{
    private const int ReadSize = 16 * 1024;

    /// <summary>The largest single event held while waiting for its end; beyond it the upstream is treated as broken.</summary>
    internal const int MaxEventBytes = 4 * 1024 * 1024;

    /// <summary>Events forwarded to the caller.</summary>
    public int EventsForwarded { get; private set; }

    /// <summary>
    /// Chunks that carried generated text (non-empty <c>content</c>, <c>refusal</c> or tool-call <c>arguments</c>): each
    /// is about one token, so they estimate the usage of a cut stream. The role-only first chunk and empty chunks do not count.
    /// </summary>
    public int ContentChunks { get; private set; }

    /// <summary>The upstream sent <c>data: [DONE]</c>.</summary>
    public bool SawDone { get; private set; }

    /// <summary>Bytes written to the caller.</summary>
    public long BytesForwarded { get; private set; }

    /// <summary>
    /// Copies <paramref name="upstream"/> to <paramref name="caller"/> until the upstream ends.
    /// </summary>
    /// <param name="beforeFirstWrite">Called once, just before the first byte goes to the caller.</param>
    /// <exception cref="UpstreamReadException">Reading the upstream failed (the caller may have part of the stream).</exception>
    public async Task RelayAsync(Stream upstream, Stream caller, Action beforeFirstWrite, CancellationToken cancellationToken)
    {
        using var buffer = new PooledBuffer(ReadSize);
        var first = true;
        while (true)
        {
            buffer.EnsureCapacity(ReadSize / 2);
            var read = await UpstreamBody.ReadAsync(upstream, buffer.Array.AsMemory(buffer.Length), cancellationToken).ConfigureAwait(false);

            if (read == 0)
            {
                if (buffer.Length > 0)
                {
                    // The upstream ended without a blank line after its last event: pass what it sent.
                    Inspect(buffer.Span);
                    await WriteAsync(caller, buffer.Memory, ref first, beforeFirstWrite, cancellationToken).ConfigureAwait(false);
                    await caller.FlushAsync(cancellationToken).ConfigureAwait(false);
                }

                return;
            }

            var scanFrom = Math.Max(0, buffer.Length - 2);
            buffer.Length += read;
            var data = buffer.Array.AsMemory(0, buffer.Length);
            var eventStart = 0;
            var pendingWriteStart = 0;
            while (true)
            {
                var end = FindEventEnd(data.Span, Math.Max(eventStart, scanFrom));
                if (end < 0)
                {
                    break;
                }

                if (Inspect(data.Span[eventStart..end]))
                {
                    EventsForwarded++;
                }
                else
                {
                    // Drop this event: send what came before it.
                    if (eventStart > pendingWriteStart)
                    {
                        await WriteAsync(caller, data[pendingWriteStart..eventStart], ref first, beforeFirstWrite, cancellationToken).ConfigureAwait(false);
                    }

                    pendingWriteStart = end;
                }

                eventStart = end;
            }

            if (eventStart > pendingWriteStart)
            {
                await WriteAsync(caller, data[pendingWriteStart..eventStart], ref first, beforeFirstWrite, cancellationToken).ConfigureAwait(false);
            }

            if (buffer.Length - eventStart > MaxEventBytes)
            {
                throw new UpstreamReadException(new InvalidDataException($"An upstream event exceeded {MaxEventBytes} bytes without ending."));
            }

            if (eventStart > 0)
            {
                await caller.FlushAsync(cancellationToken).ConfigureAwait(false);
                buffer.Array.AsSpan(eventStart, buffer.Length - eventStart).CopyTo(buffer.Array);
                buffer.Length -= eventStart;
            }
        }
    }

    /// <summary>The index just after the blank line that ends the first event at or after <paramref name="from"/>, or -1.</summary>
    internal static int FindEventEnd(ReadOnlySpan<byte> data, int from)
    {
        var i = from;
        while (i < data.Length)
        {
            var lf = data[i..].IndexOf((byte)'\n');
            if (lf < 0)
            {
                return -1;
            }

            i += lf;
            if (i + 1 < data.Length && data[i + 1] == '\n')
            {
                return i + 2;
            }

            if (i + 2 < data.Length && data[i + 1] == '\r' && data[i + 2] == '\n')
            {
                return i + 3;
            }

            i++;
        }

        return -1;
    }

    /// <summary>Reads what matters from one event; returns whether it is forwarded.</summary>
    private bool Inspect(ReadOnlySpan<byte> sseEvent)
    {
        var payload = DataOf(sseEvent);
        if (payload.IsEmpty)
        {
            return true;
        }

        if (payload.SequenceEqual("[DONE]"u8))
        {
            SawDone = true;
            return true;
        }

        if (!HasValue(payload, "\"usage\""u8, (byte)'{') && !HasValue(payload, "\"finish_reason\""u8, (byte)'"'))
        {
            CountIfGenerated(payload);
            return true;
        }

        usage.BeginValue();
        try
        {
            var reader = new Utf8JsonReader(payload);
            usage.Read(ref reader);
        }
        catch (JsonException)
        {
            return true;
        }

        var usageOnly = usage.UsageInValue && usage.ChoicesInValue == 0;
        if (!usageOnly)
        {
            CountIfGenerated(payload);
        }

        return forwardUsageOnlyChunk || !usageOnly;
    }

    private void CountIfGenerated(ReadOnlySpan<byte> payload)
    {
        if (HasText(payload, "\"content\""u8) || HasText(payload, "\"arguments\""u8) || HasText(payload, "\"refusal\""u8))
        {
            ContentChunks++;
        }
    }

    /// <summary>Whether <paramref name="key"/> appears followed by a non-empty string.</summary>
    private static bool HasText(ReadOnlySpan<byte> json, ReadOnlySpan<byte> key) => HasValue(json, key, (byte)'"', nonEmpty: true);

    /// <summary>The first <c>data:</c> line's value (the gateway's upstreams send one data line per event).</summary>
    private static ReadOnlySpan<byte> DataOf(ReadOnlySpan<byte> sseEvent)
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

    /// <summary>
    /// Whether <paramref name="key"/> appears followed by a value starting with <paramref name="first"/> (not null) and,
    /// when <paramref name="nonEmpty"/>, not ending at once (a string other than <c>""</c>).
    /// </summary>
    private static bool HasValue(ReadOnlySpan<byte> json, ReadOnlySpan<byte> key, byte first, bool nonEmpty = false)
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

    private ValueTask WriteAsync(Stream caller, ReadOnlyMemory<byte> bytes, ref bool first, Action beforeFirstWrite, CancellationToken cancellationToken)
    {
        if (first)
        {
            first = false;
            beforeFirstWrite();
        }

        BytesForwarded += bytes.Length;
        return caller.WriteAsync(bytes, cancellationToken);
    }
}
