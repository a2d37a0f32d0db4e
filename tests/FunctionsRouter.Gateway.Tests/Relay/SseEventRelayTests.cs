using System.Text;
using FunctionsRouter.Gateway.Relay;
using FunctionsRouter.Gateway.Tests.Support;
using FunctionsRouter.Gateway.Usage;

namespace FunctionsRouter.Gateway.Tests.Relay;

public sealed class SseEventRelayTests
{
    private const string First = """data: {"id":"c1","object":"chat.completion.chunk","model":"gpt-4o-2024-11-20","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}],"usage":null}""";
    private const string KeepAlive = ": keep-alive";
    private const string Hel = """data: {"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"Hel"},"finish_reason":null}],"usage":null}""";
    private const string Lo = """data:{"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"lo \"usage\": {"},"finish_reason":null}],"usage":null}""";
    private const string Stop = """data: {"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":null}""";
    private const string UsageOnly = """data: {"id":"c1","object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":9,"completion_tokens":3,"total_tokens":12,"prompt_tokens_details":{"cached_tokens":4},"completion_tokens_details":{"reasoning_tokens":0}}}""";
    private const string Done = "data: [DONE]";

    private static readonly string[] Events = [First, KeepAlive, Hel, Lo, Stop, UsageOnly, Done];

    public static TheoryData<string, bool> NewlinesAndForwarding => new()
    {
        { "\n", true },
        { "\n", false },
        { "\r\n", true },
        { "\r\n", false },
    };

    [Theory]
    [MemberData(nameof(NewlinesAndForwarding))]
    public async Task RelayAsync_WholeStream_ForwardsEveryByteExceptUnaskedUsageChunk(string newline, bool forwardUsageOnlyChunk)
    {
        var input = Stream(newline, Events);
        var expected = forwardUsageOnlyChunk ? input : Stream(newline, [First, KeepAlive, Hel, Lo, Stop, Done]);

        var (relay, usage, caller) = await RelayAsync(new MemoryStream(input), forwardUsageOnlyChunk);

        Assert.Equal(expected, caller.Written);
        Assert.Equal(expected.Length, relay.BytesForwarded);
        Assert.Equal(forwardUsageOnlyChunk ? 7 : 6, relay.EventsForwarded);
        AssertStreamFacts(relay, usage);
    }

    [Theory]
    [MemberData(nameof(NewlinesAndForwarding))]
    public async Task RelayAsync_EveryFixedReadSize_SameBytesAndFacts(string newline, bool forwardUsageOnlyChunk)
    {
        var input = Stream(newline, Events);
        var (_, _, whole) = await RelayAsync(new MemoryStream(input), forwardUsageOnlyChunk);

        foreach (var size in Enumerable.Range(1, 40).Concat([63, 64, 65, 127, 200, 255, 256, 257]))
        {
            var (relay, usage, caller) = await RelayAsync(new TrickleStream(input, size), forwardUsageOnlyChunk);

            Assert.True(whole.Written.AsSpan().SequenceEqual(caller.Written), $"read size {size}");
            AssertStreamFacts(relay, usage);
        }
    }

    [Theory]
    [MemberData(nameof(NewlinesAndForwarding))]
    public async Task RelayAsync_RandomReadSizes_SameBytesAndFacts(string newline, bool forwardUsageOnlyChunk)
    {
        var input = Stream(newline, Events);
        var expected = forwardUsageOnlyChunk ? input : Stream(newline, [First, KeepAlive, Hel, Lo, Stop, Done]);

        for (var seed = 0; seed < 200; seed++)
        {
            var (relay, usage, caller) = await RelayAsync(new TrickleStream(input, maxRead: 1 + (seed % 50), seed: seed), forwardUsageOnlyChunk);

            Assert.True(expected.AsSpan().SequenceEqual(caller.Written), $"seed {seed}");
            AssertStreamFacts(relay, usage);
        }
    }

    [Fact]
    public async Task RelayAsync_ManyEventsLargerThanReadBuffer_ForwardedByteForByte()
    {
        var events = Enumerable.Range(0, 2_000)
            .Select(i => "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + new string('x', i % 97) + "\"},\"finish_reason\":null}]}")
            .Append(Done)
            .ToArray();
        var input = Stream("\n", events);

        var (relay, _, caller) = await RelayAsync(new TrickleStream(input, maxRead: 5_000, seed: 7), forwardUsageOnlyChunk: false);

        Assert.Equal(input, caller.Written);
        Assert.Equal(events.Count(e => e.Contains("\"content\":\"x", StringComparison.Ordinal)), relay.ContentChunks);
        Assert.Equal(2_001, relay.EventsForwarded);
        Assert.True(relay.SawDone);
    }

