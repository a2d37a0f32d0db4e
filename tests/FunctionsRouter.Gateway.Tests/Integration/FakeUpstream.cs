using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using FunctionsRouter.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FunctionsRouter.Gateway.Tests.Integration;

/// <summary>
/// A model endpoint on loopback speaking the inference wire protocol on both URL shapes
/// (<c>/models/chat/completions?api-version=…</c> and <c>/openai/v1/chat/completions</c>). What it does is chosen by the
/// deployment name the gateway sends as <c>model</c>, up to its first <c>.</c> (so each test can have deployments of its own):
/// <list type="bullet">
/// <item><c>fail-NNN</c>: status NNN with an error body; 429 says <c>retry-after: 7</c>. A suffix picks the cooldown
/// header instead: <c>+s</c> (<c>retry-after: 7</c>), <c>+ms</c> (<c>retry-after-ms: 1500</c>), <c>+date</c> (an HTTP date
/// 20 s ahead), <c>+reset</c> (<c>x-ratelimit-reset-requests: 1m0s</c>, <c>-tokens: 45s</c>), <c>+none</c>.</item>
/// <item><c>flaky-429</c>: 429 with <c>retry-after-ms: 300</c> the first time, then normal.</item>
/// <item><c>slow</c>: silent for 5 s. <c>cut</c>: a stream cut after its first chunk.</item>
/// <item><c>echo</c>: a stream whose answer is the last message's text, in two chunks split at its middle space (the
/// browser tests choose what the model says).</item>
/// <item>A body with <c>"poison": true</c>: 500 (one caller's bad request). A deployment in <see cref="DownDeployments"/>: 500.
/// A body that is not JSON: 400, recorded all the same.</item>
/// <item>Anything else answers normally, with usage 11 / 7 / 18.</item>
/// </list>
/// On <c>…/responses</c> it speaks the OpenAI Responses API (see <see cref="FakeResponsesApi"/>): a response object with
/// usage 11 / 7 / 18 (3 cached, 2 reasoning), or its event stream ending in <c>response.completed</c>; <c>cut</c> cuts the
/// stream after its first delta. It remembers the responses it created, for GET, DELETE, cancel and input items.
/// </summary>
public sealed class FakeUpstream : IAsyncDisposable
{
    public const int PromptTokens = 11;
    public const int CompletionTokens = 7;
    public const int CachedTokens = 3;
    public const int ReasoningTokens = 2;

    private readonly WebApplication _app;

    private FakeUpstream(WebApplication app) => _app = app;

    public Uri BaseUri { get; private set; } = null!;

    /// <summary>Every request received, in order.</summary>
    public ConcurrentQueue<ReceivedRequest> Received { get; } = new();

    /// <summary>Deployments that answer 500 to everything until removed (an outage that ends).</summary>
    public ConcurrentDictionary<string, bool> DownDeployments { get; } = new(StringComparer.Ordinal);

    /// <summary>When set, a stream pauses after its first chunk until this completes.</summary>
    public TaskCompletionSource? PauseAfterFirstChunk { get; set; }

