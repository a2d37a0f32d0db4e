using System.Text;
using System.Text.Json;
using FunctionsRouter.Gateway.Errors;
using FunctionsRouter.Gateway.Relay;
using FunctionsRouter.Gateway.Tests.Support;
using FunctionsRouter.Gateway.Usage;

namespace FunctionsRouter.Gateway.Tests.Relay;

public sealed class ResponsesStreamInspectorTests
{
    private const string Created = """{"type":"response.created","sequence_number":0,"response":{"id":"resp_1","object":"response","status":"in_progress","model":"gpt-4.1-2025-04-14","output":[],"usage":null}}""";
    private const string Delta1 = """{"type":"response.output_text.delta","sequence_number":1,"item_id":"msg_1","output_index":0,"content_index":0,"delta":"Hel"}""";
    private const string Delta2 = """{"type":"response.output_text.delta","sequence_number":2,"item_id":"msg_1","output_index":0,"content_index":0,"delta":"lo \"response\":{"}""";
    private const string Done = """{"type":"response.output_text.done","sequence_number":3,"item_id":"msg_1","output_index":0,"content_index":0,"text":"Hello"}""";
    private const string Completed = """{"type":"response.completed","sequence_number":4,"response":{"id":"resp_1","object":"response","status":"completed","model":"gpt-4.1-2025-04-14","output":[],"usage":{"input_tokens":9,"input_tokens_details":{"cached_tokens":4},"output_tokens":3,"output_tokens_details":{"reasoning_tokens":1},"total_tokens":12}}}""";

    [Fact]
    public async Task RelayAsync_WholeStreamAtEveryReadSize_ForwardsEveryByteAndReadsUsageFromTheCompletedEvent()
    {
        var input = Stream(("response.created", Created), (null, ": keep-alive"), ("response.output_text.delta", Delta1), ("response.output_text.delta", Delta2), ("response.output_text.done", Done), ("response.completed", Completed));

        foreach (var size in Enumerable.Range(1, 40).Concat([127, 256, 4096]))
        {
            var ids = new List<string>();
            var inspector = new ResponsesStreamInspector(new ResponsesUsageReader(streamEvents: true, ids.Add));
            var caller = new FlushRecordingStream();

            await new SseEventRelay(inspector).RelayAsync(new TrickleStream(input, size), caller, () => { }, CancellationToken.None);

            Assert.True(input.AsSpan().SequenceEqual(caller.Written), $"read size {size}");
            Assert.True(inspector.Completed, $"read size {size}");
            Assert.Equal(new TokenUsage(9, 3, 12) { CachedTokens = 4, ReasoningTokens = 1 }, inspector.Usage.Usage);
            Assert.Equal(["resp_1"], ids);
            Assert.Equal(2, inspector.ContentChunks);
            Assert.Equal("gpt-4.1-2025-04-14", inspector.Usage.ResponseModel);
            Assert.Equal(["completed"], inspector.Usage.FinishReasons);
        }
    }

    [Fact]
    public async Task RelayAsync_StreamEndsWithoutItsLastEvent_NotCompletedDeltasCountedNoUsage()
    {
        var input = Stream(("response.created", Created), ("response.output_text.delta", Delta1), ("response.output_text.delta", Delta2), ("response.output_text.done", Done));
        var inspector = new ResponsesStreamInspector(new ResponsesUsageReader(streamEvents: true));

        await new SseEventRelay(inspector).RelayAsync(new MemoryStream(input), new FlushRecordingStream(), () => { }, CancellationToken.None);

        Assert.False(inspector.Completed);
        Assert.Equal(2, inspector.ContentChunks);
        Assert.True(inspector.Usage.Usage.IsEmpty);
    }

    [Fact]
    public async Task ErrorEvent_AfterEventsRelayed_ResponsesErrorShapeNumberedAfterTheLast()
    {
        var input = Stream(("response.created", Created), ("response.output_text.delta", Delta1), ("response.output_text.delta", Delta2));
        var inspector = new ResponsesStreamInspector(new ResponsesUsageReader(streamEvents: true));
        await new SseEventRelay(inspector).RelayAsync(new MemoryStream(input), new FlushRecordingStream(), () => { }, CancellationToken.None);

        var frame = Encoding.UTF8.GetString(inspector.ErrorEvent(new GatewayError(GatewayErrorCode.UpstreamStreamFailed, "The upstream ended the stream before it was complete.")));

        Assert.StartsWith("event: error\ndata: ", frame, StringComparison.Ordinal);
        Assert.EndsWith("\n\n", frame, StringComparison.Ordinal);
        using var data = JsonDocument.Parse(frame["event: error\ndata: ".Length..].TrimEnd('\n'));
        Assert.Equal(["type", "code", "message", "param", "sequence_number"], data.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal("error", data.RootElement.GetProperty("type").GetString());
        Assert.Equal("upstream_stream_failed", data.RootElement.GetProperty("code").GetString());
        Assert.Equal(JsonValueKind.Null, data.RootElement.GetProperty("param").ValueKind);
        Assert.Equal(3, data.RootElement.GetProperty("sequence_number").GetInt64());
    }

    [Fact]
    public void ErrorEvent_NothingRelayed_SequenceNumberZero()
    {
        var inspector = new ResponsesStreamInspector(new ResponsesUsageReader(streamEvents: true));

        var frame = Encoding.UTF8.GetString(inspector.ErrorEvent(new GatewayError(GatewayErrorCode.UpstreamTimeout, "silent")));

        Assert.Contains("\"sequence_number\":0}", frame, StringComparison.Ordinal);
    }

    private static byte[] Stream(params (string? Event, string Line)[] events) =>
        Encoding.UTF8.GetBytes(string.Concat(events.Select(e => (e.Event is null ? e.Line : "event: " + e.Event + "\ndata: " + e.Line) + "\n\n")));
}
