using System.Buffers;

namespace FunctionsRouter.Gateway.Requests;

/// <summary>Bytes in an array rented from the shared pool; disposing returns it. Also a buffer writer (the usage ledger's batch bodies).</summary>
internal sealed class PooledBuffer : IBufferWriter<byte>, IDisposable
{
    private byte[]? _array;

    public PooledBuffer(int minimumLength)
    {
        _array = ArrayPool<byte>.Shared.Rent(Math.Max(minimumLength, 256));
    }

    public int Length { get; set; }

    public byte[] Array => _array ?? throw new ObjectDisposedException(nameof(PooledBuffer));

    public ReadOnlyMemory<byte> Memory => Array.AsMemory(0, Length);

    public ReadOnlySpan<byte> Span => Array.AsSpan(0, Length);

    /// <summary>Makes room for at least <paramref name="extra"/> more bytes after <see cref="Length"/>.</summary>
    public void EnsureCapacity(int extra)
    {
        var needed = Length + extra;
        if (needed <= Array.Length)
        {
            return;
        }

        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, Array.Length * 2));
        Array.AsSpan(0, Length).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(Array);
        _array = bigger;
    }

    public void Advance(int count) => Length += count;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        EnsureCapacity(Math.Max(sizeHint, 256));
        return Array.AsMemory(Length);
    }

    public Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

    public void Dispose()
    {
        var array = Interlocked.Exchange(ref _array, null);
        if (array is not null)
        {
            ArrayPool<byte>.Shared.Return(array);
        }
    }
}