    [Fact]
    public async Task RelayAsync_OneEventLargerThanReadBuffer_ForwardedWhole()
    {
        var big = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + new string('y', 100_000) + "\"},\"finish_reason\":\"length\"}]}";
        var input = Stream("\n", [big, Done]);

        var (relay, usage, caller) = await RelayAsync(new MemoryStream(input), forwardUsageOnlyChunk: false);

        Assert.Equal(input, caller.Written);
        Assert.Equal(["length"], usage.FinishReasons);
        Assert.Equal(1, relay.ContentChunks);
    }

    [Fact]
    public async Task RelayAsync_UsageInChunkWithChoices_KeptEvenWhenUsageChunksAreDropped()
    {
        const string stopWithUsage = """data: {"choices":[{"index":0,"delta":{},"finish_reason":"length"}],"usage":{"prompt_tokens":5,"completion_tokens":7,"total_tokens":12}}""";
        var input = Stream("\n", [Hel, stopWithUsage, Done]);

        var (relay, usage, caller) = await RelayAsync(new MemoryStream(input), forwardUsageOnlyChunk: false);

        Assert.Equal(input, caller.Written);
        Assert.Equal(new TokenUsage(5, 7, 12), usage.Usage);
        Assert.Equal(["length"], usage.FinishReasons);
        Assert.Equal(1, relay.ContentChunks);
    }

    [Fact]
    public async Task RelayAsync_SeveralChoices_DistinctFinishReasonsInOrder()
    {
        var input = Stream("\n",
        [
            """data: {"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}""",
            """data: {"choices":[{"index":1,"delta":{},"finish_reason":"stop"}]}""",
            """data: {"choices":[{"index":2,"delta":{},"finish_reason":"tool_calls"}]}""",
            Done,
        ]);

        var (_, usage, _) = await RelayAsync(new MemoryStream(input), forwardUsageOnlyChunk: false);

        Assert.Equal(["tool_calls", "stop"], usage.FinishReasons);
    }

    [Fact]
    public async Task RelayAsync_NoDone_SawDoneIsFalse()
    {
        var input = Stream("\n", [First, Hel]);

        var (relay, usage, caller) = await RelayAsync(new MemoryStream(input), forwardUsageOnlyChunk: false);

        Assert.Equal(input, caller.Written);
        Assert.False(relay.SawDone);
        Assert.Equal(1, relay.ContentChunks);
        Assert.True(usage.Usage.IsEmpty);
    }

    [Fact]
    public async Task RelayAsync_CutStream_CountsOnlyChunksThatCarryGeneratedText()
    {
        const string toolCall = """data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"ci"}}]},"finish_reason":null}]}""";
        const string filterOnly = """data: {"choices":[],"prompt_filter_results":[{"prompt_index":0,"content_filter_results":{}}]}""";
        const string roleOnly = """data: {"choices":[{"index":0,"delta":{"role":"assistant"},"finish_reason":null}]}""";
        var input = Stream("\n", [filterOnly, roleOnly, First, Hel, toolCall, Stop]);

        var (relay, _, _) = await RelayAsync(new MemoryStream(input), forwardUsageOnlyChunk: false);

        Assert.False(relay.SawDone);
        Assert.Equal(2, relay.ContentChunks);
    }

    [Fact]
    public async Task RelayAsync_CommentsAndOtherFields_PassUnchanged()
    {
        var input = Encoding.UTF8.GetBytes(": keep-alive\n\n:\n\nevent: ping\nid: 42\nretry: 1000\n\n: a comment\ndata: [DONE]\n\n");

        var (relay, _, caller) = await RelayAsync(new TrickleStream(input, maxRead: 3), forwardUsageOnlyChunk: false);

        Assert.Equal(input, caller.Written);
        Assert.True(relay.SawDone);
        Assert.Equal(0, relay.ContentChunks);
        Assert.Equal(4, relay.EventsForwarded);
    }

    [Theory]
    [InlineData("data: [DONE]")]
    [InlineData("data: [DONE]\n")]
    [InlineData("data: [DONE]\r\n")]
    public async Task RelayAsync_UnterminatedTail_PassesUnchanged(string tail)
    {
        var input = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(Stream("\n", [Hel])) + tail);

