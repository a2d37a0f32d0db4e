using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using FunctionsRouter.Gateway.Tests.Integration;
using FunctionsRouter.Gateway.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FunctionsRouter.Gateway.Tests.Callers;

/// <summary>
/// A gateway as deployed: no anonymous access, Entra tokens from a <see cref="TestTokenIssuer"/>, one allowed browser
/// origin, and a one-second caller cache so that changes show quickly. Every log event is captured.
/// </summary>
public sealed class AdmissionHost : IAsyncDisposable
{
    public const string AllowedOrigin = "https://app.example";

    private AdmissionHost(GatewayHost gateway, TestTokenIssuer issuer, LogCapture logs)
    {
        Gateway = gateway;
        Issuer = issuer;
        Logs = logs;
    }

    public GatewayHost Gateway { get; }

    public TestTokenIssuer Issuer { get; }

    public LogCapture Logs { get; }

    public static async Task<AdmissionHost> StartAsync(IntegrationFixture fixture, IDictionary<string, string?>? extra = null)
    {
        var issuer = await TestTokenIssuer.StartAsync();
        var settings = issuer.Settings();
        settings["Router:AllowAnonymous"] = "false";
        settings["Router:CallerCacheTtl"] = "00:00:01";
        settings["Router:Cors:AllowedOrigins"] = AllowedOrigin + ", http://localhost:5173";
        settings["Router:CallerTable"] = "adm" + Guid.NewGuid().ToString("N")[..12];
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var logs = new LogCapture();
        var gateway = await fixture.StartGatewayAsync(settings, services => services.AddLogging(b => b.AddProvider(logs)));
        await gateway.SeedAsync("chat-default", "primary", "dep-chat");
        await gateway.SeedAsync("fast", "a", "dep-oai", "oai");
        await gateway.SeedAsync("embed", "a", "dep-embed");
        return new AdmissionHost(gateway, issuer, logs);
    }

    /// <summary>A chat request on the OpenAI surface with the given headers.</summary>
    public Task<HttpResponseMessage> ChatAsync(string model = "fast", params (string Name, string Value)[] headers) =>
        SendAsync(HttpMethod.Post, "/api/v1/chat/completions", $$"""{"model":"{{model}}","messages":[{"role":"user","content":"hi"}]}""", headers);

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? body, params (string Name, string Value)[] headers) =>
        SendAsync(Gateway.Http, method, path, body, headers);

    /// <summary>A request with a JSON body (when given) and the given headers; <c>Authorization</c> parsed as such.</summary>
    public static async Task<HttpResponseMessage> SendAsync(HttpClient http, HttpMethod method, string path, string? body, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        foreach (var (name, value) in headers)
        {
            if (name.Equals("Authorization", StringComparison.OrdinalIgnoreCase))
            {
                request.Headers.Authorization = AuthenticationHeaderValue.Parse(value);
            }
            else
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }

        return await http.SendAsync(request);
    }

    /// <summary>The gateway's error object, or fails the test if the body is not one.</summary>
    public static async Task<JsonElement> ErrorOf(HttpResponseMessage response)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.GetProperty("error").Clone();
    }

    public async ValueTask DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Issuer.DisposeAsync();
    }
}
