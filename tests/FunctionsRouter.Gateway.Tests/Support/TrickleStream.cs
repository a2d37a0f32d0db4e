namespace FunctionsRouter.Gateway.Tests.Support;

/// <summary>
/// A read-only stream over fixed bytes that returns at most a few bytes per read (a chosen size, a seeded random size
/// from 1 to <c>maxRead</c>, or given sizes one per read), to exercise every read boundary. Optionally fails once its
/// bytes are used up.
/// </summary>
internal sealed class TrickleStream : Stream
{
    private readonly byte[] _bytes;
    private readonly int _maxRead;
    private readonly Random? _random;
    private readonly Exception? _failAtEnd;
    private readonly Queue<int>? _sizes;
    private int _position;

    public TrickleStream(byte[] bytes, int maxRead, int? seed = null, Exception? failAtEnd = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRead, 1);
        _bytes = bytes;
        _maxRead = maxRead;
        _random = seed is null ? null : new Random(seed.Value);
        _failAtEnd = failAtEnd;
    }

    /// <summary>A stream whose reads return exactly <paramref name="reads"/>, one per read.</summary>
    public TrickleStream(IEnumerable<byte[]> reads, Exception? failAtEnd = null)
    {
        var list = reads.ToList();
        _bytes = [.. list.SelectMany(r => r)];
        _sizes = new Queue<int>(list.Select(r => r.Length));
        _maxRead = int.MaxValue;
        _failAtEnd = failAtEnd;
    }

    /// <summary>How many reads returned data.</summary>
    public int Reads { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_position == _bytes.Length)
        {
            if (_failAtEnd is not null)
            {
                throw _failAtEnd;
            }

            return 0;
        }

        var size = _sizes is not null ? _sizes.Dequeue() : _random is null ? _maxRead : _random.Next(1, _maxRead + 1);
        size = Math.Min(Math.Min(size, buffer.Length), _bytes.Length - _position);
        _bytes.AsSpan(_position, size).CopyTo(buffer);
        _position += size;
        Reads++;
        return size;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Read(buffer.Span));
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
