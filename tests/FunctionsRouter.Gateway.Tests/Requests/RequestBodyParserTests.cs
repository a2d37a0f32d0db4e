using System.Text;
using FunctionsRouter.Gateway.Errors;
using FunctionsRouter.Gateway.Requests;

namespace FunctionsRouter.Gateway.Tests.Requests;

public sealed class RequestBodyParserTests
{
    [Theory]
    [InlineData("""{"model":"secret-deployment","messages":[],"model":"allowed-alias"}""")]
    [InlineData("""{"model":null,"model":"allowed-alias","messages":[]}""")]
    public void TryParse_DuplicateModel_RejectedSoUpstreamCannotPickAnother(string body)
    {
        var error = RequestBodyParser.TryParse(System.Text.Encoding.UTF8.GetBytes(body), GatewayOperation.ChatCompletions, out _);

        Assert.NotNull(error);
        Assert.Equal(GatewayErrorCode.InvalidJson, error!.Code);
        Assert.Equal("model", error.Param);
    }

    [Theory]
    [InlineData("""{"model":"a","messages":[],"stream":true,"stream_options":{"include_usage":false},"stream_options":{"include_usage":true}}""", "stream_options")]
    [InlineData("""{"model":"a","messages":[],"stream":true,"stream_options":null,"stream_options":{}}""", "stream_options")]
    [InlineData("""{"model":"a","messages":[],"stream":true,"stream_options":{"include_usage":false,"include_usage":true}}""", "stream_options.include_usage")]
    [InlineData("""{"model":"a","messages":[],"stream":false,"stream":true}""", "stream")]
    public void TryParse_DuplicateFieldTheGatewayReads_Rejected(string body, string field)
    {
        var error = RequestBodyParser.TryParse(Encoding.UTF8.GetBytes(body), GatewayOperation.ChatCompletions, out _);

        Assert.NotNull(error);
        Assert.Equal(GatewayErrorCode.InvalidJson, error!.Code);
        Assert.Equal(field, error.Param);
    }

    /// <summary>Invalid UTF-8 in places the reader skips: inside messages, in a property name, in an unknown field.</summary>
    public static TheoryData<string, byte[]> InvalidUtf8 => new()
    {
        { "overlong slash", [0xC0, 0xAF] },
        { "overlong NUL", [0xE0, 0x80, 0x80] },
        { "lone continuation", [0x80] },
        { "truncated sequence", [0xE2, 0x82] },
        { "UTF-8 encoded surrogate", [0xED, 0xA0, 0x80] },
        { "beyond U+10FFFF", [0xF4, 0x90, 0x80, 0x80] },
        { "invalid byte", [0xFF] },
    };

    [Theory]
    [MemberData(nameof(InvalidUtf8))]
    public void TryParse_InvalidUtf8AnywhereInTheBody_InvalidJson(string name, byte[] bad)
    {
        _ = name;
        string[] places = ["""{"model":"a","messages":[{"role":"user","content":"x@y"}]}""", """{"model":"a","messages":[],"x@y":1}""", """{"model":"a","messages":[],"tools":[{"d":"@"}]}"""];
        foreach (var place in places)
        {
            var at = place.IndexOf('@', StringComparison.Ordinal);
            var body = Encoding.UTF8.GetBytes(place[..at]).Concat(bad).Concat(Encoding.UTF8.GetBytes(place[(at + 1)..])).ToArray();

            var error = RequestBodyParser.TryParse(body, GatewayOperation.ChatCompletions, out _);

            Assert.NotNull(error);
            Assert.Equal(GatewayErrorCode.InvalidJson, error!.Code);
        }
    }

    [Fact]
    public void TryParse_ValidMultiByteTextEverywhere_Accepted()
    {
        var body = Encoding.UTF8.GetBytes("""{"model":"a","messages":[{"role":"user","content":"café – 日本 🚀 \ud83d\ude80"}],"é":"ü"}""");

        Assert.Null(RequestBodyParser.TryParse(body, GatewayOperation.ChatCompletions, out _));
    }

    [Fact]
    public void TryParse_PlainModel_ReadsModelAndItsByteRange()
    {
        const string body = """{"model":"gpt-4o","messages":[]}""";

        var parsed = ParseOk(body);

        Assert.Equal("gpt-4o", parsed.Model);
        Assert.Equal("\"gpt-4o\"", Slice(body, parsed.ModelStart, parsed.ModelEnd));
        Assert.Equal(1, parsed.ObjectContentStart);
        Assert.Equal(2, parsed.PropertyCount);
        Assert.False(parsed.Stream);
    }

