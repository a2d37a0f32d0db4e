using FunctionsRouter.Gateway.Callers;
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
