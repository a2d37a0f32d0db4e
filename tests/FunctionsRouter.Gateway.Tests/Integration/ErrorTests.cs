using System.Net;
using System.Text;
using System.Text.Json;

namespace FunctionsRouter.Gateway.Tests.Integration;

/// <summary>The gateway's own errors: one JSON shape, the right status, never a 500, and a usage record once routed.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class ErrorTests(IntegrationFixture fixture)
{
    public static TheoryData<string, int, string, string?> BadInput => new()
    {
        { "{not json", 400, "invalid_json", null },
        { "[1,2]", 400, "invalid_json", null },
        { """{"model":42,"messages":[]}""", 400, "invalid_type", "model" },
        { """{"model":"chat-default","messages":"hi"}""", 400, "invalid_type", "messages" },
        { """{"model":"chat-default","messages":[],"stream":"yes"}""", 400, "invalid_type", "stream" },
        { """{"model":"chat-default"}""", 400, "missing_required_parameter", "messages" },
        { """{"messages":[]}""", 400, "no_model_name", "model" },
        { """{"model":"","messages":[]}""", 400, "no_model_name", "model" },
        { """{"model":"nope","messages":[]}""", 404, "unknown_model", "model" },
        { """{"model":"disabled","messages":[]}""", 503, "no_enabled_deployment", "model" },
        { """{"model":"unreachable","messages":[]}""", 502, "upstream_unreachable", null },
        { """{"model":"slow","messages":[]}""", 504, "upstream_timeout", null },
    };

    [Theory]
    [MemberData(nameof(BadInput))]
    public async Task Post_BadInputOrUnavailableTarget_AnswersGatewayErrorShape(string body, int status, string code, string? param)
    {
        using var response = await fixture.Gateway.Http.PostAsync("/api/v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var error = json.RootElement.GetProperty("error");
        Assert.Equal(code, error.GetProperty("code").GetString());
        Assert.Equal(status, error.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
        Assert.False(string.IsNullOrEmpty(error.GetProperty("type").GetString()));
        Assert.Equal(param, error.GetProperty("param").GetString());
    }

    [Fact]
    public async Task Post_UnknownAlias_MessageNamesItAndUsageRecorded()
    {
        var requestId = "u-" + Guid.NewGuid().ToString("N");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/models/chat/completions") { Content = PassThroughTests.Json("""{"model":"Mistral-Nope","messages":[]}""") };
        request.Headers.Add("x-request-id", requestId);

        using var response = await fixture.Gateway.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("Unknown model: Mistral-Nope", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var row = Assert.Single(await fixture.Gateway.WaitForUsageAsync(requestId));
        Assert.Equal(404, row.GetInt32("HttpStatus"));
        Assert.Equal("unknown_model", row.GetString("ErrorCode"));
        Assert.Equal(0, row.GetInt32("Attempts"));
    }

    [Fact]
    public async Task Post_BodyOverLimit_413AfterReadingTheBody()
    {
        var big = """{"model":"chat-default","messages":[{"role":"user","content":""" + "\"" + new string('x', 100_000) + "\"}]}";

        using var response = await fixture.Gateway.Http.PostAsync("/api/v1/chat/completions", new StringContent(big, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("\"code\":\"request_too_large\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("broken", 500)]
    [InlineData("rejected", 422)]
    public async Task Post_UpstreamError_RelayedWithStatusBodyAndHeaders(string alias, int status)
    {
        var requestId = "e-" + Guid.NewGuid().ToString("N");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/chat/completions") { Content = PassThroughTests.Json($$"""{"model":"{{alias}}","messages":[]}""") };
        request.Headers.Add("x-request-id", requestId);

        using var response = await fixture.Gateway.Http.SendAsync(request);

        Assert.Equal(status, (int)response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("\"error\":{\"code\":", text, StringComparison.Ordinal);
        Assert.True(response.Headers.Contains("apim-request-id"));
        Assert.Equal("1", response.Headers.GetValues("x-router-attempts").Single());

        var row = Assert.Single(await fixture.Gateway.WaitForUsageAsync(requestId));
        Assert.Equal(status, row.GetInt32("HttpStatus"));
        Assert.StartsWith("up-", row.GetString("UpstreamRequestId"), StringComparison.Ordinal);
    }
}
