using Azure.Data.Tables;
using BenchmarkDotNet.Attributes;
using FunctionsRouter.Gateway.Configuration;
using FunctionsRouter.Gateway.Usage;

namespace FunctionsRouter.Benchmarks.Usage;

/// <summary>
/// The usage ledger's cost per written record: one 100-row entity-group transaction against a table that answers at
/// once (<see cref="CannedBatchTransport"/>), divided by 100. <c>Sdk</c> is the way the writer wrote before: a
/// <c>TableEntity</c> per record and <c>TableClient.SubmitTransactionAsync</c>; <c>Own</c> is <see cref="UsageTableClient"/>;
/// <c>OwnAndRollup</c> adds what the writer does per accepted record for the usage rollup (<see cref="UsageRollupWriter.Add"/>:
/// a cell lookup and eight additions under a lock; the merges themselves are once per cell per round, not per record).
/// The records carry a cost, so the <c>Cost</c> column is written too.
/// </summary>
[MemoryDiagnoser]
public class UsageTableWriterBenchmarks
{
    private const int Rows = 100;
    private const string ConnectionString =
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;TableEndpoint=http://127.0.0.1:10002/devstoreaccount1;";

    private readonly UsageRecord[] _records;
    private readonly UsagePartitionKey _partition;
    private readonly UsageTableClient _own;
    private readonly TableClient _sdk;
    private readonly UsageRollupWriter _rollup;

    public UsageTableWriterBenchmarks()
    {
        var at = DateTimeOffset.UtcNow;
        var first = Guid.NewGuid();
        _records = [.. Enumerable.Range(0, Rows).Select(i => Record(at, i == 0 ? first : SameShard(Guid.NewGuid(), first)))];
        _partition = UsageRecordKeys.Partition(_records[0]);
        _own = UsageTableClient.Create(new TableStorageLocation(ConnectionString, null), "UsageRecords", () => throw new InvalidOperationException(), new CannedBatchTransport(Rows));
        _sdk = new TableClient(ConnectionString, "UsageRecords", new TableClientOptions { Transport = new CannedBatchTransport(Rows) });
        _rollup = new UsageRollupWriter(_own, "USD", TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<UsageRollupWriter>.Instance);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Rows)]
    public async Task Sdk() =>
        await _sdk.SubmitTransactionAsync(_records.Select(r => new TableTransactionAction(TableTransactionActionType.UpsertReplace, Entity(r))));

    [Benchmark(OperationsPerInvoke = Rows)]
    public Task Own() => _own.SubmitAsync(_partition, _records, CancellationToken.None);

    [Benchmark(OperationsPerInvoke = Rows)]
    public async Task OwnAndRollup()
    {
        await _own.SubmitAsync(_partition, _records, CancellationToken.None);
        _rollup.Add(_records);
    }

    /// <summary>The row as the writer built it before (the former <c>UsageEntity.From</c>).</summary>
    private static TableEntity Entity(UsageRecord r) => new(UsageRecordKeys.PartitionKey(r), UsageRecordKeys.RowKey(r))
    {
        ["RequestTime"] = r.Timestamp,
        ["RecordId"] = r.RecordId,
        ["RequestId"] = r.RequestId,
        ["Caller"] = r.Caller,
        ["Alias"] = r.Alias,
        ["Operation"] = r.Operation,
        ["HttpStatus"] = r.HttpStatus,
        ["Streamed"] = r.Streamed,
        ["UsageExact"] = r.UsageExact,
        ["LatencyMs"] = Math.Round(r.LatencyMs, 3),
        ["Attempts"] = r.Attempts,
        ["Target"] = r.Target,
        ["Deployment"] = r.Deployment,
        ["Endpoint"] = r.Endpoint,
        ["UpstreamRequestId"] = r.UpstreamRequestId,
        ["PromptTokens"] = r.Tokens.PromptTokens,
        ["CompletionTokens"] = r.Tokens.CompletionTokens,
        ["TotalTokens"] = r.Tokens.TotalTokens,
        ["TimeToFirstByteMs"] = r.TimeToFirstByteMs is { } ttfb ? Math.Round(ttfb, 3) : null,
    };

    /// <summary>A fresh id in the same shard as <paramref name="like"/> (one transaction holds one partition).</summary>
    private static Guid SameShard(Guid fresh, Guid like)
    {
        Span<byte> a = stackalloc byte[16];
        Span<byte> b = stackalloc byte[16];
        fresh.TryWriteBytes(a);
        like.TryWriteBytes(b);
        a[0] = b[0];
        return new Guid(a);
    }

    private static UsageRecord Record(DateTimeOffset at, Guid id) => new()
    {
        RecordId = id,
        Timestamp = at,
        RequestId = Guid.NewGuid().ToString("N"),
        Caller = "anonymous",
        Alias = "chat-default",
        Operation = "chat.completions",
        Target = "primary",
        Deployment = "gpt-4o-mini",
        Endpoint = "default",
        HttpStatus = 200,
        Tokens = new TokenUsage(91, 27, 118),
        Cost = 0.000497500m,
        Streamed = true,
        LatencyMs = 812.25,
        TimeToFirstByteMs = 143.5,
        UpstreamRequestId = "5d0f1a3c-1c8e-4f7a-9a51-0e0f3f3b9e21",
        Attempts = 1,
    };
}
