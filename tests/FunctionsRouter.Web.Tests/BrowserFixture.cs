using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using FunctionsRouter.Gateway.Callers;
using FunctionsRouter.Gateway.Tests.Callers;
using FunctionsRouter.Gateway.Tests.Integration;
using FunctionsRouter.Testing;
using Microsoft.Playwright;

namespace FunctionsRouter.Web.Tests;

/// <summary>
/// Everything the page's browser tests share, started once: the built page on one loopback origin (allowed by the
/// gateway's CORS) and on a second one (not allowed), the gateway on a third over a real Azurite, the fake upstream, the
/// test token issuer, and one headless Debian chromium driven by Playwright. Each test opens its own browser context
/// (its own session storage).
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    /// <summary>The system chromium (Debian's package, installed by .ci/run); Playwright never downloads one here.</summary>
    public const string ChromiumPath = "/usr/bin/chromium";

    public AzuriteFixture Azurite { get; } = new();

    public FakeUpstream Upstream { get; private set; } = null!;

    public TestTokenIssuer Issuer { get; private set; } = null!;

    public GatewayHost Gateway { get; private set; } = null!;

    /// <summary>The page, from the origin the gateway allows.</summary>
    public PageServer Page { get; private set; } = null!;

    /// <summary>The same page, from an origin the gateway does not list.</summary>
    public PageServer StrangerPage { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    private IPlaywright _playwright = null!;

    public async Task InitializeAsync()
    {
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"{ChromiumPath} is missing: install Debian's chromium (apt-get install -y chromium), as .ci/run does.");
        }

        var build = WebPageBuild.BuildAsync();
        await Azurite.InitializeAsync();
        Upstream = await FakeUpstream.StartAsync();
        Issuer = await TestTokenIssuer.StartAsync();
        await build;
        Page = await PageServer.StartAsync(WebPageBuild.Dist);
        StrangerPage = await PageServer.StartAsync(WebPageBuild.Dist);

        var settings = GatewayHost.EndpointSettings(Upstream, GetClosedPort());
        foreach (var (key, value) in Issuer.Settings())
        {
            settings[key] = value;
        }

        settings["Router:AllowAnonymous"] = "false";
        settings["Router:CallerCacheTtl"] = "00:00:01";
        settings["Router:Cors:AllowedOrigins"] = Page.Origin;
        Gateway = await GatewayHost.StartAsync(Azurite, settings);
        var config = JsonSerializer.Serialize(new { gatewayUrl = Gateway.BaseUri.GetLeftPart(UriPartial.Authority), testHooks = true });
        Page.ConfigJson = config;
        StrangerPage.ConfigJson = config;

        // A loaded CI box can be slow to paint; an expectation waits up to this long before it fails (never a measure).
        Assertions.SetDefaultExpectTimeout(15_000);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args =
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
            ],
        });
    }

    /// <summary>
    /// Points the aliases <c>chat</c> (openai endpoint) and <c>notes</c> (models endpoint) at echo deployments named
    /// after the calling test, so that the fake upstream's requests can be told apart.
    /// </summary>
    public async Task SeedEchoAliasesAsync(string testId)
    {
        await Gateway.SeedAsync("chat", "a", "echo." + testId, "oai");
        await Gateway.SeedAsync("notes", "a", "echo.notes" + testId);
    }

    /// <summary>Makes the next stream pause after its first chunk until the returned source completes.</summary>
    public TaskCompletionSource PauseUpstream()
    {
        var pause = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Upstream.ResetSignals();
        Upstream.PauseAfterFirstChunk = pause;
        return pause;
    }

    /// <summary>Lets any paused stream go on, and the next ones run straight through.</summary>
    public Task ReleaseUpstreamAsync()
    {
        Upstream.PauseAfterFirstChunk?.TrySetResult();
        Upstream.PauseAfterFirstChunk = null;
        return Task.CompletedTask;
    }

    /// <summary>Registers a key caller for the given aliases (comma-separated) and returns its id and key.</summary>
    public Task<(string Id, string Key)> CreateKeyCallerAsync(string aliases) => Gateway.CreateKeyCallerAsync("browser " + Guid.NewGuid().ToString("N")[..6], aliases);

    /// <summary>
    /// Replaces a key caller's grant as an admin does, through the gateway's management API (<c>PATCH
    /// /api/manage/callers/{id}</c>): the gateway that served the change admits the caller's next request by it at once.
    /// </summary>
    public Task SetAliasesAsync(string callerId, string aliases) => UpdateCallerAsync(callerId, new { aliases });

    /// <summary>Gives a key caller requests-per-minute limit, as an admin does (management API).</summary>
    public Task SetRequestsPerMinuteAsync(string callerId, int rpm) => UpdateCallerAsync(callerId, new { limits = new { rpm } });

    private async Task UpdateCallerAsync(string callerId, object change)
    {
        var (_, adminKey) = await Gateway.CreateKeyCallerAsync("browser admin " + Guid.NewGuid().ToString("N")[..6], admin: true);
        using var request = new HttpRequestMessage(HttpMethod.Patch, new Uri(Gateway.BaseUri, "/api/manage/callers/" + callerId))
        {
            Content = new StringContent(JsonSerializer.Serialize(change), System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("api-key", adminKey);
        using var response = await Gateway.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>Waits (the ledger writes off the request path) for usage rows matching a table filter.</summary>
    public async Task<List<Azure.Data.Tables.TableEntity>> WaitForUsageRowsAsync(string filter)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            List<Azure.Data.Tables.TableEntity> rows = [];
            try
            {
                await foreach (var row in Gateway.Usage.QueryAsync<Azure.Data.Tables.TableEntity>(filter))
                {
                    rows.Add(row);
                }
            }
            catch (Azure.RequestFailedException ex) when (ex.Status == 404)
            {
                // The ledger has not created its table yet.
            }

            if (rows.Count > 0 || DateTime.UtcNow > deadline) return rows;
            await Task.Delay(100);
        }
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        _playwright?.Dispose();
        foreach (var server in new IAsyncDisposable?[] { Gateway, Page, StrangerPage, Issuer, Upstream })
        {
            if (server is not null) await server.DisposeAsync();
        }

        await Azurite.DisposeAsync();
    }

    private static int GetClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
