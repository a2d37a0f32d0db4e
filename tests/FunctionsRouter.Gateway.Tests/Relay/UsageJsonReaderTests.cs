using System.Text.Json;
using FunctionsRouter.Gateway.Relay;
using FunctionsRouter.Gateway.Usage;

namespace FunctionsRouter.Gateway.Tests.Relay;

public sealed class UsageJsonReaderTests
{
    [Fact]
    public void Read_ChatCompletion_ReadsUsageModelChoicesAndFinishReasons()
    {
        var reader = new UsageJsonReader();

        Read(reader, """{"model":"gpt-4o","choices":[{"index":0,"message":{"content":"x","finish_reason":"not-me"},"finish_reason":"stop"},{"index":1,"finish_reason":"length"}],"usage":{"prompt_tokens":12,"completion_tokens":3,"total_tokens":15}}""");

        Assert.Equal(new TokenUsage(12, 3, 15), reader.Usage);
        Assert.Equal("gpt-4o", reader.ResponseModel);
        Assert.Equal(["stop", "length"], reader.FinishReasons);
        Assert.Equal(2, reader.ChoicesInValue);
        Assert.True(reader.UsageInValue);
    }

    [Fact]
    public void Read_EmbeddingsResponse_CompletionTokensNull()
    {
        var reader = new UsageJsonReader();

        Read(reader, """{"object":"list","data":[{"object":"embedding","embedding":[0.1,-0.2],"index":0}],"model":"text-embedding-3-small","usage":{"prompt_tokens":8,"total_tokens":8}}""");

        Assert.Equal(new TokenUsage(8, null, 8), reader.Usage);
        Assert.Equal(0, reader.ChoicesInValue);
    }

    [Fact]
    public void Read_NestedTokenDetails_DoNotOverrideCountsAndGiveCachedAndReasoning()
    {
        var reader = new UsageJsonReader();

        Read(reader, """{"usage":{"prompt_tokens":100,"prompt_tokens_details":{"cached_tokens":64,"prompt_tokens":1,"total_tokens":2},"completion_tokens":20,"completion_tokens_details":{"completion_tokens":3,"reasoning_tokens":10},"total_tokens":120}}""");

        Assert.Equal(new TokenUsage(100, 20, 120) { CachedTokens = 64, ReasoningTokens = 10 }, reader.Usage);
    }

    [Fact]
    public void Read_CountsAfterNestedDetails_StillRead()
    {
        var reader = new UsageJsonReader();

        Read(reader, """{"usage":{"prompt_tokens_details":{"cached_tokens":64},"prompt_tokens":100,"completion_tokens_details":[1,2],"completion_tokens":20,"total_tokens":120}}""");

        Assert.Equal(new TokenUsage(100, 20, 120) { CachedTokens = 64 }, reader.Usage);
    }

    [Fact]
    public void Read_DetailsInAnotherOrderOrOtherCounts_OnlyCachedAndReasoningTaken()
    {
        var reader = new UsageJsonReader();

        Read(reader, """{"usage":{"completion_tokens_details":{"accepted_prediction_tokens":5,"reasoning_tokens":7,"audio_tokens":1},"prompt_tokens_details":{"audio_tokens":2,"cached_tokens":30},"prompt_tokens":40,"completion_tokens":9,"total_tokens":49,"cached_tokens":99}}""");

        Assert.Equal(new TokenUsage(40, 9, 49) { CachedTokens = 30, ReasoningTokens = 7 }, reader.Usage);
    }

    [Fact]
    public void Read_UsageNull_NoUsage()
    {
        var reader = new UsageJsonReader();

        Read(reader, """{"choices":[],"usage":null}""");

        Assert.True(reader.Usage.IsEmpty);
        Assert.False(reader.UsageInValue);
    }

    [Theory]
    [InlineData("3000000000")]
    [InlineData("1.5")]
    [InlineData("\"12\"")]
    [InlineData("-1e3")]
    public void Read_CountNotAnInt_LeftNull(string value)
    {
        var reader = new UsageJsonReader();

        Read(reader, "{\"usage\":{\"prompt_tokens\":" + value + ",\"total_tokens\":7}}");

        Assert.Equal(new TokenUsage(null, null, 7), reader.Usage);
    }

    [Fact]
    public void BeginValue_NextChunk_ResetsPerValueFactsButKeepsTotals()
    {
        var reader = new UsageJsonReader();
        Read(reader, """{"model":"first","choices":[{"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}}""");

        reader.BeginValue();

        Assert.Equal(0, reader.ChoicesInValue);
        Assert.False(reader.UsageInValue);
        Assert.Equal(new TokenUsage(1, 2, 3), reader.Usage);

        Read(reader, """{"model":"second","choices":[],"usage":{"total_tokens":9}}""");

        Assert.Equal(new TokenUsage(null, null, 9), reader.Usage);
        Assert.Equal("first", reader.ResponseModel);
        Assert.Equal(["stop"], reader.FinishReasons);
        Assert.True(reader.UsageInValue);
    }

    [Fact]
    public void Read_Malformed_ThrowsJsonException()
    {
        var reader = new UsageJsonReader();

        Assert.ThrowsAny<JsonException>(() => Read(reader, """{"usage":{"prompt_tokens":1,,}}"""));
    }

    [Fact]
    public void Read_InvalidUtf8InReadString_ThrowsJsonException()
    {
        var reader = new UsageJsonReader();
        byte[] json = [.. "{\"choices\":[{\"finish_reason\":\"st"u8, 0xC3, 0x28, .. "op\"}]}"u8];

        Assert.ThrowsAny<JsonException>(() =>
        {
            var jsonReader = new Utf8JsonReader(json);
            reader.Read(ref jsonReader);
        });
    }

    [Fact]
    public void Read_LoneSurrogateInModel_ThrowsJsonException()
    {
        var reader = new UsageJsonReader();

        Assert.ThrowsAny<JsonException>(() => Read(reader, """{"model":"\ud800"}"""));
    }

    private static void Read(UsageJsonReader reader, string json)
    {
        var jsonReader = new Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(json));
        reader.Read(ref jsonReader);
    }
}