        var (relay, _, caller) = await RelayAsync(new TrickleStream(input, maxRead: 4), forwardUsageOnlyChunk: false);

        Assert.Equal(input, caller.Written);
        Assert.True(relay.SawDone);
        Assert.Equal(1, relay.ContentChunks);
    }

    [Fact]
    public async Task RelayAsync_TruncatedEventAtEnd_PassesUnchanged()
    {
        var input = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(Stream("\n", [Hel])) + "data: {\"choices\":[{\"ind");

        var (relay, _, caller) = await RelayAsync(new MemoryStream(input), forwardUsageOnlyChunk: false);

        Assert.Equal(input, caller.Written);
        Assert.False(relay.SawDone);
    }

    [Fact]
    public async Task RelayAsync_MalformedUsageChunk_ForwardedWithoutThrowing()
    {
        var input = Stream("\n", ["""data: {"choices":[],"usage":{,"prompt_tokens":1}}""", Done]);

        var (relay, usage, caller) = await RelayAsync(new MemoryStream(input), forwardUsageOnlyChunk: false);

        Assert.Equal(input, caller.Written);
        Assert.True(relay.SawDone);
        Assert.True(usage.Usage.IsEmpty);
    }

    [Fact]
    public async Task RelayAsync_InvalidUtf8InFinishReason_ForwardedWithoutThrowing()
    {
        byte[] input = [.. "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"st"u8, 0xFF, .. "op\"}]}\n\n"u8, .. Stream("\n", [UsageOnly, Done])];

        var (relay, usage, caller) = await RelayAsync(new MemoryStream(input), forwardUsageOnlyChunk: true);

        Assert.Equal(input, caller.Written);
        Assert.True(relay.SawDone);
        Assert.Equal(new TokenUsage(9, 3, 12) { CachedTokens = 4, ReasoningTokens = 0 }, usage.Usage);
    }

    [Fact]
    public async Task RelayAsync_UpstreamReadFails_ThrowsUpstreamReadExceptionAfterForwardingWhatCame()
    {
        var input = Stream("\n", [First, Hel]);
        var failure = new IOException("connection reset");
        var caller = new FlushRecordingStream();
        var relay = new SseEventRelay(new UsageJsonReader(), forwardUsageOnlyChunk: false);

        var ex = await Assert.ThrowsAsync<UpstreamReadException>(() =>
            relay.RelayAsync(new TrickleStream(input, maxRead: 10, failAtEnd: failure), caller, () => { }, CancellationToken.None));

        Assert.Same(failure, ex.InnerException);
        Assert.False(ex.IsTimeout);
        Assert.Equal(input, caller.Written);
        Assert.Equal(1, relay.ContentChunks);
    }

    [Fact]
    public async Task RelayAsync_UpstreamTimesOut_UpstreamReadExceptionIsTimeout()
    {
        var relay = new SseEventRelay(new UsageJsonReader(), forwardUsageOnlyChunk: false);

        var ex = await Assert.ThrowsAsync<UpstreamReadException>(() =>
            relay.RelayAsync(new TrickleStream([], maxRead: 1, failAtEnd: new TaskCanceledException("idle")), new FlushRecordingStream(), () => { }, CancellationToken.None));

        Assert.True(ex.IsTimeout);
    }

    [Fact]
    public async Task RelayAsync_CallerCancelled_CancellationIsNotReportedAsUpstreamFailure()
    {
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();
        var relay = new SseEventRelay(new UsageJsonReader(), forwardUsageOnlyChunk: false);

        var ex = await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            relay.RelayAsync(new TrickleStream(Stream("\n", Events), maxRead: 10), new FlushRecordingStream(), () => { }, cancellation.Token));

        Assert.IsNotType<UpstreamReadException>(ex);
    }

    [Fact]
    public async Task RelayAsync_EachReadWithCompleteEvents_FlushedBeforeTheNextRead()
    {
        var first = Stream("\n", [First]);
        var hel = Stream("\n", [Hel]);
        var lo = Stream("\n", [Lo]);
        var done = Stream("\n", [Done]);
        var reads = new[] { first, hel[..10], hel[10..], [.. lo, .. done[..3]], done[3..] };
        var caller = new FlushRecordingStream();
        var writesBeforeFirstWrite = -1;
        var firstWriteCalls = 0;
        var relay = new SseEventRelay(new UsageJsonReader(), forwardUsageOnlyChunk: false);

        await relay.RelayAsync(new TrickleStream(reads), caller, () => { firstWriteCalls++; writesBeforeFirstWrite = caller.Writes; }, CancellationToken.None);

        Assert.Equal(1, firstWriteCalls);
        Assert.Equal(0, writesBeforeFirstWrite);
        Assert.Collection(
            caller.WrittenAtFlush,
            f => Assert.Equal(first, f),
            f => Assert.Equal([.. first, .. hel], f),
            f => Assert.Equal([.. first, .. hel, .. lo], f),
            f => Assert.Equal([.. first, .. hel, .. lo, .. done], f));
    }

    [Fact]
    public async Task RelayAsync_DroppedUsageChunkBetweenEventsInOneRead_NeighboursStillFlushed()
    {
        var input = Stream("\r\n", [Stop, UsageOnly, Done]);
        var caller = new FlushRecordingStream();
        var relay = new SseEventRelay(new UsageJsonReader(), forwardUsageOnlyChunk: false);

        await relay.RelayAsync(new TrickleStream([input]), caller, () => { }, CancellationToken.None);

        var expected = Stream("\r\n", [Stop, Done]);
        Assert.Equal(expected, caller.Written);
        Assert.Equal(expected, Assert.Single(caller.WrittenAtFlush));
    }

    [Fact]
    public async Task RelayAsync_EmptyUpstream_WritesNothing()
    {
        var called = false;
        var caller = new FlushRecordingStream();
        var relay = new SseEventRelay(new UsageJsonReader(), forwardUsageOnlyChunk: false);

        await relay.RelayAsync(new MemoryStream(), caller, () => called = true, CancellationToken.None);

        Assert.False(called);
        Assert.Empty(caller.Written);
        Assert.False(relay.SawDone);
    }

    [Theory]
    [InlineData("data: a\n\nrest", 0, 9)]
    [InlineData("data: a\r\n\r\nrest", 0, 11)]
    [InlineData("data: a\r\n\nrest", 0, 10)]
    [InlineData("\n\n", 0, 2)]
    [InlineData("data: a\n\ndata: b\n\n", 9, 18)]
    [InlineData("data: a\r\n\r\ndata: b\r\n\r\n", 11, 22)]
    [InlineData("data: a\n", 0, -1)]
    [InlineData("data: a\r\n", 0, -1)]
    [InlineData("data: a\r\n\r", 0, -1)]
    [InlineData("data: a\nid: 1\n", 0, -1)]
    [InlineData("data: a\r\nid: 1\r\n", 0, -1)]
    [InlineData("", 0, -1)]
    [InlineData("data: a\n\n", 9, -1)]
    public void FindEventEnd_Data_ReturnsIndexAfterBlankLine(string data, int from, int expected)
    {
        Assert.Equal(expected, SseEventRelay.FindEventEnd(Encoding.UTF8.GetBytes(data), from));
    }

    private static void AssertStreamFacts(SseEventRelay relay, UsageJsonReader usage)
    {
        Assert.True(relay.SawDone);
        Assert.Equal(2, relay.ContentChunks);
        Assert.Equal(new TokenUsage(9, 3, 12) { CachedTokens = 4, ReasoningTokens = 0 }, usage.Usage);
        Assert.Equal(["stop"], usage.FinishReasons);
    }

    [Fact]
    public async Task RelayAsync_EventNeverEnds_FailsInsteadOfBufferingWithoutBound()
    {
        var endless = new byte[SseEventRelay.MaxEventBytes + 64 * 1024];
        endless.AsSpan().Fill((byte)'x');
        "data: "u8.CopyTo(endless);

        var error = await Assert.ThrowsAsync<UpstreamReadException>(() => RelayAsync(new MemoryStream(endless), forwardUsageOnlyChunk: false));

        Assert.IsType<InvalidDataException>(error.InnerException);
    }

    private static async Task<(SseEventRelay Relay, UsageJsonReader Usage, FlushRecordingStream Caller)> RelayAsync(Stream upstream, bool forwardUsageOnlyChunk)
    {
        var usage = new UsageJsonReader();
        var relay = new SseEventRelay(usage, forwardUsageOnlyChunk);
        var caller = new FlushRecordingStream();
        await relay.RelayAsync(upstream, caller, () => { }, CancellationToken.None);
        return (relay, usage, caller);
    }

    private static byte[] Stream(string newline, IEnumerable<string> events) =>
        Encoding.UTF8.GetBytes(string.Concat(events.Select(e => e.Replace("\n", newline, StringComparison.Ordinal) + newline + newline)));
}