    /// <summary>Completes when a paused stream has flushed its first chunk.</summary>
    public TaskCompletionSource FirstChunkSent { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when a stream's request was aborted by the gateway (the caller went away).</summary>
    public TaskCompletionSource StreamAborted { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void ResetSignals()
    {
        FirstChunkSent = new(TaskCreationOptions.RunContinuationsAsynchronously);
        StreamAborted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public ReceivedRequest LastFor(string deployment) => Received.Last(r => r.Model == deployment);

    /// <summary>How many requests named this deployment.</summary>
    public int CountFor(string deployment) => Received.Count(r => r.Model == deployment);

    public static async Task<FakeUpstream> StartAsync()
    {
        var builder = LoopbackApp.CreateBuilder();
        var app = builder.Build();
        var upstream = new FakeUpstream(app);
        app.MapPost("/{**path}", upstream.HandleAsync);
        app.MapMethods("/{**path}", ["GET", "DELETE"], upstream.HandleStoredResponseAsync);
        upstream.BaseUri = await LoopbackApp.StartAsync(app);
        return upstream;
    }

    public async ValueTask DisposeAsync()
    {
        PauseAfterFirstChunk?.TrySetResult();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>The responses this fake created: id → the deployment (model) that created it.</summary>
    public ConcurrentDictionary<string, string> Responses { get; } = new(StringComparer.Ordinal);

    private async Task HandleStoredResponseAsync(HttpContext context)
    {
        Received.Enqueue(new ReceivedRequest(
            context.Request.Path.Value!,
            context.Request.QueryString.Value ?? string.Empty,
            context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            [],
            null) { Method = context.Request.Method });
        await FakeResponsesApi.StoredAsync(context, Responses);
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        var body = buffer.ToArray();
        if (context.Request.Path.Value!.EndsWith("/cancel", StringComparison.Ordinal))
        {
            await HandleStoredResponseAsync(context);
            return;
        }

        using var json = TryParse(body);
        var root = json?.RootElement ?? default;
        var isObject = root.ValueKind == JsonValueKind.Object;
        var model = isObject && root.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
        var stream = isObject && root.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.True;
        var includeUsage = isObject && root.TryGetProperty("stream_options", out var so) && so.ValueKind == JsonValueKind.Object
            && so.TryGetProperty("include_usage", out var iu) && iu.ValueKind == JsonValueKind.True;
        // Recorded before anything else, so that a test sees every request that reached the upstream, even a broken one.
        Received.Enqueue(new ReceivedRequest(
            context.Request.Path.Value!,
            context.Request.QueryString.Value ?? string.Empty,
            context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            body,
            model));
        if (json is null)
        {
            context.Response.StatusCode = 400;
            await WriteJsonAsync(context.Response, """{"error":{"code":"invalid_json","message":"The fake upstream could not parse the body."}}""");
            return;
        }

        if (isObject && root.TryGetProperty("poison", out var poison) && poison.ValueKind == JsonValueKind.True)
        {
            // A request only its sender gets wrong: the deployment itself is fine.
            context.Response.StatusCode = 500;
            await WriteJsonAsync(context.Response, """{"error":{"code":"500","message":"Poisoned request."}}""");
            return;
        }

        if (model is not null && DownDeployments.ContainsKey(model))
        {
            context.Response.StatusCode = 500;
            await WriteJsonAsync(context.Response, """{"error":{"code":"500","message":"Deployment down."}}""");
            return;
        }

        var response = context.Response;
        response.Headers["apim-request-id"] = "up-" + Guid.NewGuid().ToString("N");
        response.Headers["x-ratelimit-remaining-requests"] = "99";
        // The behaviour is the deployment name up to its first '.', so tests can make deployments of their own ("fail-429.x1").
        var behaviour = model is null ? string.Empty : model.Split('.')[0];
        if (behaviour.StartsWith("fail-", StringComparison.Ordinal))
        {
            var parts = behaviour["fail-".Length..].Split('+');
            response.StatusCode = int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture);
            switch (parts.Length > 1 ? parts[1] : response.StatusCode == 429 ? "s" : "none")
            {
                case "s":
                    response.Headers["retry-after"] = "7";
                    break;
                case "ms":
                    response.Headers["retry-after-ms"] = "1500";
                    break;
                case "date":
                    response.Headers["retry-after"] = DateTimeOffset.UtcNow.AddSeconds(20).ToString("r", System.Globalization.CultureInfo.InvariantCulture);
                    break;
                case "reset":
                    response.Headers["x-ratelimit-reset-requests"] = "1m0s";
                    response.Headers["x-ratelimit-reset-tokens"] = "45s";
                    break;
            }

            await WriteJsonAsync(response, $$$"""{"error":{"code":"{{{parts[0]}}}","message":"Injected failure {{{parts[0]}}}."}}""");
            return;
        }

        switch (behaviour)
        {
            case "flaky-429" when Received.Count(r => r.Model == model) == 1:
                response.StatusCode = 429;
                response.Headers["retry-after-ms"] = "300";
                await WriteJsonAsync(response, """{"error":{"code":"429","message":"Throttled once."}}""");
                return;
            case "slow":
                await Task.Delay(TimeSpan.FromSeconds(5), context.RequestAborted).ContinueWith(_ => { });
                if (context.RequestAborted.IsCancellationRequested) return;
                break;
        }

        if (context.Request.Path.Value!.EndsWith("/embeddings", StringComparison.Ordinal))
        {
            await WriteJsonAsync(response, "{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,\"embedding\":[0.1,-0.2,0.3]}],\"model\":\"" + model + "\",\"usage\":{\"prompt_tokens\":" + PromptTokens + ",\"total_tokens\":" + PromptTokens + "}}");
            return;
        }

        if (context.Request.Path.Value!.EndsWith("/responses", StringComparison.Ordinal))
        {
            await FakeResponsesApi.CreateAsync(context, model!, stream, Responses, FirstChunkSent);
            return;
        }

        if (!stream)
        {
            await WriteJsonAsync(response, $$$"""{"id":"chatcmpl-1","object":"chat.completion","created":1700000000,"model":"{{{model}}}-2024","choices":[{"index":0,"message":{"role":"assistant","content":"Hello world"},"finish_reason":"stop"}],"usage":{"prompt_tokens":{{{PromptTokens}}},"completion_tokens":{{{CompletionTokens}}},"total_tokens":{{{PromptTokens + CompletionTokens}}},"prompt_tokens_details":{"cached_tokens":0}},"system_fingerprint":"fp_x","custom_field":{"kept":true}}""");
            return;
        }

        await StreamAsync(context, model, includeUsage, model?.Split('.')[0] == "echo" ? SplitInTwo(LastMessageText(root)) : ("Hello", " world"));
    }

    private static string LastMessageText(JsonElement root) =>
        root.TryGetProperty("messages", out var messages) && messages.ValueKind == JsonValueKind.Array && messages.GetArrayLength() > 0
            && messages[messages.GetArrayLength() - 1].TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String
            ? content.GetString()!
            : string.Empty;

    private static (string First, string Second) SplitInTwo(string text)
    {
        var middle = text.IndexOf(' ', text.Length / 2);
        return middle < 0 ? (text, string.Empty) : (text[..middle], text[middle..]);
    }

    private async Task StreamAsync(HttpContext context, string? model, bool includeUsage, (string First, string Second) answer)
    {
        var response = context.Response;
        response.ContentType = "text/event-stream";
        var usageNull = includeUsage ? ",\"usage\":null" : string.Empty;
        var chunk = (string content, string? finish) =>
            $$"""data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1700000000,"model":"{{model}}-2024","choices":[{"index":0,"delta":{"content":{{JsonSerializer.Serialize(content)}}},"finish_reason":{{(finish is null ? "null" : "\"" + finish + "\"")}}}]{{usageNull}}}""" + "\n\n";
        try
        {
            await WriteAsync(response, ": keep-alive\n\n" + chunk(answer.First, null));
            FirstChunkSent.TrySetResult();
            if (model?.Split('.')[0] == "cut")
            {
                // Let the first chunk reach the gateway before the connection is reset (a reset discards unread data).
                await Task.Delay(200, context.RequestAborted);
                context.Abort();
                return;
            }

            if (PauseAfterFirstChunk is { } pause)
            {
                await pause.Task.WaitAsync(context.RequestAborted);
            }

            await WriteAsync(response, chunk(answer.Second, "stop"));
            if (includeUsage)
            {
                await WriteAsync(response, "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"" + model + "-2024\",\"choices\":[],\"usage\":{\"prompt_tokens\":" + PromptTokens + ",\"completion_tokens\":" + CompletionTokens + ",\"total_tokens\":" + (PromptTokens + CompletionTokens) + "}}\n\n");
            }

            await WriteAsync(response, "data: [DONE]\n\n");
        }
        catch (OperationCanceledException)
        {
            StreamAborted.TrySetResult();
        }
        catch (IOException)
        {
            StreamAborted.TrySetResult();
        }
    }

    private static JsonDocument? TryParse(byte[] body)
    {
        try
        {
            return JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static async Task WriteAsync(HttpResponse response, string text)
    {
        await response.Body.WriteAsync(Encoding.UTF8.GetBytes(text), response.HttpContext.RequestAborted);
        await response.Body.FlushAsync(response.HttpContext.RequestAborted);
    }

    private static Task WriteJsonAsync(HttpResponse response, string json)
    {
        response.ContentType = "application/json";
        return response.WriteAsync(json);
    }
}

/// <summary>A request as the fake upstream received it.</summary>
public sealed record ReceivedRequest(string Path, string Query, IReadOnlyDictionary<string, string> Headers, byte[] Body, string? Model)
{
    public string Method { get; init; } = "POST";

    public string BodyText => Encoding.UTF8.GetString(Body);
}