    [Fact]
    public void TryParse_EscapedModel_UnescapesValueAndKeepsRawRange()
    {
        const string body = """{ "messages": [], "model" : "gpt\u002d4o \"mini\"\\x" }""";

        var parsed = ParseOk(body);

        Assert.Equal("gpt-4o \"mini\"\\x", parsed.Model);
        Assert.Equal("""
            "gpt\u002d4o \"mini\"\\x"
            """, Slice(body, parsed.ModelStart, parsed.ModelEnd));
    }

    [Fact]
    public void TryParse_EscapedPropertyName_IsStillModel()
    {
        const string body = """{"mod\u0065l":"a","messages":[]}""";

        var parsed = ParseOk(body);

        Assert.Equal("a", parsed.Model);
        Assert.Equal("\"a\"", Slice(body, parsed.ModelStart, parsed.ModelEnd));
    }

    [Fact]
    public void TryParse_MultiByteModel_OffsetsAreBytes()
    {
        const string body = """{"messages":[{"role":"user","content":"héllo ✓"}],"model":"模型"}""";
        var bytes = Encoding.UTF8.GetBytes(body);

        Assert.Null(RequestBodyParser.TryParse(bytes, GatewayOperation.ChatCompletions, out var parsed));

        Assert.Equal("模型", parsed.Model);
        Assert.Equal("\"模型\"", Encoding.UTF8.GetString(bytes.AsSpan(parsed.ModelStart..parsed.ModelEnd)));
        Assert.Equal(bytes.Length - 1, parsed.ModelEnd);
    }

    [Fact]
    public void TryParse_ModelAbsent_ModelStartIsMinusOne()
    {
        var parsed = ParseOk("""{"messages":[]}""");

        Assert.Null(parsed.Model);
        Assert.Equal(-1, parsed.ModelStart);
        Assert.Equal(-1, parsed.ModelEnd);
    }

    [Fact]
    public void TryParse_ModelNull_ModelIsNullButRangeIsKnown()
    {
        const string body = """{"model": null ,"messages":[]}""";

        var parsed = ParseOk(body);

        Assert.Null(parsed.Model);
        Assert.Equal("null", Slice(body, parsed.ModelStart, parsed.ModelEnd));
    }

    [Fact]
    public void TryParse_LeadingWhiteSpace_ObjectContentStartIsAfterBrace()
    {
        const string body = "  \r\n\t{\"messages\":[]}  \n";

        var parsed = ParseOk(body);

        Assert.Equal(body.IndexOf('{', StringComparison.Ordinal) + 1, parsed.ObjectContentStart);
    }

    [Theory]
    [InlineData("""{"messages":[],"stream":true}""", true)]
    [InlineData("""{"messages":[],"stream":false}""", false)]
    [InlineData("""{"messages":[],"stream":null}""", false)]
    [InlineData("""{"messages":[]}""", false)]
    public void TryParse_Stream_ReadsBoolean(string body, bool expected)
    {
        Assert.Equal(expected, ParseOk(body).Stream);
    }

    [Fact]
    public void TryParse_StreamOptionsWithIncludeUsageTrue_CallerRequestedUsage()
    {
        const string body = """{"messages":[],"stream":true,"stream_options":{"x":[1,{"y":2}], "include_usage" : true}}""";

        var parsed = ParseOk(body);

        Assert.True(parsed.Stream);
        Assert.True(parsed.CallerRequestedUsage);
        Assert.False(parsed.StreamOptionsIsNull);
        Assert.Equal(2, parsed.StreamOptionsPropertyCount);
        Assert.Equal("""{"x":[1,{"y":2}], "include_usage" : true}""", Slice(body, parsed.StreamOptionsStart, parsed.StreamOptionsEnd));
        Assert.Equal("true", Slice(body, parsed.IncludeUsageStart, parsed.IncludeUsageEnd));
    }

    [Theory]
    [InlineData("false")]
    [InlineData("null")]
    public void TryParse_IncludeUsageNotTrue_CallerDidNotRequestUsage(string value)
    {
        var body = "{\"messages\":[],\"stream\":true,\"stream_options\":{\"include_usage\":" + value + "}}";

        var parsed = ParseOk(body);

        Assert.False(parsed.CallerRequestedUsage);
        Assert.Equal(value, Slice(body, parsed.IncludeUsageStart, parsed.IncludeUsageEnd));
        Assert.Equal(1, parsed.StreamOptionsPropertyCount);
    }

