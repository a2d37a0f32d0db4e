using System.Net;
using System.Text;

namespace FunctionsRouter.Gateway.Tests.Integration;

/// <summary>Server-sent events relayed as they arrive, with exact usage, and cut streams told honestly.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class StreamingTests(IntegrationFixture fixture)
{
    private const string StreamBody = """{"model":"chat-default","stream":true,"messages":[{"role":"user","content":"hi"}]}""";

    [Fact]
    public async Task Stream_UpstreamPausesAfterFirstChunk_CallerAlreadyHasIt()
    {
        fixture.Upstream.ResetSignals();
        var pause = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        fixture.Upstream.PauseAfterFirstChunk = pause;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/models/chat/completions") { Content = PassThroughTests.Json(StreamBody) };
            using var response = await fixture.Gateway.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());

            var firstEvent = await ReadEventAsync(reader).WaitAsync(TimeSpan.FromSeconds(10));

            // The upstream is still paused: this chunk was relayed without waiting for the rest.
            Assert.False(pause.Task.IsCompleted);
            Assert.Contains("\"content\":\"Hello\"", firstEvent, StringComparison.Ordinal);
            pause.SetResult();
            var rest = await reader.ReadToEndAsync();
            Assert.Contains("\"content\":\" world\"", rest, StringComparison.Ordinal);
            Assert.EndsWith("data: [DONE]\n\n", rest, StringComparison.Ordinal);
        }
        finally
        {
            fixture.Upstream.PauseAfterFirstChunk = null;
        }
    }

    [Fact]
    public async Task Stream_CallerDidNotAskForUsage_UsageChunkNotForwardedButRecorded()
    {
        var requestId = "s-" + Guid.NewGuid().ToString("N");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/chat/completions") { Content = PassThroughTests.Json(StreamBody) };
        request.Headers.Add("x-request-id", requestId);

        using var response = await fixture.Gateway.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("\"choices\":[]", text, StringComparison.Ordinal);
        Assert.Contains(": keep-alive\n\n", text, StringComparison.Ordinal);
        Assert.EndsWith("data: [DONE]\n\n", text, StringComparison.Ordinal);
        var row = Assert.Single(await fixture.Gateway.WaitForUsageAsync(requestId));
        Assert.True(row.GetBoolean("Streamed"));
        Assert.True(row.GetBoolean("UsageExact"));
        Assert.Equal(FakeUpstream.PromptTokens, row.GetInt32("PromptTokens"));
        Assert.Equal(FakeUpstream.CompletionTokens, row.GetInt32("CompletionTokens"));
        Assert.NotNull(row.GetDouble("TimeToFirstByteMs"));
    }

    [Fact]
    public async Task Stream_CallerAskedForUsage_UsageChunkForwarded()
    {
        const string Body = """{"model":"chat-default","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}]}""";

        using var response = await fixture.Gateway.Http.PostAsync("/api/v1/chat/completions", PassThroughTests.Json(Body));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Contains("\"choices\":[],\"usage\":{\"prompt_tokens\":11", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stream_UpstreamCutsStreamMidway_EndsWithErrorEventNotDone()
    {
        var requestId = "cut-" + Guid.NewGuid().ToString("N");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/chat/completions")
        {
            Content = PassThroughTests.Json("""{"model":"cut","stream":true,"messages":[{"role":"user","content":"hi"}]}"""),
        };
        request.Headers.Add("x-request-id", requestId);

        using var response = await fixture.Gateway.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();

        Assert.Contains("\"content\":\"Hello\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain("[DONE]", text, StringComparison.Ordinal);
        Assert.Contains("data: {\"error\":{\"code\":\"upstream_stream_failed\"", text, StringComparison.Ordinal);
        var row = Assert.Single(await fixture.Gateway.WaitForUsageAsync(requestId));
        Assert.Equal("upstream_stream_failed", row.GetString("ErrorCode"));
        Assert.False(row.GetBoolean("UsageExact"));
        Assert.Equal(1, row.GetInt32("CompletionTokens"));
    }

    [Fact]
    public async Task Stream_CallerDisconnects_UpstreamCancelledAndPartialUsageRecorded()
    {
        fixture.Upstream.ResetSignals();
        var pause = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        fixture.Upstream.PauseAfterFirstChunk = pause;
        var requestId = "gone-" + Guid.NewGuid().ToString("N");
        try
        {
            // No draining on dispose: the connection is dropped at once, as a browser tab closing would.
            using (var client = new HttpClient(new SocketsHttpHandler { MaxResponseDrainSize = 0, ResponseDrainTimeout = TimeSpan.Zero }) { BaseAddress = fixture.Gateway.BaseUri })
            using (var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/chat/completions") { Content = PassThroughTests.Json(StreamBody) })
            {
                request.Headers.Add("x-request-id", requestId);
                var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
                using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
                await ReadEventAsync(reader).WaitAsync(TimeSpan.FromSeconds(10));
                response.Dispose();
            }

            // The gateway cancels the upstream call when its caller goes away.
            await fixture.Upstream.StreamAborted.Task.WaitAsync(TimeSpan.FromSeconds(10));
            var row = Assert.Single(await fixture.Gateway.WaitForUsageAsync(requestId));
            Assert.True(499 == row.GetInt32("HttpStatus"), $"{row.GetInt32("HttpStatus")} {row.GetString("ErrorCode")} {row.GetInt32("CompletionTokens")}");
            Assert.Equal("client_closed_request", row.GetString("ErrorCode"));
            Assert.False(row.GetBoolean("UsageExact"));
            Assert.Equal(1, row.GetInt32("CompletionTokens"));
        }
        finally
        {
            fixture.Upstream.PauseAfterFirstChunk = null;
        }
    }

    private static async Task<string> ReadEventAsync(StreamReader reader)
    {
        var builder = new StringBuilder();
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.Length == 0 && builder.ToString().Contains("data:", StringComparison.Ordinal))
            {
                return builder.ToString();
            }

            builder.AppendLine(line);
        }

        return builder.ToString();
    }
}
