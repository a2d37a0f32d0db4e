using System.Text;
using FunctionsRouter.Gateway.Relay;
using FunctionsRouter.Gateway.Usage;

namespace FunctionsRouter.Gateway.Tests.Relay;

public sealed class JsonBodyUsageScannerTests
{
    private const string ChatCompletion = """
        {
          "id": "chatcmpl-1",
          "object": "chat.completion",
          "created": 1732000000,
          "model": "gpt-4o-2024-11-20",
          "choices": [
            {
              "index": 0,
              "message": { "role": "assistant", "content": "The \"usage\": {\"prompt_tokens\": 1} is text here.", "refusal": null },
              "logprobs": null,
              "finish_reason": "stop"
            }
          ],
          "usage": {
            "prompt_tokens": 19,
            "completion_tokens": 10,
            "total_tokens": 29,
            "prompt_tokens_details": { "cached_tokens": 7, "prompt_tokens": 777, "audio_tokens": 0 },
            "completion_tokens_details": { "reasoning_tokens": 0, "completion_tokens": 888 }
          },
          "system_fingerprint": "fp_1"
        }

        """;

    private const string Embeddings = """{"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.0023064255,-0.009327292,1.5e-3,-2E+2]},{"object":"embedding","index":1,"embedding":[0.1,0.2]}],"model":"text-embedding-3-small","usage":{"prompt_tokens":8,"total_tokens":8}}""";

    public static TheoryData<string, int?, int?, int?, int?, int?> Bodies => new()
    {
        { ChatCompletion, 19, 10, 29, 7, 0 },
        { Embeddings, 8, null, 8, null, null },
    };

    [Theory]
    [MemberData(nameof(Bodies))]
    public void Append_WholeBody_ReadsUsage(string body, int? prompt, int? completion, int? total, int? cached, int? reasoning)
    {
        using var scanner = new JsonBodyUsageScanner();

        scanner.Append(Encoding.UTF8.GetBytes(body));

        Assert.Equal(new TokenUsage(prompt, completion, total) { CachedTokens = cached, ReasoningTokens = reasoning }, scanner.Reader.Usage);
    }

    [Fact]
    public void Append_ChatCompletion_ReadsModelAndFinishReason()
    {
        using var scanner = new JsonBodyUsageScanner();

        scanner.Append(Encoding.UTF8.GetBytes(ChatCompletion));

        Assert.Equal("gpt-4o-2024-11-20", scanner.Reader.ResponseModel);
        Assert.Equal(["stop"], scanner.Reader.FinishReasons);
        Assert.Equal(1, ((UsageJsonReader)scanner.Reader).ChoicesInValue);
    }

    [Theory]
    [MemberData(nameof(Bodies))]
    public void Append_SplitAtEveryPosition_ReadsUsage(string body, int? prompt, int? completion, int? total, int? cached, int? reasoning)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var expected = new TokenUsage(prompt, completion, total) { CachedTokens = cached, ReasoningTokens = reasoning };

