using System.Text;
using FunctionsRouter.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace FunctionsRouter.LoadHarness;

/// <summary>
/// A model endpoint on loopback (Kestrel, in the harness process, so its CPU is never counted as the gateway's). It
/// answers <c>POST …/chat/completions</c> after <see cref="DelayMs"/>: a JSON completion with usage, or, when the body
/// asks to stream, a server-sent-event stream of content chunks, a finish chunk, a usage chunk and <c>[DONE]</c>.
/// Answers are prepared once; a request is only searched for <c>"stream":true</c>.
/// </summary>
internal sealed class FakeUpstream : IAsyncDisposable
{
    private static readonly byte[] StreamFlag = "\"stream\":true"u8.ToArray();

    private readonly WebApplication _app;
    private readonly byte[] _json;
    private readonly byte[][] _chunks;
    private readonly byte[] _end;
    private readonly int _chunkIntervalMs;

    private FakeUpstream(WebApplication app, int chunks, int chunkIntervalMs)
    {
        _app = app;
        _chunkIntervalMs = chunkIntervalMs;
        _json = Encoding.UTF8.GetBytes(
            """{"id":"chatcmpl-harness","object":"chat.completion","created":1700000000,"model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"message":{"role":"assistant","content":"Paris is the capital of France. The Seine runs through it.","refusal":null},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":31,"completion_tokens":13,"total_tokens":44,"prompt_tokens_details":{"cached_tokens":0}},"system_fingerprint":"fp_harness"}""");
        _chunks = Enumerable.Range(0, chunks)
            .Select(i => Encoding.UTF8.GetBytes(
                $$$"""data: {"id":"chatcmpl-harness","object":"chat.completion.chunk","created":1700000000,"model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"delta":{"content":" token{{{i}}}"},"finish_reason":null}],"usage":null}""" + "\n\n"))
            .ToArray();
        _end = Encoding.UTF8.GetBytes(
            """data: {"id":"chatcmpl-harness","object":"chat.completion.chunk","created":1700000000,"model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":null}""" + "\n\n" +
            $$$"""data: {"id":"chatcmpl-harness","object":"chat.completion.chunk","created":1700000000,"model":"gpt-4o-mini-2024-07-18","choices":[],"usage":{"prompt_tokens":31,"completion_tokens":{{{chunks}}},"total_tokens":{{{31 + chunks}}}}}""" + "\n\n" +
            "data: [DONE]\n\n");
    }

    /// <summary>The wait before an answer (before a stream's first chunk). Settable between phases.</summary>
    public int DelayMs { get; set; }

    public Uri BaseUri { get; private set; } = null!;

    public int JsonResponseBytes => _json.Length;

    public int StreamResponseBytes => _chunks.Sum(c => c.Length) + _end.Length;

    public static async Task<FakeUpstream> StartAsync(int delayMs, int chunks, int chunkIntervalMs, CancellationToken cancellationToken)
    {
        var app = LoopbackApp.CreateBuilder().Build();
        var upstream = new FakeUpstream(app, chunks, chunkIntervalMs) { DelayMs = delayMs };
        app.MapPost("/{**path}", upstream.HandleAsync);
        upstream.BaseUri = await LoopbackApp.StartAsync(app, cancellationToken);
        return upstream;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var aborted = context.RequestAborted;
        var stream = await RequestAsksToStreamAsync(context.Request, aborted);
        if (DelayMs > 0)
        {
            await Task.Delay(DelayMs, aborted);
        }

        var response = context.Response;
        response.Headers["apim-request-id"] = "harness";
        if (!stream)
        {
            response.ContentType = "application/json";
            response.ContentLength = _json.Length;
            await response.Body.WriteAsync(_json, aborted);
            return;
        }

        response.ContentType = "text/event-stream";
        for (var i = 0; i < _chunks.Length; i++)
        {
            if (i > 0 && _chunkIntervalMs > 0)
            {
                await Task.Delay(_chunkIntervalMs, aborted);
            }

            await response.Body.WriteAsync(_chunks[i], aborted);
            await response.Body.FlushAsync(aborted);
        }

        await response.Body.WriteAsync(_end, aborted);
    }

    private static async Task<bool> RequestAsksToStreamAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(8192);
        try
        {
            var length = 0;
            int read;
            while ((read = await request.Body.ReadAsync(buffer.AsMemory(length), cancellationToken)) > 0)
            {
                length += read;
                if (length == buffer.Length)
                {
                    throw new InvalidOperationException("The harness's requests are small; this one is not.");
                }
            }

            return buffer.AsSpan(0, length).IndexOf(StreamFlag) >= 0;
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