    [Fact]
    public void TryParse_StreamOptionsNull_MarkedNullWithRange()
    {
        const string body = """{"messages":[],"stream":true,"stream_options":null}""";

        var parsed = ParseOk(body);

        Assert.True(parsed.StreamOptionsIsNull);
        Assert.Equal("null", Slice(body, parsed.StreamOptionsStart, parsed.StreamOptionsEnd));
        Assert.Equal(-1, parsed.IncludeUsageStart);
    }

    [Fact]
    public void TryParse_StreamOptionsAbsent_RangesAreMinusOne()
    {
        var parsed = ParseOk("""{"messages":[],"stream":true}""");

        Assert.Equal(-1, parsed.StreamOptionsStart);
        Assert.Equal(-1, parsed.IncludeUsageStart);
        Assert.False(parsed.CallerRequestedUsage);
    }

    [Fact]
    public void TryParse_UnknownFieldsAndNesting_AreSkipped()
    {
        const string body = """
            {"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{"model":{"type":"string"}}}}}],
             "messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA"}}]}],
             "temperature":1.0e2,"n":1,"model":"m","x":{"stream":"not-a-bool","model":5}}
            """;

        var parsed = ParseOk(body);

        Assert.Equal("m", parsed.Model);
        Assert.Equal(6, parsed.PropertyCount);
        Assert.False(parsed.Stream);
    }

    [Fact]
    public void TryParse_Embeddings_StreamIsForcedFalseAndMessagesNotRequired()
    {
        var parsed = ParseOk("""{"model":"e","input":"hi","stream":true}""", GatewayOperation.Embeddings);

        Assert.Equal("e", parsed.Model);
        Assert.False(parsed.Stream);
    }

    [Fact]
    public void TryParse_EmbeddingsEmptyObject_Succeeds()
    {
        var parsed = ParseOk("{}", GatewayOperation.Embeddings);

        Assert.Equal(0, parsed.PropertyCount);
        Assert.Equal(-1, parsed.ModelStart);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("not json")]
    [InlineData("{\"model\":")]
    [InlineData("{\"model\":\"a\",}")]
    [InlineData("{\"model\":'a'}")]
    [InlineData("{\"messages\":[}")]
    public void TryParse_NotJson_InvalidJson(string body)
    {
        AssertError(body, GatewayOperation.ChatCompletions, GatewayErrorCode.InvalidJson, null);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("[{\"model\":\"a\"}]")]
    [InlineData("\"model\"")]
    [InlineData("42")]
    [InlineData("null")]
    public void TryParse_NotAnObject_InvalidJson(string body)
    {
        AssertError(body, GatewayOperation.ChatCompletions, GatewayErrorCode.InvalidJson, null);
    }

    [Theory]
    [InlineData("{\"messages\":[]} x")]
    [InlineData("{\"messages\":[]}{}")]
    [InlineData("{\"messages\":[]}]")]
    [InlineData("{\"messages\":[]}\n{\"messages\":[]}")]
    public void TryParse_TrailingGarbage_InvalidJson(string body)
    {
        AssertError(body, GatewayOperation.ChatCompletions, GatewayErrorCode.InvalidJson, null);
    }

    [Fact]
    public void TryParse_TrailingWhiteSpace_Accepted()
    {
        ParseOk("{\"messages\":[]} \r\n\t ");
    }

    [Theory]
    [InlineData("5")]
    [InlineData("true")]
    [InlineData("[\"a\"]")]
    [InlineData("{\"name\":\"a\"}")]
    public void TryParse_ModelWrongType_InvalidFieldTypeOnModel(string value)
    {
        AssertError("{\"model\":" + value + ",\"messages\":[]}", GatewayOperation.ChatCompletions, GatewayErrorCode.InvalidFieldType, "model");
        AssertError("{\"model\":" + value + ",\"input\":\"x\"}", GatewayOperation.Embeddings, GatewayErrorCode.InvalidFieldType, "model");
    }

    [Theory]
    [InlineData("\"true\"")]
    [InlineData("1")]
    [InlineData("{}")]
    public void TryParse_StreamNotBoolean_InvalidFieldTypeOnStream(string value)
    {
        AssertError("{\"messages\":[],\"stream\":" + value + "}", GatewayOperation.ChatCompletions, GatewayErrorCode.InvalidFieldType, "stream");
    }

    [Theory]
    [InlineData("\"yes\"")]
    [InlineData("[]")]
    [InlineData("true")]
    public void TryParse_StreamOptionsNotObject_InvalidFieldTypeOnStreamOptions(string value)
    {
        AssertError("{\"messages\":[],\"stream\":true,\"stream_options\":" + value + "}", GatewayOperation.ChatCompletions, GatewayErrorCode.InvalidFieldType, "stream_options");
    }