        for (var split = 0; split <= bytes.Length; split++)
        {
            using var scanner = new JsonBodyUsageScanner();

            scanner.Append(bytes.AsSpan(0, split));
            scanner.Append(bytes.AsSpan(split));

            Assert.True(expected == scanner.Reader.Usage, $"split at {split}: {scanner.Reader.Usage}");
        }
    }

    [Theory]
    [MemberData(nameof(Bodies))]
    public void Append_ByteByByte_ReadsUsage(string body, int? prompt, int? completion, int? total, int? cached, int? reasoning)
    {
        using var scanner = new JsonBodyUsageScanner();

        foreach (var b in Encoding.UTF8.GetBytes(body))
        {
            scanner.Append([b]);
        }

        Assert.Equal(new TokenUsage(prompt, completion, total) { CachedTokens = cached, ReasoningTokens = reasoning }, scanner.Reader.Usage);
    }

    [Fact]
    public void Append_LargeBodyInChunks_ReadsUsageAfterIt()
    {
        var vector = string.Join(',', Enumerable.Range(0, 30_000).Select(i => (i * 0.000123).ToString("R", System.Globalization.CultureInfo.InvariantCulture)));
        var body = Encoding.UTF8.GetBytes("{\"object\":\"list\",\"data\":[{\"embedding\":[" + vector + "],\"note\":\"" + new string('z', 50_000) + "\"}],\"usage\":{\"prompt_tokens\":3,\"total_tokens\":3}}");
        using var scanner = new JsonBodyUsageScanner();

        foreach (var chunk in body.Chunk(1_000))
        {
            scanner.Append(chunk);
        }

        Assert.Equal(new TokenUsage(3, null, 3), scanner.Reader.Usage);
    }

    [Fact]
    public void Append_UsageNull_UsageIsEmpty()
    {
        using var scanner = new JsonBodyUsageScanner();

        scanner.Append("""{"model":"m","choices":[],"usage":null}"""u8);

        Assert.True(scanner.Reader.Usage.IsEmpty);
        Assert.False(((UsageJsonReader)scanner.Reader).UsageInValue);
    }

    [Fact]
    public void Append_UsageOnlyNestedDeeper_IsIgnored()
    {
        using var scanner = new JsonBodyUsageScanner();

        scanner.Append("""{"metadata":{"usage":{"prompt_tokens":1,"total_tokens":1}},"data":[{"usage":{"total_tokens":2}}]}"""u8);

        Assert.True(scanner.Reader.Usage.IsEmpty);
    }

    [Theory]
    [InlineData("{\"usage\":{\"prompt_tokens\":1,,\"total_tokens\":2}}")]
    [InlineData("{\"usage\" {\"prompt_tokens\":1}}")]
    [InlineData("[}")]
    [InlineData("<html>502 Bad Gateway</html>")]
    [InlineData("{\"a\":1}{\"usage\":{\"prompt_tokens\":5,\"total_tokens\":5}}")]
    public void Append_MalformedJson_StopsWithoutThrowing(string body)
    {
        using var scanner = new JsonBodyUsageScanner();

        foreach (var chunk in Encoding.UTF8.GetBytes(body).Chunk(3))
        {
            scanner.Append(chunk);
        }

        // Nothing after the point where it broke is read.
        Assert.Null(scanner.Reader.Usage.TotalTokens);
    }

    [Fact]
    public void Append_AfterMalformedJson_LaterChunksAreIgnored()
    {
        using var scanner = new JsonBodyUsageScanner();

        scanner.Append("{\"x\":tru"u8);
        scanner.Append("x,"u8);
        scanner.Append("\"usage\":{\"prompt_tokens\":1,\"total_tokens\":1}}"u8);

        Assert.True(scanner.Reader.Usage.IsEmpty);
    }

    [Fact]
    public void Append_InvalidUtf8InModel_StopsWithoutThrowing()
    {
        using var scanner = new JsonBodyUsageScanner();

        scanner.Append([.. "{\"model\":\"gpt"u8, 0xFF, 0xFE, .. "\",\"usage\":{\"prompt_tokens\":1,\"total_tokens\":1}}"u8]);

        Assert.Null(scanner.Reader.ResponseModel);
    }

    [Fact]
    public void Append_UsageBeforeChoices_ReadsBoth()
    {
        using var scanner = new JsonBodyUsageScanner();

        scanner.Append("""{"usage":{"total_tokens":4,"prompt_tokens":3,"completion_tokens":1},"choices":[{"finish_reason":"length"},{"finish_reason":"content_filter"}]}"""u8);

        Assert.Equal(new TokenUsage(3, 1, 4), scanner.Reader.Usage);
        Assert.Equal(["length", "content_filter"], scanner.Reader.FinishReasons);
        Assert.Equal(2, ((UsageJsonReader)scanner.Reader).ChoicesInValue);
    }
}
