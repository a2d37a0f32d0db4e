using BenchmarkDotNet.Attributes;
using FunctionsRouter.Gateway.Usage;

namespace FunctionsRouter.Benchmarks.Usage;

/// <summary>
/// The usage ledger's per-record work before the table call: the keys and the <c>TableEntity</c> of one record
/// (<see cref="UsageEntity.From"/>). Off the request path, but paid for every request; the load harness shows the
/// table transaction around it costs far more.
/// </summary>
[MemoryDiagnoser]
public class UsageEntityBenchmarks
{
    private readonly UsageRecord _record = new()
    {
        RecordId = Guid.NewGuid(),
        Timestamp = DateTimeOffset.UtcNow,
        RequestId = Guid.NewGuid().ToString("N"),
        Caller = "anonymous",
        Alias = "chat-default",
        Operation = "chat.completions",
        Target = "primary",
        Deployment = "gpt-4o-mini",
        Endpoint = "default",
        HttpStatus = 200,
        Tokens = new TokenUsage(91, 27, 118),
        Streamed = true,
        LatencyMs = 812.25,
        TimeToFirstByteMs = 143.5,
        UpstreamRequestId = "5d0f1a3c-1c8e-4f7a-9a51-0e0f3f3b9e21",
        Attempts = 1,
    };

    [Benchmark]
    public int ToTableEntity() => UsageEntity.From(_record).Count;
}