    [Fact]
    public void TryParse_IncludeUsageNotBoolean_InvalidFieldTypeOnIncludeUsage()
    {
        AssertError("""{"messages":[],"stream":true,"stream_options":{"include_usage":"true"}}""", GatewayOperation.ChatCompletions, GatewayErrorCode.InvalidFieldType, "stream_options.include_usage");
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("\"hi\"")]
    [InlineData("null")]
    [InlineData("1")]
    public void TryParse_MessagesNotArray_InvalidFieldTypeOnMessages(string value)
    {
        AssertError("{\"model\":\"a\",\"messages\":" + value + "}", GatewayOperation.ChatCompletions, GatewayErrorCode.InvalidFieldType, "messages");
    }

    [Fact]
    public void TryParse_ChatWithoutMessages_MissingFieldOnMessages()
    {
        AssertError("""{"model":"a","x":{"messages":[]}}""", GatewayOperation.ChatCompletions, GatewayErrorCode.MissingField, "messages");
    }

    [Fact]
    public void TryParse_EmbeddingsWithoutMessages_Succeeds()
    {
        ParseOk("""{"model":"a","input":["x","y"]}""", GatewayOperation.Embeddings);
    }

    [Theory]
    [InlineData("\"\\ud800\"")]
    [InlineData("\"\\udc00x\"")]
    public void TryParse_ModelWithLoneSurrogateEscape_InvalidJsonInsteadOfThrowing(string value)
    {
        AssertError("{\"model\":" + value + ",\"messages\":[]}", GatewayOperation.ChatCompletions, GatewayErrorCode.InvalidJson, null);
    }

    [Fact]
    public void TryParse_ModelWithInvalidUtf8_InvalidJsonInsteadOfThrowing()
    {
        byte[] body = [.. "{\"model\":\"a"u8, 0xFF, 0xFE, .. "\",\"messages\":[]}"u8];

        var error = RequestBodyParser.TryParse(body, GatewayOperation.ChatCompletions, out _);

        Assert.NotNull(error);
        Assert.Equal(GatewayErrorCode.InvalidJson, error.Code);
    }

    [Fact]
    public void TryParse_ResponsesWithPreviousResponseId_ReadsItStreamAndNeedsNoMessages()
    {
        var parsed = ParseOk("""{"model":"r","input":"hi","stream":true,"previous_response_id":"resp_\u0041bc"}""", GatewayOperation.Responses);

        Assert.Equal("resp_Abc", parsed.PreviousResponseId);
        Assert.True(parsed.Stream);
        Assert.False(parsed.AddStreamUsage);
    }

    [Fact]
    public void TryParse_ResponsesPreviousResponseIdNull_Absent()
    {
        Assert.Null(ParseOk("""{"model":"r","previous_response_id":null}""", GatewayOperation.Responses).PreviousResponseId);
    }

    [Theory]
    [InlineData("42")]
    [InlineData("{}")]
    [InlineData("[\"resp_1\"]")]
    public void TryParse_ResponsesPreviousResponseIdNotString_InvalidFieldType(string value)
    {
        AssertError("{\"model\":\"r\",\"previous_response_id\":" + value + "}", GatewayOperation.Responses, GatewayErrorCode.InvalidFieldType, "previous_response_id");
    }

    [Fact]
    public void TryParse_ChatStream_AddsStreamUsageUnlessTheCallerAsked()
    {
        Assert.True(ParseOk("""{"messages":[],"stream":true}""").AddStreamUsage);
        Assert.False(ParseOk("""{"messages":[],"stream":true,"stream_options":{"include_usage":true}}""").AddStreamUsage);
        Assert.Null(ParseOk("""{"messages":[],"previous_response_id":7}""").PreviousResponseId);
    }

    private static ParsedRequest ParseOk(string body, GatewayOperation operation = GatewayOperation.ChatCompletions)
    {
        var error = RequestBodyParser.TryParse(Encoding.UTF8.GetBytes(body), operation, out var parsed);
        Assert.Null(error);
        return parsed;
    }

    private static void AssertError(string body, GatewayOperation operation, GatewayErrorCode code, string? param)
    {
        var error = RequestBodyParser.TryParse(Encoding.UTF8.GetBytes(body), operation, out _);

        Assert.NotNull(error);
        Assert.Equal(code, error.Code);
        Assert.Equal(param, error.Param);
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
    }

    // The parser's offsets are byte offsets into the UTF-8 body.
    private static string Slice(string ascii, int start, int end) => Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(ascii)[start..end]);
}
