using Microsoft.Playwright;

namespace FunctionsRouter.Web.Tests;

/// <summary>
/// One browser context on the page, found by the names a person (or a screen reader) sees: labels, roles and button
/// text. Every console message is kept, so that a test can check no prompt text reached it.
/// </summary>
public sealed class ChatPage : IAsyncDisposable
{
    private ChatPage(IBrowserContext context, IPage page)
    {
        Context = context;
        Page = page;
        page.Console += (_, message) => { lock (Console) Console.Add(message.Text); };
        page.PageError += (_, error) => { lock (PageErrors) PageErrors.Add(error); };
    }

    public IBrowserContext Context { get; }

    public IPage Page { get; }

    public List<string> Console { get; } = [];

    public List<string> PageErrors { get; } = [];

    public ILocator KeyBox => Page.GetByLabel("Gateway key");

    public ILocator ModelPicker => Page.GetByLabel("Model");

    public ILocator MessageBox => Page.GetByLabel("Message", new() { Exact = true });

    public ILocator SendButton => Page.GetByRole(AriaRole.Button, new() { Name = "Send" });

    public ILocator StopButton => Page.GetByRole(AriaRole.Button, new() { Name = "Stop" });

    public ILocator Alert => Page.GetByRole(AriaRole.Alert);

    public ILocator Usage => Page.GetByRole(AriaRole.Status);

    /// <summary>The last answer's text.</summary>
    public ILocator LastAnswer => Page.Locator(".message.assistant .body").Last;

    public static async Task<ChatPage> OpenAsync(BrowserFixture fixture, PageServer? server = null, BrowserNewContextOptions? options = null)
    {
        var context = await fixture.Browser.NewContextAsync(options ?? new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 900, Height = 700 } });
        context.SetDefaultTimeout(15_000);
        var page = await context.NewPageAsync();
        var chat = new ChatPage(context, page);
        await page.GotoAsync((server ?? fixture.Page).BaseUri.ToString());
        return chat;
    }

    public async Task SignInWithKeyAsync(string key)
    {
        await KeyBox.FillAsync(key);
        await KeyBox.PressAsync("Enter");
    }

    /// <summary>Signs in with an Entra access token through the page's test-only hook (MSAL's redirect cannot run here).</summary>
    public async Task SignInWithTokenAsync(string token, string name)
    {
        // The hook appears once the page has read its config.json.
        await Page.WaitForFunctionAsync("() => window.functionsRouterTest !== undefined");
        await Page.EvaluateAsync("([token, name]) => window.functionsRouterTest.signInWithToken(token, name)", new[] { token, name });
    }

    public async Task SendAsync(string text)
    {
        await MessageBox.FillAsync(text);
        await MessageBox.PressAsync("Enter");
    }

    public async Task<IReadOnlyList<string>> ModelsAsync() =>
        await ModelPicker.Locator("option").AllTextContentsAsync();

    public async ValueTask DisposeAsync() => await Context.CloseAsync();
}
