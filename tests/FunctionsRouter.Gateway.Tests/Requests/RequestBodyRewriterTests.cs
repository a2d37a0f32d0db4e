using System.Text;
using System.Text.Json;
using FunctionsRouter.Gateway.Requests;

namespace FunctionsRouter.Gateway.Tests.Requests;

public sealed class RequestBodyRewriterTests
{
    private const string Deployment = "\"gpt-4o-2024-11-20\"";

    [Fact]
    public void Rewrite_ModelPresent_OnlyModelValueChanges()
    {
        const string body = """{"model":"fast","messages":[{"role":"user","content":"hi"}]}""";

        var output = Rewrite(body);

        Assert.Equal("""{"model":"gpt-4o-2024-11-20","messages":[{"role":"user","content":"hi"}]}""", output);
    }

    [Fact]
    public void Rewrite_OddSpacingNumbersEscapesAndUnknownFields_PassByteForByte()
    {
        const string body = "{ \"temperature\" :1.0e2 ,\r\n\t\"top_p\":  0.50,\"seed\":-0,\"n\":1E+0,\n"
            + "  \"model\"   :   \"fa\\u0073t\"  ,\n"
            + "  \"messages\":[{\"role\":\"user\",\"content\":\"caf\\u00e9 \\ud83d\\ude00 \\\"quoted\\\" \\/ \u00e9\"}],"
            + "\"my_unknown_field\":{\"deep\":[null,true,false,{\"model\":\"not-me\"}]},"
            + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}}}]"
            + "   }  ";

        var output = Rewrite(body);

        var expected = body.Replace("\"fa\\u0073t\"", Deployment, StringComparison.Ordinal);
        Assert.NotEqual(body, expected);
        Assert.Equal(expected, output);
    }

    [Fact]
    public void Rewrite_ImageParts_PassByteForByte()
    {
        const string body = """{"messages":[{"role":"user","content":[{"type":"text","text":"what is this?"},{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==","detail":"high"}}]}],"model":"vision"}""";

        var output = Rewrite(body);

        Assert.Equal(body.Replace("\"vision\"", Deployment, StringComparison.Ordinal), output);
    }

    [Fact]
    public void Rewrite_ModelNull_ReplacedInPlace()
    {
        const string body = """{"messages":[],"model" : null }""";

        Assert.Equal("""{"messages":[],"model" : "gpt-4o-2024-11-20" }""", Rewrite(body));
    }

    [Fact]
    public void Rewrite_DeploymentNeedingEscapes_SplicedAsGiven()
    {
        const string body = """{"model":"m","messages":[]}""";

        Assert.Equal("""{"model":"a\"b\u00e9","messages":[]}""", Rewrite(body, deploymentJson: "\"a\\\"b\\u00e9\""));
    }

    [Fact]
    public void Rewrite_ModelAbsentWithOtherProperties_InsertedFirstWithComma()
    {
        const string body = """{ "messages":[] , "n":2}""";

        Assert.Equal("""{"model":"gpt-4o-2024-11-20", "messages":[] , "n":2}""", Rewrite(body));
    }

    [Fact]
    public void Rewrite_ModelAbsentOnlyProperty_Embeddings_InsertedWithComma()
    {
        const string body = """{"input":["a","b"]}""";

        Assert.Equal("""{"model":"gpt-4o-2024-11-20","input":["a","b"]}""", Rewrite(body, GatewayOperation.Embeddings));
    }

    [Theory]
    [InlineData("{}", "{\"model\":\"gpt-4o-2024-11-20\"}")]
    [InlineData("{ }", "{\"model\":\"gpt-4o-2024-11-20\" }")]
    [InlineData(" {\n} ", " {\"model\":\"gpt-4o-2024-11-20\"\n} ")]
    public void Rewrite_EmptyObject_ModelInsertedWithoutComma(string body, string expected)
    {
        Assert.Equal(expected, Rewrite(body, GatewayOperation.Embeddings));
    }

    [Fact]
    public void Rewrite_StreamWithoutStreamOptions_StreamOptionsInserted()
    {
        const string body = """{"model":"fast","stream":true,"messages":[]}""";

        Assert.Equal("""{"stream_options":{"include_usage":true},"model":"gpt-4o-2024-11-20","stream":true,"messages":[]}""", Rewrite(body));
    }

    [Fact]
    public void Rewrite_StreamWithoutModelOrStreamOptions_BothInserted()
    {
        const string body = """{"stream":true,"messages":[]}""";

        Assert.Equal("""{"model":"gpt-4o-2024-11-20","stream_options":{"include_usage":true},"stream":true,"messages":[]}""", Rewrite(body));
    }

    [Fact]
    public void Rewrite_StreamOptionsNull_ReplacedWithIncludeUsage()
    {
        const string body = """{"model":"fast","stream":true,"stream_options": null ,"messages":[]}""";

        Assert.Equal("""{"model":"gpt-4o-2024-11-20","stream":true,"stream_options": {"include_usage":true} ,"messages":[]}""", Rewrite(body));
    }

    [Theory]
    [InlineData("false")]
    [InlineData("null")]
    public void Rewrite_IncludeUsageNotTrue_ReplacedWithTrue(string value)
    {
        var body = "{\"messages\":[],\"stream_options\":{ \"include_usage\" : " + value + " , \"other\":1},\"stream\":true,\"model\":\"fast\"}";

        Assert.Equal(
            "{\"messages\":[],\"stream_options\":{ \"include_usage\" : true , \"other\":1},\"stream\":true,\"model\":\"gpt-4o-2024-11-20\"}",
            Rewrite(body));
    }

    [Fact]
    public void Rewrite_EmptyStreamOptionsObject_IncludeUsageInsertedWithoutComma()
    {
        const string body = """{"model":"fast","stream":true,"stream_options":{ },"messages":[]}""";

        Assert.Equal("""{"model":"gpt-4o-2024-11-20","stream":true,"stream_options":{"include_usage":true },"messages":[]}""", Rewrite(body));
    }

    [Fact]
    public void Rewrite_StreamOptionsWithOtherProperties_IncludeUsageInsertedWithComma()
    {
        const string body = """{"model":"fast","stream":true,"stream_options":{"continuous_usage_stats":false},"messages":[]}""";

        Assert.Equal("""{"model":"gpt-4o-2024-11-20","stream":true,"stream_options":{"include_usage":true,"continuous_usage_stats":false},"messages":[]}""", Rewrite(body));
    }

    [Fact]
    public void Rewrite_StreamOptionsBeforeModel_BothSplicedInBodyOrder()
    {
        const string body = """{"stream_options":{"x":1},"messages":[],"stream":true,"model":"fast"}""";

        Assert.Equal("""{"stream_options":{"include_usage":true,"x":1},"messages":[],"stream":true,"model":"gpt-4o-2024-11-20"}""", Rewrite(body));
    }

    [Fact]
    public void Rewrite_ModelAbsentAndIncludeUsageFalse_ModelInsertedAndUsageReplaced()
    {
        const string body = """{"stream":true,"stream_options":{"include_usage":false},"messages":[]}""";

        Assert.Equal("""{"model":"gpt-4o-2024-11-20","stream":true,"stream_options":{"include_usage":true},"messages":[]}""", Rewrite(body));
    }

    [Theory]
    [InlineData("{\"model\":\"fast\",\"stream\":true,\"stream_options\":{\"include_usage\":true},\"messages\":[]}")]
    [InlineData("{\"model\":\"fast\",\"stream\":true,\"stream_options\":{\"x\":[1], \"include_usage\" :true },\"messages\":[]}")]
    public void Rewrite_CallerAskedUsage_OnlyModelChanges(string body)
    {
        Assert.Equal(body.Replace("\"fast\"", Deployment, StringComparison.Ordinal), Rewrite(body));
    }

    [Theory]
    [InlineData("{\"model\":\"fast\",\"stream\":false,\"messages\":[]}")]
    [InlineData("{\"model\":\"fast\",\"stream\":false,\"stream_options\":null,\"messages\":[]}")]
    [InlineData("{\"model\":\"fast\",\"stream_options\":{\"include_usage\":false},\"messages\":[]}")]
    public void Rewrite_NotStreaming_OnlyModelChanges(string body)
    {
        Assert.Equal(body.Replace("\"fast\"", Deployment, StringComparison.Ordinal), Rewrite(body));
    }

    [Theory]
    [InlineData("{\"model\":\"emb\",\"input\":\"x\",\"stream\":true}")]
    [InlineData("{\"model\":\"emb\",\"input\":\"x\",\"stream\":true,\"stream_options\":null}")]
    [InlineData("{\"model\":\"emb\",\"input\":\"x\",\"stream\":true,\"stream_options\":{\"include_usage\":false}}")]
    public void Rewrite_EmbeddingsWithStreamTrue_NeverGetsStreamOptions(string body)
    {
        Assert.Equal(body.Replace("\"emb\"", Deployment, StringComparison.Ordinal), Rewrite(body, GatewayOperation.Embeddings));
    }

    [Fact]
    public void Rewrite_LargeBody_OutputLengthIsExact()
    {
        var content = new string('x', 100_000);
        var body = "{\"messages\":[{\"role\":\"user\",\"content\":\"" + content + "\"}],\"stream\":true}";

        var output = Rewrite(body);

        Assert.Equal("{\"model\":\"gpt-4o-2024-11-20\",\"stream_options\":{\"include_usage\":true}," + body[1..], output);
    }

    [Theory]
    [InlineData("""{"model":"r","input":"hi","stream":true}""", """{"model":"gpt-4o-2024-11-20","input":"hi","stream":true}""")]
    [InlineData("""{"input":"hi","stream":true,"previous_response_id":"resp_1"}""", """{"model":"gpt-4o-2024-11-20","input":"hi","stream":true,"previous_response_id":"resp_1"}""")]
    public void Rewrite_ResponsesStream_OnlyModelChangesNoStreamOptionsAdded(string body, string expected)
    {
        // The Responses API reports usage in its last event and has no include_usage option.
        Assert.Equal(expected, Rewrite(body, GatewayOperation.Responses));
    }

    private static string Rewrite(string body, GatewayOperation operation = GatewayOperation.ChatCompletions, string deploymentJson = Deployment)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        Assert.Null(RequestBodyParser.TryParse(bytes, operation, out var parsed));

        using var output = RequestBodyRewriter.Rewrite(bytes, parsed, Encoding.UTF8.GetBytes(deploymentJson));

        // Every output is valid JSON, whose model is the deployment.
        using (var document = JsonDocument.Parse(output.Memory))
        {
            Assert.Equal(JsonSerializer.Deserialize<string>(deploymentJson), document.RootElement.GetProperty("model").GetString());
        }

        // And it still parses as the gateway reads bodies, with the same shape.
        Assert.Null(RequestBodyParser.TryParse(output.Span, operation, out var reparsed));
        Assert.Equal(parsed.Stream, reparsed.Stream);
        Assert.True(!parsed.AddStreamUsage || reparsed.CallerRequestedUsage, "a rewritten chat stream always asks for usage");

        return Encoding.UTF8.GetString(output.Span);
    }
}
