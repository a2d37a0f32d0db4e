using System.Threading.Channels;
using FunctionsRouter.Gateway.Configuration;
using FunctionsRouter.Gateway.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FunctionsRouter.Gateway.Usage;

/// <summary>
/// The queue between requests and the usage table writer, bounded in bytes (<c>Router__UsageQueueBytes</c>): a record
/// counts from when it is queued until the writer has written it (or given it up), so records held through a table
/// outage count too. Enqueueing never waits: when the bound is reached the record is logged in full, counted in
/// <see cref="Dropped"/> and not written to the table.
/// </summary>
internal sealed class UsageQueue : IUsageSink
{
    private readonly Channel<UsageRecord> _channel = Channel.CreateUnbounded<UsageRecord>(new UnboundedChannelOptions
    {
        SingleReader = true,
        SingleWriter = false,
    });

    private readonly ILogger _logger;
    private readonly long _capacityBytes;
    private long _bytes;
    private long _count;
    private long _dropped;
    private long _written;

    public UsageQueue(IOptions<RouterOptions> options, ILogger<UsageQueue> logger)
    {
        _capacityBytes = options.Value.UsageQueueBytes;
        _logger = logger;
    }

    /// <summary>Records that did not fit since start.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Records not written yet: queued, or taken by the writer and not yet in the table.</summary>
    public int Depth => (int)Math.Min(int.MaxValue, Interlocked.Read(ref _count));

    /// <summary>The estimated memory those records hold.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>Records the writer has written to the table (or given up after a refusal the table will repeat) since start.</summary>
    public long Written => Interlocked.Read(ref _written);

    internal ChannelReader<UsageRecord> Reader => _channel.Reader;

    public void Record(UsageRecord record)
    {
        var size = EstimateBytes(record);
        if (Interlocked.Add(ref _bytes, size) <= _capacityBytes && _channel.Writer.TryWrite(record))
        {
            Interlocked.Increment(ref _count);
            return;
        }

        Interlocked.Add(ref _bytes, -size);
        var dropped = Interlocked.Increment(ref _dropped);
        UsageLogger.Log(_logger, record);
        GatewayLog.UsageQueueFull(_logger, _capacityBytes, record.RequestId, record.Alias, dropped);
    }

    /// <summary>The writer is done with these records (written, or given up): their bytes are free again.</summary>
    internal void Release(ReadOnlySpan<UsageRecord> records, bool written)
    {
        long size = 0;
        foreach (var record in records)
        {
            size += EstimateBytes(record);
        }

        Interlocked.Add(ref _bytes, -size);
        Interlocked.Add(ref _count, -records.Length);
        if (written)
        {
            Interlocked.Add(ref _written, records.Length);
        }
    }

    /// <summary>No more records will come: the writer drains what is queued and stops.</summary>
    internal void Complete() => _channel.Writer.TryComplete();

    /// <summary>
    /// What a queued record holds in memory, roughly: the record object and the queue's slot (~200 B), and each string
    /// it references as if it were its own (requests share the alias, deployment and caller strings, so this overstates).
    /// </summary>
    internal static long EstimateBytes(UsageRecord r) =>
        200 + Text(r.RequestId) + Text(r.Caller) + Text(r.Alias) + Text(r.Operation) + Text(r.Target) + Text(r.Deployment)
        + Text(r.Endpoint) + Text(r.ErrorCode) + Text(r.UpstreamRequestId);

    private static long Text(string? value) => value is null ? 0 : 24 + (2L * value.Length);
}
