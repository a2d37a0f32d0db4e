using System.Text;
using FunctionsRouter.Gateway.Limits;
using FunctionsRouter.Gateway.Requests;

namespace FunctionsRouter.Gateway.Tests.Limits;

public sealed class TokenEstimateTests
{
    [Fact]
    public void Of_Chat_StringBytesOverFourPlusMaxTokens()
    {
        // Strings: "fast" (4), "user" (4), "hello world!" (12) = 20 bytes → 5 tokens; + 50.
        Assert.Equal(55, Estimate("""{"model":"fast","messages":[{"role":"user","content":"hello world!"}],"max_tokens":50}""", GatewayOperation.ChatCompletions));
    }

    [Fact]
    public void Of_NoMaxTokens_TheDefault_EmbeddingsNone()
    {
        Assert.Equal(5 + 100, Estimate("""{"model":"fast","messages":[{"role":"user","content":"hello world!"}]}""", GatewayOperation.ChatCompletions));
        Assert.Equal(2, Estimate("""{"model":"embed","input":"hi"}""", GatewayOperation.Embeddings)); // "embed" + "hi" = 7 bytes.
    }

    [Fact]
    public void Of_Images_FixedCostWhateverTheirSize()
    {
        var image = "data:image/png;base64," + new string('A', 100_000);
        var body = $$$"""{"model":"m","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"{{{image}}}"}},{"type":"image_url","image_url":{"url":"https://example.com/a.png"}}]}],"max_completion_tokens":10}""";

        // Strings: m, user, image_url ×2, type ×… — "m"(1) "user"(4) "image_url"(9) "image_url"(9) = 23 bytes → 6; two images; 10.
        Assert.Equal(6 + (2 * TokenEstimate.ImageTokens) + 10, Estimate(body, GatewayOperation.ChatCompletions));
    }

    [Fact]
    public void Of_TokenIdsAndResponsesMaxOutput_CountedOneEach()
    {
        Assert.Equal(1 + 4, Estimate("""{"model":"e","input":[1,2,3,4]}""", GatewayOperation.Embeddings));
        Assert.Equal(1 + 7, Estimate("""{"model":"r","input":"hi","max_output_tokens":7}""", GatewayOperation.Responses));
    }

    private static long Estimate(string body, GatewayOperation operation) =>
        TokenEstimate.Of(Encoding.UTF8.GetBytes(body), operation, defaultOutputTokens: 100);
}
