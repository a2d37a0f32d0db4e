using System.Text;
using BenchmarkDotNet.Attributes;
using FunctionsRouter.Gateway.Aliases;
using FunctionsRouter.Gateway.Requests;

namespace FunctionsRouter.Benchmarks.Requests;

/// <summary>
/// What the gateway does to every request body: one forward pass to find <c>model</c>, <c>stream</c> and
/// <c>stream_options</c> (<see cref="RequestBodyParser"/>), then the byte splice that puts the deployment in
/// (<see cref="RequestBodyRewriter"/>; for a stream it also asks for usage). A chat body of about 1 KB.
/// <see cref="ValidateUtf8"/> is the share of the parse that checks the whole body is UTF-8.
/// </summary>
[MemoryDiagnoser]
public class RequestRewriteBenchmarks
{
    private static readonly string Messages =
        """[{"role":"system","content":"You are a helpful assistant that answers in one short paragraph."},""" +
        """{"role":"user","content":"What is the capital of France, and what is it known for? Please include one historical fact."},""" +
        """{"role":"assistant","content":"Paris is the capital of France, known for the Eiffel Tower, the Louvre and its cafés."},""" +
        """{"role":"user","content":"And which river runs through it? Answer with the name and one sentence about it."}]""";

    private readonly byte[] _deploymentJson = new AliasTarget("chat-default", "primary", "gpt-4o-mini-2024-07-18", "default", true, 0, 1).DeploymentJson;
    private byte[] _body = [];

    [Params(false, true)]
    public bool Stream { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var stream = Stream ? "\"stream\":true," : string.Empty;
        _body = Encoding.UTF8.GetBytes(
            "{\"model\":\"chat-default\"," + stream + "\"messages\":" + Messages +
            ",\"temperature\":0.2,\"max_tokens\":256,\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}}}]}");
    }

    [Benchmark]
    public int ParseAndRewrite()
    {
        if (RequestBodyParser.TryParse(_body, GatewayOperation.ChatCompletions, out var parsed) is not null)
        {
            throw new InvalidOperationException("The benchmark body must parse.");
        }

        using var rewritten = RequestBodyRewriter.Rewrite(_body, parsed, _deploymentJson);
        return rewritten.Length;
    }

    [Benchmark]
    public bool ValidateUtf8() => System.Text.Unicode.Utf8.IsValid(_body);
}
