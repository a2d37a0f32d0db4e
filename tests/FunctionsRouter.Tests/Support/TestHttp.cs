using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace FunctionsRouter.Tests.Support;

/// <summary>Requests as the Functions host hands them to a function, and what the function wrote back.</summary>
internal static class TestHttp
{
    public static HttpRequest Post(string path, string body, params (string Name, string Value)[] headers)
    {
        var context = Context("POST", path);
        var bytes = Encoding.UTF8.GetBytes(body);
        context.Request.Body = new MemoryStream(bytes, writable: false);
        context.Request.ContentLength = bytes.Length;
        context.Request.ContentType = "application/json";
        foreach (var (name, value) in headers)
        {
            context.Request.Headers[name] = value;
        }

        return context.Request;
    }

    public static HttpRequest Get(string path) => Context("GET", path).Request;

    /// <summary>A request without a body (GET, DELETE, a bodiless POST).</summary>
    public static HttpRequest Send(string method, string path) => Context(method, path).Request;

    public static string ResponseText(HttpRequest request) =>
        Encoding.UTF8.GetString(((MemoryStream)request.HttpContext.Response.Body).ToArray());

    /// <summary>The gateway's error object (<c>{"error":{…}}</c>) from the response body.</summary>
    public static JsonElement ResponseError(HttpRequest request)
    {
        using var document = JsonDocument.Parse(ResponseText(request));
        return document.RootElement.GetProperty("error").Clone();
    }

    private static DefaultHttpContext Context(string method, string path)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.Scheme = "http";
        context.Request.Host = new HostString("localhost", 7071);
        context.Request.Path = path;
        context.Response.Body = new MemoryStream();
        return context;
    }
}
