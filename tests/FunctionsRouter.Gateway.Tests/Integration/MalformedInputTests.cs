using System.Net;
using System.Text;
using System.Text.Json;
using FunctionsRouter.Gateway.Tests.Support;

namespace FunctionsRouter.Gateway.Tests.Integration;

/// <summary>
/// Hostile and malformed requests: each is refused by the gateway in its error shape, and none reaches the upstream
/// (a request the gateway should have refused must not count against a deployment).
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class MalformedInputTests(IntegrationFixture fixture)
{
    private const string Path = "/api/v1/chat/completions";

    public static TheoryData<string, byte[], string> MalformedBodies
    {
        get
        {
            var data = new TheoryData<string, byte[], string>();
            byte[][] badUtf8 = [[0xC0, 0xAF], [0xE0, 0x80, 0x80], [0x80], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80]];
            foreach (var bad in badUtf8)
            {
                data.Add("utf8 " + Convert.ToHexString(bad), Splice("""{"model":"chat-default","messages":[{"role":"user","content":"a@b"}]}""", bad), "invalid_json");
            }

            data.Add("utf8 in property name", Splice("""{"model":"chat-default","messages":[],"x@":1}""", [0xFF]), "invalid_json");
            data.Add("duplicate stream_options", Encoding.UTF8.GetBytes("""{"model":"chat-default","messages":[],"stream":true,"stream_options":{"include_usage":false},"stream_options":{"include_usage":true}}"""), "invalid_json");
            data.Add("duplicate stream_options, first null", Encoding.UTF8.GetBytes("""{"model":"chat-default","messages":[],"stream":true,"stream_options":null,"stream_options":{}}"""), "invalid_json");
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(MalformedBodies))]
    public async Task Post_MalformedBody_400BeforeTheUpstream(string name, byte[] body, string code)
    {
        _ = name;
        var before = fixture.Upstream.Received.Count;

        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new("application/json");
        using var response = await fixture.Gateway.Http.PostAsync(Path, content);

        await AssertErrorAsync(response, 400, code);
        Assert.Equal(before, fixture.Upstream.Received.Count);
    }

    [Theory]
    [InlineData("extra-parameters: pass-thr\u00f6ugh\r\n", "extra-parameters")]
    [InlineData("extra-parameters: drop\u007f\r\n", "extra-parameters")]
    [InlineData("extra-parameters: pass\tthrough\r\n", "extra-parameters")]
    [InlineData("x-request-id: id-\u00e9\r\n", "x-request-id")]
    [InlineData("x-request-id: id\tx\r\n", "x-request-id")]
    public async Task Post_ForwardedHeaderNotPrintableAscii_400InvalidHeaderBeforeTheUpstream(string headerLine, string header)
    {
        var before = fixture.Upstream.Received.Count;
        var body = Encoding.UTF8.GetBytes("""{"model":"chat-default","messages":[]}""");

        var (status, text) = await RawHttp.SendAsync(
            fixture.Gateway.BaseUri, RawHttp.Head(Path, fixture.Gateway.BaseUri, headerLine + $"Content-Length: {body.Length}\r\n"), body);

        Assert.Equal(400, status);
        var error = JsonDocument.Parse(text).RootElement.GetProperty("error");
        Assert.Equal("invalid_header", error.GetProperty("code").GetString());
        Assert.Equal(header, error.GetProperty("param").GetString());
        Assert.Equal(before, fixture.Upstream.Received.Count);
    }

    [Fact]
    public async Task Post_MalformedChunkedBody_400InTheGatewaysShape()
    {
        var before = fixture.Upstream.Received.Count;

        var (status, text) = await RawHttp.SendAsync(
            fixture.Gateway.BaseUri,
            RawHttp.Head(Path, fixture.Gateway.BaseUri, "Transfer-Encoding: chunked\r\n"),
            Encoding.ASCII.GetBytes("5\r\n{\"mod\r\nzz-not-a-size\r\nel\"\r\n0\r\n\r\n"));

        Assert.Equal(400, status);
        Assert.Equal("invalid_json", JsonDocument.Parse(text).RootElement.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(before, fixture.Upstream.Received.Count);
    }

    [Fact]
    public async Task Post_40MegabyteBody_413WithKestrelsOwnLimitInPlace()
    {
        // The host is wired as the app is: Kestrel's default limit (30,000,000 bytes) is not raised by the test.
        var big = new byte[40 * 1024 * 1024];
        Array.Fill(big, (byte)' ');
        Encoding.UTF8.GetBytes("""{"model":"chat-default","messages":[]}""").CopyTo(big, 0);
        var before = fixture.Upstream.Received.Count;

        using var content = new ByteArrayContent(big);
        content.Headers.ContentType = new("application/json");
        using var response = await fixture.Gateway.Http.PostAsync(Path, content);

        await AssertErrorAsync(response, 413, "request_too_large");
        Assert.Equal(before, fixture.Upstream.Received.Count);
    }

    [Fact]
    public async Task Post_HugeUnknownAlias_404EchoesOnlyTheStartOfItAndItsUsageRowIsWritten()
    {
        var alias = new string('q', 60_000);
        using var request = new HttpRequestMessage(HttpMethod.Post, Path) { Content = new StringContent("{\"model\":\"" + alias + "\",\"messages\":[]}", Encoding.UTF8, "application/json") };
        request.Headers.Add("x-request-id", "huge-alias-" + Guid.NewGuid().ToString("N"));

        using var response = await fixture.Gateway.Http.SendAsync(request);

        var message = (await AssertErrorAsync(response, 404, "unknown_model")).GetProperty("message").GetString()!;
        Assert.Equal("Unknown model: " + new string('q', 256) + "…", message);
        // Table Storage refuses a property over 64 KiB: the row keeps the same start of the name, so it can be written.
        var row = Assert.Single(await fixture.Gateway.WaitForUsageAsync(request.Headers.GetValues("x-request-id").Single()));
        Assert.Equal(new string('q', 256) + "…", row.GetString("Alias"));
    }

    private static byte[] Splice(string template, byte[] bad)
    {
        var at = template.IndexOf('@', StringComparison.Ordinal);
        return [.. Encoding.UTF8.GetBytes(template[..at]), .. bad, .. Encoding.UTF8.GetBytes(template[(at + 1)..])];
    }

    private static async Task<JsonElement> AssertErrorAsync(HttpResponseMessage response, int status, string code)
    {
        Assert.Equal((HttpStatusCode)status, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").Clone();
        Assert.Equal(code, error.GetProperty("code").GetString());
        Assert.Equal(status, error.GetProperty("status").GetInt32());
        return error;
    }
}
