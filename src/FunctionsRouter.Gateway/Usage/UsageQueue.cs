using System.Threading.Channels;
using FunctionsRouter.Gateway.Configuration;
using FunctionsRouter.Gateway.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FunctionsRouter.Gateway.Usage;

/// <summary>
/// The bounded queue between requests and the usage table writer. Enqueueing never waits: when the queue is full the
/// record is logged in full, counted in <see cref="Dropped"/> and not written to the table.
/// </summary>
internal sealed class UsageQueue : IUsageSink
{
    private readonly Channel<UsageRecord> _channel;
    private readonly ILogger _logger;
    private readonly int _capacity;
    private long _dropped;

    public UsageQueue(IOptions<RouterOptions> options, ILogger<UsageQueue> logger)
    {
        _capacity = options.Value.UsageQueueCapacity;
        _logger = logger;
        _channel = Channel.CreateBounded<UsageRecord>(new BoundedChannelOptions(_capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = false,
        });
    }

    /// <summary>Records that did not fit in the queue since start.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Records waiting for the writer.</summary>
    public int Depth => _channel.Reader.Count;

    internal ChannelReader<UsageRecord> Reader => _channel.Reader;

    public void Record(UsageRecord record)
    {
        if (_channel.Writer.TryWrite(record))
        {
            return;
        }

        var dropped = Interlocked.Increment(ref _dropped);
        UsageLogger.Log(_logger, record);
        GatewayLog.UsageQueueFull(_logger, _capacity, record.RequestId, record.Alias, dropped);
    }

    /// <summary>No more records will come: the writer drains what is queued and stops.</summary>
    internal void Complete() => _channel.Writer.TryComplete();
}
