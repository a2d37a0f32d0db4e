using FunctionsRouter.Gateway.Requests;

namespace FunctionsRouter.Gateway.Relay;

/// <summary>
/// Relays a server-sent-event stream byte for byte, flushing after every read so the caller sees each event as soon as
/// the upstream sends it, while an <see cref="ISseEventInspector"/> for the API's wire format reads usage from the
/// events as they pass and says which to forward (chat drops the usage-only chunk the caller did not ask for).
/// </summary>
/// <remarks>
/// Hand-written rather than <c>System.Net.ServerSentEvents.SseParser</c>: the parser hands out parsed items, drops
/// comments (keep-alives) and unknown fields, so re-serialising them would not be lossless; here each event's original
/// bytes are forwarded and only its <c>data</c> is looked at, and only when it can carry usage or a finish reason.
/// </remarks>
internal sealed class SseEventRelay(ISseEventInspector inspector)
{
    private const int ReadSize = 16 * 1024;

    /// <summary>The largest single event held while waiting for its end; beyond it the upstream is treated as broken.</summary>
    internal const int MaxEventBytes = 4 * 1024 * 1024;

    /// <summary>Events forwarded to the caller.</summary>
    public int EventsForwarded { get; private set; }

    /// <summary>A chat stream's relay (OpenAI chat completions, Azure AI Model Inference).</summary>
    public SseEventRelay(UsageJsonReader usage, bool forwardUsageOnlyChunk)
        : this(new ChatStreamInspector(usage, forwardUsageOnlyChunk))
    {
    }

    /// <summary>Events that carried content (each is about one token: used to estimate usage of a cut stream).</summary>
    public int ContentChunks => inspector.ContentChunks;

    /// <summary>The upstream sent its stream's last event (chat: <c>data: [DONE]</c>).</summary>
    public bool SawDone => inspector.Completed;

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
                    inspector.Inspect(buffer.Span);
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

                if (inspector.Inspect(data.Span[eventStart..end]))
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
