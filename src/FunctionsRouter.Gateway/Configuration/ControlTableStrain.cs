using Azure.Core;
using Azure.Core.Pipeline;
using FunctionsRouter.Gateway.Diagnostics;
using Microsoft.Extensions.Logging;

namespace FunctionsRouter.Gateway.Configuration;

/// <summary>
/// Keeps the usage ledger from crowding out the control tables' calls (caller, alias, health, affinity and limit reads)
/// when both live in one storage account (issue 18). Separate connection pools cannot do that: the account, or an
/// Azurite, serves what it is sent in turn, and eight 100-row batches plus eight rollup merges ahead of a caller read
/// made that read miss <c>Router__TableOperationTimeout</c> for minutes in the load harness, until cached rows passed
/// <c>Router__MaxStaleness</c> and the gateway refused every request.
/// <list type="bullet">
/// <item><see cref="Watch"/>, on every control-table client, times each call (its retries included). A call that fails
/// (no answer, 408, 429, 5xx) or takes <see cref="SlowCall"/> or longer marks the account strained; the next call that
/// answers in less clears it.</item>
/// <item><see cref="Yield"/>, on the ledger's clients when they share the control tables' account: while strained, the
/// ledger sends one call at a time (its retries and their delays inside it), so a control call waits behind one ledger
/// call at most, not sixteen. Nothing is dropped: rows wait in the usage queue, within its bound, as in any slow spell.</item>
/// </list>
/// A change is logged (events 3010, 3011), at most once a minute each: a table at the threshold flips back and forth.
/// </summary>
internal sealed class ControlTableStrain
{
    /// <summary>A control call this slow, or slower, strains the account: on a healthy one a point read takes milliseconds.</summary>
    internal static readonly TimeSpan SlowCall = TimeSpan.FromSeconds(1);

    /// <summary>How often a change of state is logged at most, per direction.</summary>
    internal static readonly TimeSpan LogInterval = TimeSpan.FromMinutes(1);

    private readonly SemaphoreSlim _lane = new(1, 1);
    private long _strainedLoggedAt = long.MinValue;
    private long _recoveredLoggedAt = long.MinValue;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private int _strained;

    public ControlTableStrain(TimeProvider time, ILogger<ControlTableStrain> logger)
    {
        _time = time;
        _logger = logger;
        Watch = new WatchPolicy(this);
        Yield = new YieldPolicy(this);
    }

    /// <summary>Whether the last control call failed or was slow.</summary>
    public bool IsStrained => Volatile.Read(ref _strained) == 1;

    /// <summary>The per-call policy of the control tables' clients.</summary>
    public HttpPipelinePolicy Watch { get; }

    /// <summary>The per-call policy of the ledger's clients, when the ledger shares the control tables' account.</summary>
    public HttpPipelinePolicy Yield { get; }

    private void Observe(long started, HttpMessage message, bool threw)
    {
        var elapsed = _time.GetElapsedTime(started);
        var failed = threw || !message.HasResponse || message.Response.Status is 408 or 429 or >= 500;
        var strained = failed || elapsed >= SlowCall;
        if (Interlocked.Exchange(ref _strained, strained ? 1 : 0) == (strained ? 1 : 0))
        {
            return;
        }

        if (!Due(ref strained ? ref _strainedLoggedAt : ref _recoveredLoggedAt))
        {
            return;
        }

        if (strained)
        {
            GatewayLog.ControlTablesStrained(_logger, failed ? "failed" : "was slow", elapsed.TotalMilliseconds);
        }
        else
        {
            GatewayLog.ControlTablesRecovered(_logger, elapsed.TotalMilliseconds);
        }
    }

    /// <summary>Whether <see cref="LogInterval"/> has passed since <paramref name="loggedAt"/>; if so, it is now.</summary>
    private bool Due(ref long loggedAt)
    {
        var now = _time.GetTimestamp();
        var last = Volatile.Read(ref loggedAt);
        return (last == long.MinValue || _time.GetElapsedTime(last, now) >= LogInterval) && Interlocked.CompareExchange(ref loggedAt, now, last) == last;
    }

    private sealed class WatchPolicy(ControlTableStrain strain) : HttpPipelinePolicy
    {
        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            var started = strain._time.GetTimestamp();
            try
            {
                await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
            }
            catch
            {
                strain.Observe(started, message, threw: true);
                throw;
            }

            strain.Observe(started, message, threw: false);
        }

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            var started = strain._time.GetTimestamp();
            try
            {
                ProcessNext(message, pipeline);
            }
            catch
            {
                strain.Observe(started, message, threw: true);
                throw;
            }

            strain.Observe(started, message, threw: false);
        }
    }

    private sealed class YieldPolicy(ControlTableStrain strain) : HttpPipelinePolicy
    {
        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            if (!strain.IsStrained)
            {
                await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
                return;
            }

            await strain._lane.WaitAsync(message.CancellationToken).ConfigureAwait(false);
            try
            {
                await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
            }
            finally
            {
                strain._lane.Release();
            }
        }

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            if (!strain.IsStrained)
            {
                ProcessNext(message, pipeline);
                return;
            }

            strain._lane.Wait(message.CancellationToken);
            try
            {
                ProcessNext(message, pipeline);
            }
            finally
            {
                strain._lane.Release();
            }
        }
    }
}
