using System.Net;
using FunctionsRouter.Gateway.Tests.Integration;

namespace FunctionsRouter.Gateway.Tests.Callers;

/// <summary>Browser access answered by the gateway: preflights and actual requests from allowed and refused origins.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class CorsTests(IntegrationFixture fixture) : IAsyncLifetime
{
    private AdmissionHost _host = null!;

    public async Task InitializeAsync() => _host = await AdmissionHost.StartAsync(fixture);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Theory]
    [InlineData("/api/v1/chat/completions")]
    [InlineData("/api/models/chat/completions")]
    [InlineData("/api/v1/embeddings")]
    [InlineData("/api/v1/models")]
    public async Task Preflight_AllowedOrigin_204WithMethodsReflectedHeadersAndMaxAge(string path)
    {
        var before = fixture.Upstream.Received.Count;

        using var response = await _host.SendAsync(HttpMethod.Options, path, null,
            ("Origin", AdmissionHost.AllowedOrigin),
            ("Access-Control-Request-Method", "POST"),
            ("Access-Control-Request-Headers", "authorization, content-type, x-stainless-os, x-stainless-lang"));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(AdmissionHost.AllowedOrigin, Single(response, "Access-Control-Allow-Origin"));
        Assert.Contains("POST", Single(response, "Access-Control-Allow-Methods"), StringComparison.Ordinal);
        Assert.Equal("authorization, content-type, x-stainless-os, x-stainless-lang", Single(response, "Access-Control-Allow-Headers"));
        Assert.Equal("600", Single(response, "Access-Control-Max-Age"));
        Assert.False(response.Headers.Contains("Access-Control-Allow-Credentials"));
        Assert.Equal(before, fixture.Upstream.Received.Count);
    }

    [Fact]
    public async Task Preflight_RefusedOrigin_NoCorsHeaders()
    {
        using var response = await _host.SendAsync(HttpMethod.Options, "/api/v1/chat/completions", null,
            ("Origin", "https://evil.example"), ("Access-Control-Request-Method", "POST"), ("Access-Control-Request-Headers", "authorization"));

        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
        Assert.False(response.Headers.Contains("Access-Control-Allow-Headers"));
    }

    [Fact]
    public async Task Chat_AllowedOrigin_AnswerAndErrorsCarryOriginAndExposedHeaders()
    {
        var (_, key) = await _host.Gateway.CreateKeyCallerAsync("browser app", "fast");

        using var served = await _host.ChatAsync("fast", ("Origin", AdmissionHost.AllowedOrigin), ("api-key", key));
        using var refused = await _host.ChatAsync("fast", ("Origin", AdmissionHost.AllowedOrigin));
        using var notGranted = await _host.ChatAsync("chat-default", ("Origin", AdmissionHost.AllowedOrigin), ("api-key", key));

        foreach (var response in new[] { served, refused, notGranted })
        {
            Assert.Equal(AdmissionHost.AllowedOrigin, Single(response, "Access-Control-Allow-Origin"));
            var exposed = Single(response, "Access-Control-Expose-Headers");
            foreach (var header in new[] { "x-request-id", "x-router-deployment", "x-router-attempts", "retry-after", "retry-after-ms", "server-timing" })
            {
                Assert.Contains(header, exposed, StringComparison.Ordinal);
            }
        }

        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, notGranted.StatusCode);
    }

    [Fact]
    public async Task Chat_RefusedOrigin_NoCorsHeaders()
    {
        var (_, key) = await _host.Gateway.CreateKeyCallerAsync("other app");

        using var response = await _host.ChatAsync("fast", ("Origin", "https://evil.example"), ("api-key", key));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode); // Not a browser's business here: the key is valid.
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
        Assert.False(response.Headers.Contains("Access-Control-Expose-Headers"));
    }

    private static string Single(HttpResponseMessage response, string name) =>
        string.Join(", ", response.Headers.TryGetValues(name, out var values) ? values : response.Content.Headers.TryGetValues(name, out var content) ? content : []);
}
