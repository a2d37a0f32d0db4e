using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace FunctionsRouter.Gateway.Tests.Integration;

/// <summary>
/// The OpenAI Responses API as its reference describes it, for <see cref="FakeUpstream"/>: <c>POST /responses</c> (a
/// response object, or with <c>stream</c> the events <c>response.created</c>, <c>response.in_progress</c>,
/// <c>response.output_item.added</c>, <c>response.content_part.added</c>, <c>response.output_text.delta</c>…,
/// <c>…done</c>, <c>response.completed</c>, each with its <c>sequence_number</c>), and
/// <c>GET</c> / <c>DELETE /responses/{id}</c>, <c>POST /responses/{id}/cancel</c>, <c>GET /responses/{id}/input_items</c>.
/// A response created by a deployment named <c>cut.…</c> breaks off: its stream after the first delta, its <c>GET</c>
/// halfway through the body.
/// </summary>
internal static class FakeResponsesApi
{
    public static async Task CreateAsync(HttpContext context, string model, bool stream, ConcurrentDictionary<string, string> responses, TaskCompletionSource firstChunkSent)
    {
        var id = "resp_" + Guid.NewGuid().ToString("N");
        responses[id] = model;
        var response = context.Response;
        if (!stream)
        {
            response.ContentType = "application/json";
            await response.WriteAsync(ResponseJson(id, model, "completed", withOutput: true, withUsage: true));
            return;
        }

        response.ContentType = "text/event-stream";
        var sequence = 0;
        async Task SendAsync(string type, string fields)
        {
            var data = $$"""{"type":"{{type}}","sequence_number":{{sequence++}},{{fields}}}""";
            await response.Body.WriteAsync(Encoding.UTF8.GetBytes("event: " + type + "\ndata: " + data + "\n\n"), context.RequestAborted);
            await response.Body.FlushAsync(context.RequestAborted);
        }

        const string Part = "\"item_id\":\"msg_1\",\"output_index\":0,\"content_index\":0";
        try
        {
            await SendAsync("response.created", "\"response\":" + ResponseJson(id, model, "in_progress", withOutput: false, withUsage: false));
            await SendAsync("response.in_progress", "\"response\":" + ResponseJson(id, model, "in_progress", withOutput: false, withUsage: false));
            await SendAsync("response.output_item.added", "\"output_index\":0,\"item\":{\"type\":\"message\",\"id\":\"msg_1\",\"status\":\"in_progress\",\"role\":\"assistant\",\"content\":[]}");
            await SendAsync("response.content_part.added", Part + ",\"part\":{\"type\":\"output_text\",\"text\":\"\",\"annotations\":[]}");
            await SendAsync("response.output_text.delta", Part + ",\"delta\":\"Hello\"");
            firstChunkSent.TrySetResult();
            if (model.Split('.')[0] == "cut")
            {
                // Let the delta reach the gateway before the connection is reset (a reset discards unread data).
                await Task.Delay(200, context.RequestAborted);
                context.Abort();
                return;
            }

            await SendAsync("response.output_text.delta", Part + ",\"delta\":\" world\"");
            await SendAsync("response.output_text.done", Part + ",\"text\":\"Hello world\"");
            await SendAsync("response.content_part.done", Part + ",\"part\":{\"type\":\"output_text\",\"text\":\"Hello world\",\"annotations\":[]}");
            await SendAsync("response.output_item.done", "\"output_index\":0,\"item\":" + MessageJson("completed"));
            await SendAsync("response.completed", "\"response\":" + ResponseJson(id, model, "completed", withOutput: true, withUsage: true));
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // The gateway went away.
        }
    }

    public static async Task StoredAsync(HttpContext context, ConcurrentDictionary<string, string> responses)
    {
        // …/responses/{id}, …/responses/{id}/cancel, …/responses/{id}/input_items
        var path = context.Request.Path.Value!;
        var at = path.IndexOf("/responses/", StringComparison.Ordinal);
        var rest = at < 0 ? string.Empty : path[(at + "/responses/".Length)..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var id = slash < 0 ? rest : rest[..slash];
        var action = slash < 0 ? string.Empty : rest[(slash + 1)..];
        var response = context.Response;
        response.ContentType = "application/json";
        if (!responses.TryGetValue(id, out var model))
        {
            response.StatusCode = 404;
            await response.WriteAsync($$$"""{"error":{"message":"Response with id '{{{id}}}' not found.","type":"invalid_request_error","param":null,"code":null}}""");
            return;
        }

        switch (context.Request.Method, action)
        {
            case ("DELETE", ""):
                responses.TryRemove(id, out _);
                await response.WriteAsync($$"""{"id":"{{id}}","object":"response","deleted":true}""");
                break;
            case ("POST", "cancel"):
                await response.WriteAsync(ResponseJson(id, model, "cancelled", withOutput: false, withUsage: false));
                break;
            case ("GET", "input_items"):
                await response.WriteAsync("""{"object":"list","data":[{"type":"message","id":"msg_in","status":"completed","role":"user","content":[{"type":"input_text","text":"Say hello"}]}],"first_id":"msg_in","last_id":"msg_in","has_more":false}""");
                break;
            case ("GET", "") when model.Split('.')[0] == "cut":
                // Half the response object, then a reset: the body breaks off after the status and headers went out.
                var json = Encoding.UTF8.GetBytes(ResponseJson(id, model, "completed", withOutput: true, withUsage: true));
                response.ContentLength = json.Length;
                await response.Body.WriteAsync(json.AsMemory(0, json.Length / 2), context.RequestAborted);
                await response.Body.FlushAsync(context.RequestAborted);
                await Task.Delay(200, context.RequestAborted);
                context.Abort();
                break;
            case ("GET", ""):
                await response.WriteAsync(ResponseJson(id, model, "completed", withOutput: true, withUsage: true));
                break;
            default:
                response.StatusCode = 405;
                break;
        }
    }

    private static string MessageJson(string status) =>
        $$"""{"type":"message","id":"msg_1","status":"{{status}}","role":"assistant","content":[{"type":"output_text","text":"Hello world","annotations":[]}]}""";

    private static string ResponseJson(string id, string model, string status, bool withOutput, bool withUsage)
    {
        var output = withOutput ? "[" + MessageJson("completed") + "]" : "[]";
        var usage = withUsage
            ? string.Create(CultureInfo.InvariantCulture, $$$"""{"input_tokens":{{{FakeUpstream.PromptTokens}}},"input_tokens_details":{"cached_tokens":{{{FakeUpstream.CachedTokens}}}},"output_tokens":{{{FakeUpstream.CompletionTokens}}},"output_tokens_details":{"reasoning_tokens":{{{FakeUpstream.ReasoningTokens}}}},"total_tokens":{{{FakeUpstream.PromptTokens + FakeUpstream.CompletionTokens}}}}""")
            : "null";
        return $$$"""{"id":"{{{id}}}","object":"response","created_at":1741476542,"status":"{{{status}}}","background":false,"error":null,"incomplete_details":null,"instructions":null,"max_output_tokens":null,"model":"{{{model}}}-2024","output":{{{output}}},"parallel_tool_calls":true,"previous_response_id":null,"reasoning":{"effort":null,"summary":null},"store":true,"temperature":1.0,"text":{"format":{"type":"text"}},"tool_choice":"auto","tools":[],"top_p":1.0,"truncation":"disabled","usage":{{{usage}}},"user":null,"metadata":{}}""";
    }
}
