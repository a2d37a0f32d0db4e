using FunctionsRouter.Gateway.Callers;
using FunctionsRouter.Gateway.Tests.Callers;
using FunctionsRouter.Testing;
using Microsoft.Playwright;

namespace FunctionsRouter.Web.Tests;

/// <summary>
/// A Microsoft Entra ID user. MSAL's sign-in redirect cannot run against the test issuer, so the token is handed to the
/// page through its test-only hook (<c>testHooks</c> in config.json); from there on the page calls the gateway exactly as
/// after an MSAL sign-in, with the token in <c>Authorization: Bearer</c>.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class EntraTests(BrowserFixture fixture) : IAsyncLifetime
{
    private readonly string _id = Guid.NewGuid().ToString("N")[..8];

    public async Task InitializeAsync()
    {
        await fixture.SeedEchoAliasesAsync(_id);
    }

    public Task DisposeAsync() => fixture.ReleaseUpstreamAsync();

    [Fact]
    public async Task RegisteredUser_ChatsWithItsToken_ScreenshotMidAnswer()
    {
        var user = Guid.NewGuid();
        await fixture.Gateway.RegisterEntraAsync(CallerKind.Principal, user.ToString("D"), "chat,notes");
        await using var chat = await ChatPage.OpenAsync(fixture);
        await chat.SignInWithTokenAsync(fixture.Issuer.CreateToken(objectId: user), "Ada Lovelace");
        await Assertions.Expect(chat.Page.GetByText("Signed in: Ada Lovelace")).ToBeVisibleAsync();
        Assert.Equal(["chat", "notes"], await chat.ModelsAsync());
        var pause = fixture.PauseUpstream();
        const string Prompt =
            "Here is how **FunctionsRouter** answers: it admits the caller, resolves the alias to a healthy deployment, " +
            "and relays each token as it arrives, so this sentence shows up in two halves.";

        await chat.SendAsync(Prompt);
        await Assertions.Expect(chat.LastAnswer).ToContainTextAsync("resolves the alias");
        Assert.False(pause.Task.IsCompleted);
        var screenshot = Path.Combine(RepositoryRoot.Path, "docs", "images", "chat-mid-answer.png");
        Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
        await chat.Page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot });
        pause.SetResult();

        await Assertions.Expect(chat.Usage).ToHaveTextAsync("Tokens used: 11 in, 7 out, 18 in all.");
        var request = fixture.Upstream.LastFor("echo." + _id);
        Assert.DoesNotContain("authorization", request.Headers.Keys, StringComparer.OrdinalIgnoreCase); // The user's token stops at the gateway.
        var rows = await fixture.WaitForUsageRowsAsync($"Caller eq 'entra:{user:D}'");
        Assert.Equal("chat", Assert.Single(rows).GetString("Alias"));
    }

    [Fact]
    public async Task SignInWithMicrosoft_ConfiguredEntra_MsalRedirectsToTheTenantForTheGatewayScope()
    {
        // MSAL's own redirect, up to the point where Entra ID would take over: the authorize request is caught here.
        const string ClientId = "00000000-0000-0000-0000-00000000c11e";
        const string Scope = "api://functionsrouter-test/access_as_user";
        var tenant = TestTokenIssuer.TenantId;
        var previous = fixture.Page.ConfigJson;
        fixture.Page.ConfigJson = System.Text.Json.JsonSerializer.Serialize(new
        {
            gatewayUrl = fixture.Gateway.BaseUri.GetLeftPart(UriPartial.Authority),
            entra = new { clientId = ClientId, tenantId = tenant, scope = Scope },
        });
        try
        {
            await using var chat = await ChatPage.OpenAsync(fixture);
            var authorize = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            await chat.Context.RouteAsync("https://login.microsoftonline.com/**", async route =>
            {
                var url = route.Request.Url;
                if (url.Contains("/oauth2/v2.0/authorize", StringComparison.Ordinal))
                {
                    authorize.TrySetResult(url);
                    await route.FulfillAsync(new() { Status = 200, ContentType = "text/html", Body = "<title>Entra ID</title>" });
                }
                else if (url.Contains("openid-configuration", StringComparison.Ordinal))
                {
                    await route.FulfillAsync(new()
                    {
                        Status = 200,
                        ContentType = "application/json",
                        Headers = new Dictionary<string, string> { ["Access-Control-Allow-Origin"] = "*" },
                        Body = System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object>
                        {
                            ["issuer"] = $"https://login.microsoftonline.com/{tenant}/v2.0",
                            ["authorization_endpoint"] = $"https://login.microsoftonline.com/{tenant}/oauth2/v2.0/authorize",
                            ["token_endpoint"] = $"https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token",
                            ["end_session_endpoint"] = $"https://login.microsoftonline.com/{tenant}/oauth2/v2.0/logout",
                            ["jwks_uri"] = $"https://login.microsoftonline.com/{tenant}/discovery/v2.0/keys",
                        }),
                    });
                }
                else
                {
                    await route.AbortAsync();
                }
            });
            var button = chat.Page.GetByRole(AriaRole.Button, new() { Name = "Sign in with Microsoft" });
            await Assertions.Expect(button).ToBeVisibleAsync();

            await button.ClickAsync();

            var url = new Uri(await authorize.Task.WaitAsync(TimeSpan.FromSeconds(15)));
            var query = System.Web.HttpUtility.ParseQueryString(url.Query);
            Assert.Equal($"/{tenant}/oauth2/v2.0/authorize", url.AbsolutePath);
            Assert.Equal(ClientId, query["client_id"]);
            Assert.Equal(fixture.Page.Origin, query["redirect_uri"]);
            Assert.Contains(Scope, query["scope"]!.Split(' '));
            Assert.Equal("S256", query["code_challenge_method"]);
            Assert.Empty(chat.PageErrors);
        }
        finally
        {
            fixture.Page.ConfigJson = previous;
        }
    }

    [Fact]
    public async Task ExpiredToken_401SaysSignInAgain()
    {
        var user = Guid.NewGuid();
        await fixture.Gateway.RegisterEntraAsync(CallerKind.Principal, user.ToString("D"), "chat");
        await using var chat = await ChatPage.OpenAsync(fixture);

        await chat.SignInWithTokenAsync(fixture.Issuer.CreateToken(objectId: user, notBefore: DateTime.UtcNow.AddHours(-2), expires: DateTime.UtcNow.AddHours(-1)), "Ada Lovelace");

        await Assertions.Expect(chat.Alert).ToContainTextAsync("Sign in again");
        await Assertions.Expect(chat.KeyBox).ToBeVisibleAsync();
    }
}
