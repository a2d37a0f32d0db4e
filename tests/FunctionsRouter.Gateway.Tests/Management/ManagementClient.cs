using System.Net;
using System.Text.Json;
using FunctionsRouter.Gateway.Tests.Callers;

namespace FunctionsRouter.Gateway.Tests.Management;

/// <summary>
/// Calls the management routes of an <see cref="AdmissionHost"/> as one admin (a key caller with the admin flag), over
/// real HTTP, and reads the JSON answers.
/// </summary>
internal sealed class ManagementClient(AdmissionHost host, string id, string key)
{
    /// <summary>The admin's caller id (row key).</summary>
    public string Id => id;

    public AdmissionHost Host => host;

    public string Key => key;

    public static async Task<ManagementClient> CreateAsync(AdmissionHost host)
    {
        var (id, key) = await host.Gateway.CreateKeyCallerAsync("admin", admin: true);
        return new ManagementClient(host, id, key);
    }

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? body = null, params (string Name, string Value)[] headers) =>
        host.SendAsync(method, path, body, [("api-key", key), .. headers]);

    /// <summary>Sends, asserts the status, and returns the JSON body.</summary>
    public async Task<JsonElement> JsonAsync(HttpMethod method, string path, string? body = null, HttpStatusCode expected = HttpStatusCode.OK, params (string Name, string Value)[] headers)
    {
        using var response = await SendAsync(method, path, body, headers);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{method} {path}: {(int)response.StatusCode} {text}");
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    /// <summary>Sends, asserts the status, and returns the gateway error object.</summary>
    public async Task<JsonElement> ErrorAsync(HttpMethod method, string path, string? body, HttpStatusCode expected, params (string Name, string Value)[] headers)
    {
        using var response = await SendAsync(method, path, body, headers);
        Assert.Equal(expected, response.StatusCode);
        return await AdmissionHost.ErrorOf(response);
    }
}
