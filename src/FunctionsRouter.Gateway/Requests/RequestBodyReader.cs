using Microsoft.AspNetCore.Http;

namespace FunctionsRouter.Gateway.Requests;

/// <summary>
/// Reads a request body into a pooled buffer, up to a limit. A body over the limit is still read to its end (and
/// discarded) before the 413 is sent: the Functions host turns a response sent before the worker has read the body
/// into a broken pipe and a 500 for the caller.
/// </summary>
internal static class RequestBodyReader
{
    /// <summary>The most an oversized body is drained before giving up on it (the Functions host's own request limit).</summary>
    internal const long DrainLimit = 100L * 1024 * 1024;

    /// <returns>The body, or <see langword="null"/> when it is larger than <paramref name="limit"/>.</returns>
    public static async ValueTask<PooledBuffer?> ReadAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        var declared = request.ContentLength;
        if (declared > limit)
        {
            await DrainAsync(request.Body, cancellationToken).ConfigureAwait(false);
            return null;
        }

        var buffer = new PooledBuffer((int)(declared ?? 4096));
        try
        {
            while (true)
            {
                buffer.EnsureCapacity(4096);
                var read = await request.Body.ReadAsync(buffer.Array.AsMemory(buffer.Length), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return buffer;
                }

                buffer.Length += read;
                if (buffer.Length > limit)
                {
                    buffer.Dispose();
                    await DrainAsync(request.Body, cancellationToken).ConfigureAwait(false);
                    return null;
                }
            }
        }
        catch
        {
            buffer.Dispose();
            throw;
        }
    }

    /// <summary>Reads a body to its end (up to <see cref="DrainLimit"/>) and discards it: before any answer that does not need it.</summary>
    internal static async ValueTask DrainAsync(Stream body, CancellationToken cancellationToken)
    {
        var scratch = System.Buffers.ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            long drained = 0;
            int read;
            while (drained < DrainLimit && (read = await body.ReadAsync(scratch, cancellationToken).ConfigureAwait(false)) > 0)
            {
                drained += read;
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(scratch);
        }
    }
}
