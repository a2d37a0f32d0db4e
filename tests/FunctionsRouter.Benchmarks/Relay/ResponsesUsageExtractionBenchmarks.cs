using System.Text;
using BenchmarkDotNet.Attributes;
using FunctionsRouter.Gateway.Relay;

namespace FunctionsRouter.Benchmarks.Relay;

/// <summary>
/// Reading usage from Responses API answers as they pass: a non-streamed response object
/// (<see cref="JsonBodyUsageScanner"/> with <see cref="ResponsesUsageReader"/>) and a stream of 20 text deltas between
/// <c>response.created</c> and <c>response.completed</c> relayed by <see cref="SseEventRelay"/> with
/// <see cref="ResponsesStreamInspector"/>, from a <see cref="MemoryStream"/> into <see cref="Stream.Null"/>.
/// </summary>
[MemoryDiagnoser]
public class ResponsesUsageExtractionBenchmarks
{
    private const string Response =
        """{"id":"resp_67ccd2bed1ec8190b14f964abc054267","object":"response","created_at":1741476542,"status":"completed","error":null,"incomplete_details":null,"instructions":null,"max_output_tokens":null,"model":"gpt-4.1-2025-04-14","output":[{"type":"message","id":"msg_67ccd2bf17f0819081ff3bb2cf6508e6","status":"completed","role":"assistant","content":[{"type":"output_text","text":"Paris is the capital of France. The Seine runs through it, dividing the city into the Left Bank and the Right Bank.","annotations":[]}]}],"parallel_tool_calls":true,"previous_response_id":null,"reasoning":{"effort":null,"summary":null},"store":true,"temperature":1.0,"text":{"format":{"type":"text"}},"tool_choice":"auto","tools":[],"top_p":1.0,"truncation":"disabled","usage":{"input_tokens":36,"input_tokens_details":{"cached_tokens":0},"output_tokens":87,"output_tokens_details":{"reasoning_tokens":0},"total_tokens":123},"user":null,"metadata":{}}""";

    private byte[] _json = [];
    private MemoryStream _upstream = new();

    [GlobalSetup]
    public void Setup()
    {
        _json = Encoding.UTF8.GetBytes(Response);
        var inProgress = Response.Replace("\"status\":\"completed\"", "\"status\":\"in_progress\"", StringComparison.Ordinal);
        var sse = new StringBuilder();
        var sequence = 0;
        void Event(string type, string fields) =>
            sse.Append("event: ").Append(type).Append("\ndata: {\"type\":\"").Append(type).Append("\",\"sequence_number\":").Append(sequence++).Append(',').Append(fields).Append("}\n\n");
        Event("response.created", "\"response\":" + inProgress);
        Event("response.in_progress", "\"response\":" + inProgress);
        for (var i = 0; i < 20; i++)
        {
            Event("response.output_text.delta", "\"item_id\":\"msg_67ccd2bf17f0819081ff3bb2cf6508e6\",\"output_index\":0,\"content_index\":0,\"delta\":\" token\"");
        }

        Event("response.completed", "\"response\":" + Response);
        _upstream = new MemoryStream(Encoding.UTF8.GetBytes(sse.ToString()), writable: false);
    }

    [Benchmark]
    public int? ResponseBodyWhole()
    {
        using var scanner = new JsonBodyUsageScanner(new ResponsesUsageReader(streamEvents: false));
        scanner.Append(_json);
        return scanner.Reader.Usage.TotalTokens;
    }

    [Benchmark]
    public async Task<int?> ResponseStream()
    {
        _upstream.Position = 0;
        var inspector = new ResponsesStreamInspector(new ResponsesUsageReader(streamEvents: true));
        await new SseEventRelay(inspector).RelayAsync(_upstream, Stream.Null, static () => { }, CancellationToken.None);
        return inspector.Usage.Usage.TotalTokens;
    }
}
