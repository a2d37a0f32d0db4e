using System.Text;
using Azure.Core;
using Azure.Core.Pipeline;

namespace FunctionsRouter.Gateway.Tests.Support;

/// <summary>
/// A table transport in front of the real one (Azurite): it can hang every call until released (as a table in an outage
/// often does: no refusal, no answer; a hung call ends only when its caller's timeout cancels it), answer a chosen
/// partition's batches with 503, or lose the answer of a batch the table did apply. Counts the <c>$batch</c> calls that
/// reached the table and keeps their bodies.
/// </summary>
internal sealed class ScriptedTableTransport : HttpPipelineTransport
{
    private readonly HttpClientTransport _inner = new();
    private readonly object _gate = new();
    private readonly List<string> _batchBodies = [];
    private TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _answersToLose;
    private int _entityAnswersToLose;

    public ScriptedTableTransport() => _released.SetResult();

    /// <summary>Batches whose body names this PartitionKey are answered 503 without reaching the table.</summary>
    public string? FailingPartition { get; set; }

    /// <summary>Batches refused because of <see cref="FailingPartition"/>.</summary>
    public int Refused { get; private set; }

    public IReadOnlyList<string> BatchBodies
    {
        get
        {
            lock (_gate)
            {
                return [.. _batchBodies];
            }
        }
    }

    /// <summary>From now on every call waits, sending nothing, until <see cref="Release"/> or its own cancellation.</summary>
    public void Hang()
    {
        lock (_gate)
        {
            if (_released.Task.IsCompleted)
            {
                _released = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    public void Release()
    {
        lock (_gate)
        {
            _released.TrySetResult();
        }
    }

    /// <summary>The next <paramref name="count"/> batches reach the table, but their answers are lost (an <see cref="IOException"/>).</summary>
    public void LoseAnswers(int count) => Interlocked.Exchange(ref _answersToLose, count);

    /// <summary>The next <paramref name="count"/> single-entity writes (insert or replace) reach the table, but their answers are lost.</summary>
    public void LoseEntityWriteAnswers(int count) => Interlocked.Exchange(ref _entityAnswersToLose, count);

    /// <summary>Single-entity writes (insert or replace, not <c>$batch</c>) that reached the table.</summary>
    public int EntityWrites => Volatile.Read(ref _entityWrites);

    private int _entityWrites;

    public override Request CreateRequest() => _inner.CreateRequest();

    public override void Process(HttpMessage message) => ProcessAsync(message).AsTask().GetAwaiter().GetResult();

    public override async ValueTask ProcessAsync(HttpMessage message)
    {
        Task released;
        lock (_gate)
        {
            released = _released.Task;
        }

        await released.WaitAsync(message.CancellationToken);
        var isBatch = message.Request.Uri.Path.EndsWith("$batch", StringComparison.Ordinal);
        if (isBatch)
        {
            using var body = new MemoryStream();
            await message.Request.Content!.WriteToAsync(body, message.CancellationToken);
            var text = Encoding.UTF8.GetString(body.ToArray());
            if (FailingPartition is { } failing && text.Contains($"\"PartitionKey\":\"{failing}\"", StringComparison.Ordinal))
            {
                lock (_gate)
                {
                    Refused++;
                }

                throw new Azure.RequestFailedException(503, "Injected: the partition is busy.");
            }

            lock (_gate)
            {
                _batchBodies.Add(text);
            }
        }

        var isEntityWrite = !isBatch && (message.Request.Method == RequestMethod.Put || (message.Request.Method == RequestMethod.Post && !message.Request.Uri.Path.EndsWith("Tables", StringComparison.Ordinal)));
        if (isEntityWrite)
        {
            Interlocked.Increment(ref _entityWrites);
        }

        await _inner.ProcessAsync(message);
        if (isBatch && Interlocked.Decrement(ref _answersToLose) >= 0)
        {
            throw new IOException("Injected: the connection broke after the table applied the batch.");
        }

        if (isEntityWrite && message.Response.Status is 201 or 204 && Interlocked.Decrement(ref _entityAnswersToLose) >= 0)
        {
            throw new IOException("Injected: the connection broke after the table applied the write.");
        }
    }
}
