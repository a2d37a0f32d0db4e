using System.Text;
using System.Text.Json;
using FunctionsRouter.Gateway.Relay;
using FunctionsRouter.Gateway.Usage;

namespace FunctionsRouter.Gateway.Tests.Relay;

public sealed class ResponsesUsageReaderTests
{
    private const string Response = """
        {
          "id": "resp_67ccd2bed1ec8190b14f964abc054267",
          "object": "response",
          "created_at": 1741476542,
          "status": "completed",
          "model": "gpt-4.1-2025-04-14",
          "output": [
            { "type": "message", "id": "msg_1", "status": "completed", "role": "assistant",
              "content": [ { "type": "output_text", "text": "The \"usage\": {\"input_tokens\": 1} is text.", "annotations": [] } ] }
          ],
          "previous_response_id": "resp_previous",
          "reasoning": { "effort": null, "summary": null },
          "text": { "format": { "type": "text" } },
          "usage": {
            "input_tokens": 36,
            "input_tokens_details": { "cached_tokens": 12 },
            "output_tokens": 87,
            "output_tokens_details": { "reasoning_tokens": 40 },
            "total_tokens": 123
          },
          "metadata": { "id": "not-the-id", "usage": { "input_tokens": 999 } }
        }
        """;

    private static readonly TokenUsage Expected = new(36, 87, 123) { CachedTokens = 12, ReasoningTokens = 40 };

    [Fact]
    public void Read_ResponseObject_UsageWithDetailsIdModelAndStatus()
    {
        var seen = new List<string>();
        var reader = new ResponsesUsageReader(streamEvents: false, seen.Add);

        var json = new Utf8JsonReader(Encoding.UTF8.GetBytes(Response));
        reader.Read(ref json);

        Assert.Equal(Expected, reader.Usage);
        Assert.Equal("resp_67ccd2bed1ec8190b14f964abc054267", reader.ResponseId);
        Assert.Equal(["resp_67ccd2bed1ec8190b14f964abc054267"], seen);
        Assert.Equal("gpt-4.1-2025-04-14", reader.ResponseModel);
        Assert.Equal(["completed"], reader.FinishReasons);
    }

    [Fact]
    public void Append_ResponseSplitAtEveryByte_SameUsageAndIdSeenOnce()
    {
        var bytes = Encoding.UTF8.GetBytes(Response);
        for (var split = 1; split < bytes.Length; split++)
        {
            var seen = new List<string>();
            using var scanner = new JsonBodyUsageScanner(new ResponsesUsageReader(streamEvents: false, seen.Add));

            scanner.Append(bytes.AsSpan(0, split));
            scanner.Append(bytes.AsSpan(split));

            Assert.True(Expected == scanner.Reader.Usage, $"split at {split}: {scanner.Reader.Usage}");
            Assert.Single(seen);
        }
    }

    [Fact]
    public void Append_IdInTheFirstChunk_SeenBeforeTheRestArrives()
    {
        var bytes = Encoding.UTF8.GetBytes(Response);
        var seen = new List<string>();
        using var scanner = new JsonBodyUsageScanner(new ResponsesUsageReader(streamEvents: false, seen.Add));

        scanner.Append(bytes.AsSpan(0, Response.IndexOf("\"object\"", StringComparison.Ordinal)));

        Assert.Equal(["resp_67ccd2bed1ec8190b14f964abc054267"], seen);
    }

    [Theory]
    [InlineData("response.completed", true)]
    [InlineData("response.incomplete", true)]
    [InlineData("response.failed", true)]
    [InlineData("error", true)]
    [InlineData("response.in_progress", false)]
    [InlineData("response.output_text.done", false)]
    public void Read_StreamEvent_TerminalOnlyForTheLastEventsAndUsageFromItsResponse(string type, bool terminal)
    {
        var reader = new ResponsesUsageReader(streamEvents: true);
        var payload = $$"""{"type":"{{type}}","sequence_number":17,"response":{{Response}}}""";

        reader.BeginValue();
        var json = new Utf8JsonReader(Encoding.UTF8.GetBytes(payload));
        reader.Read(ref json);

        Assert.Equal(terminal, reader.IsTerminalEvent);
        Assert.Equal(17, reader.SequenceNumber);
        Assert.Equal(Expected, reader.Usage);
        Assert.Equal("resp_67ccd2bed1ec8190b14f964abc054267", reader.ResponseId);
    }

    [Fact]
    public void Read_StreamEventWithoutResponse_NeitherUsageNorIdFromItsOtherFields()
    {
        var reader = new ResponsesUsageReader(streamEvents: true);
        const string Payload = """{"type":"response.output_item.added","sequence_number":2,"output_index":0,"item":{"type":"message","id":"msg_1","status":"completed","usage":{"input_tokens":5}}}""";

        reader.BeginValue();
        var json = new Utf8JsonReader(Encoding.UTF8.GetBytes(Payload));
        reader.Read(ref json);

        Assert.True(reader.Usage.IsEmpty);
        Assert.Null(reader.ResponseId);
        Assert.Empty(reader.FinishReasons);
        Assert.False(reader.IsTerminalEvent);
    }
}
