using Azure.Core;
using Azure.Core.Pipeline;

namespace FunctionsRouter.Gateway.Tests.Support;

/// <summary>
/// A Table Storage transport in front of the real Azurite that, while <see cref="Hang"/> is set, never answers: each
/// request waits until it is cancelled (by the SDK's network timeout or the caller's token), as a storage account that
/// hangs rather than refuses does. Counts what it held, to show that hung calls do not pile up.
/// </summary>
internal sealed class HangingTableTransport : HttpPipelineTransport
{
    private readonly HttpClientTransport _inner = new();
    private int _hanging;
    private int _maxHanging;
    private int _held;
    private int _cancelled;

    public bool Hang { get; set; }

    /// <summary>Only requests whose path contains this (a table name) hang; all of them when null.</summary>
    public string? HangOnlyPathContaining { get; set; }

    /// <summary>Requests held so far.</summary>
    public int Held => Volatile.Read(ref _held);

    /// <summary>Held requests that ended by cancellation.</summary>
    public int Cancelled => Volatile.Read(ref _cancelled);

    /// <summary>The most requests held at the same time.</summary>
    public int MaxHanging => Volatile.Read(ref _maxHanging);

    public override Request CreateRequest() => _inner.CreateRequest();

    public override void Process(HttpMessage message) => ProcessAsync(message).AsTask().GetAwaiter().GetResult();

    public override async ValueTask ProcessAsync(HttpMessage message)
    {
        if (Hang && (HangOnlyPathContaining is null || message.Request.Uri.Path.Contains(HangOnlyPathContaining, StringComparison.Ordinal)))
        {
            Interlocked.Increment(ref _held);
            var now = Interlocked.Increment(ref _hanging);
            int max;
            while (now > (max = Volatile.Read(ref _maxHanging)) && Interlocked.CompareExchange(ref _maxHanging, now, max) != max)
            {
            }

            try
            {
                await Task.Delay(Timeout.Infinite, message.CancellationToken);
            }
            catch (OperationCanceledException)
            {
                Interlocked.Increment(ref _cancelled);
                throw;
            }
            finally
            {
                Interlocked.Decrement(ref _hanging);
            }
        }

        await _inner.ProcessAsync(message);
    }
}
