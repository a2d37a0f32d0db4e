using FunctionsRouter.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.FileProviders;

namespace FunctionsRouter.Web.Tests;

/// <summary>
/// The built page (<c>src/FunctionsRouter.Web/dist</c>) served from its own loopback origin by Kestrel's static files,
/// with the <c>config.json</c> a test sets, as Static Web Apps serves it beside the page in Azure.
/// </summary>
public sealed class PageServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private PageServer(WebApplication app) => _app = app;

    public Uri BaseUri { get; private set; } = null!;

    /// <summary>The page's origin as a browser sends it in <c>Origin</c> (<c>http://127.0.0.1:port</c>).</summary>
    public string Origin => BaseUri.GetLeftPart(UriPartial.Authority);

    /// <summary>The <c>config.json</c> the page reads.</summary>
    public string ConfigJson { get; set; } = "{}";

    public static async Task<PageServer> StartAsync(string distFolder)
    {
        var app = LoopbackApp.CreateBuilder().Build();
        var server = new PageServer(app);
        app.MapGet("/config.json", () => Results.Content(server.ConfigJson, "application/json"));
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = new PhysicalFileProvider(distFolder) });
        app.UseStaticFiles(new StaticFileOptions { FileProvider = new PhysicalFileProvider(distFolder) });
        server.BaseUri = await LoopbackApp.StartAsync(app);
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
