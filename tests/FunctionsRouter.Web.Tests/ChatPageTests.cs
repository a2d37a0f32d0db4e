using Microsoft.Playwright;

namespace FunctionsRouter.Web.Tests;

/// <summary>The chat page in chromium against the gateway: sign-in, models, streaming, stop, output safety, layout.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ChatPageTests(BrowserFixture fixture) : IAsyncLifetime
{
    private readonly string _id = Guid.NewGuid().ToString("N")[..8];

    public async Task InitializeAsync()
    {
        await fixture.SeedEchoAliasesAsync(_id);
        await fixture.Gateway.SeedAsync("hidden", "a", "echo.hidden" + _id);
    }

    public Task DisposeAsync() => fixture.ReleaseUpstreamAsync();

    [Fact]
    public async Task SignIn_Key_ModelListShowsOnlyTheCallersAliases()
    {
        var (_, key) = await fixture.CreateKeyCallerAsync("chat,notes");
        await using var chat = await ChatPage.OpenAsync(fixture);

        await chat.SignInWithKeyAsync(key);

        await Assertions.Expect(chat.ModelPicker).ToBeVisibleAsync();
        Assert.Equal(["chat", "notes"], await chat.ModelsAsync());
        await Assertions.Expect(chat.Page.GetByText("Signed in: Gateway key " + key[..10])).ToBeVisibleAsync();
        Assert.Equal(key, await chat.Page.EvaluateAsync<string>("sessionStorage.getItem('functionsrouter.gatewayKey')"));
        Assert.Null(await chat.Page.EvaluateAsync<string?>("localStorage.getItem('functionsrouter.gatewayKey')"));
        Assert.DoesNotContain(key, chat.Page.Url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_UpstreamPausedMidStream_FirstWordsOnScreenBeforeTheStreamEnds_ThenUsage()
    {
        var (_, key) = await fixture.CreateKeyCallerAsync("chat");
        await using var chat = await ChatPage.OpenAsync(fixture);
        await chat.SignInWithKeyAsync(key);
        var pause = fixture.PauseUpstream();
        const string Prompt = "Streaming works: first half now, second half later";

        await chat.SendAsync(Prompt);

        await Assertions.Expect(chat.LastAnswer).ToHaveTextAsync("Streaming works: first half");
        Assert.False(pause.Task.IsCompleted); // The upstream is still holding the rest back.
        await Assertions.Expect(chat.StopButton).ToBeEnabledAsync();
        await Assertions.Expect(chat.SendButton).ToBeDisabledAsync();

        pause.SetResult();

        await Assertions.Expect(chat.LastAnswer).ToHaveTextAsync(Prompt);
        await Assertions.Expect(chat.Usage).ToHaveTextAsync("Tokens used: 11 in, 7 out, 18 in all.");
        await Assertions.Expect(chat.StopButton).ToBeDisabledAsync();
        Assert.DoesNotContain(chat.Console, line => line.Contains("Streaming works", StringComparison.Ordinal));
        Assert.Empty(chat.PageErrors);
        var sent = fixture.Upstream.LastFor("echo." + _id).BodyText;
        Assert.Contains("\"include_usage\":true", sent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stop_MidAnswer_UpstreamSeesTheCancellation_GatewayRecords499_PartialAnswerKept()
    {
        await fixture.Gateway.SeedAsync("stoppable" + _id, "a", "echo.stop" + _id);
        var (_, key) = await fixture.CreateKeyCallerAsync("stoppable" + _id);
        await using var chat = await ChatPage.OpenAsync(fixture);
        await chat.SignInWithKeyAsync(key);
        fixture.PauseUpstream();

        await chat.SendAsync("Stop me before I finish this sentence");
        await Assertions.Expect(chat.LastAnswer).ToHaveTextAsync("Stop me before I finish");
        await Assertions.Expect(chat.StopButton).ToBeFocusedAsync();
        await chat.Page.Keyboard.PressAsync("Enter"); // Stop has the focus while answering: keyboard only.

        await fixture.Upstream.StreamAborted.Task.WaitAsync(TimeSpan.FromSeconds(15));
        await Assertions.Expect(chat.Usage).ToHaveTextAsync("Stopped: the gateway cancelled the model's answer.");
        await Assertions.Expect(chat.Page.GetByText("Stopped.", new() { Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(chat.LastAnswer).ToHaveTextAsync("Stop me before I finish");
        var rows = await fixture.WaitForUsageRowsAsync($"Alias eq 'stoppable{_id}'");
        Assert.Equal(499, Assert.Single(rows).GetInt32("HttpStatus"));
    }

    [Fact]
    public async Task ModelOutput_HtmlWithAHandler_ShownAsTextNeverRun()
    {
        var (_, key) = await fixture.CreateKeyCallerAsync("chat");
        await using var chat = await ChatPage.OpenAsync(fixture);
        await chat.SignInWithKeyAsync(key);
        const string Payload = "Look <img src=x onerror=\"window.__xss=1\"> and <script>window.__xss=2</script> and [link](javascript:window.__xss=3) **bold**";

        await chat.SendAsync(Payload);

        await Assertions.Expect(chat.Usage).ToContainTextAsync("Tokens used");
        await Assertions.Expect(chat.LastAnswer).ToContainTextAsync("<img src=x onerror=\"window.__xss=1\">");
        await Assertions.Expect(chat.LastAnswer).ToContainTextAsync("<script>window.__xss=2</script>");
        Assert.Equal(0, await chat.LastAnswer.Locator("img, script, [onerror]").CountAsync());
        Assert.Equal("bold", await chat.LastAnswer.Locator("strong").TextContentAsync()); // Markdown still renders.
        var href = await chat.LastAnswer.Locator("a").Last.GetAttributeAsync("href");
        Assert.False(href?.StartsWith("javascript:", StringComparison.OrdinalIgnoreCase) ?? false, href);
        await chat.LastAnswer.Locator("a").Last.ClickAsync();
        Assert.Null(await chat.Page.EvaluateAsync<int?>("window.__xss ?? null"));
        Assert.Empty(chat.PageErrors);
    }

    [Fact]
    public async Task RefusedOrigin_TheBrowserBlocksTheGatewaysAnswer_PageSaysSo()
    {
        var (_, key) = await fixture.CreateKeyCallerAsync("chat");
        await using var chat = await ChatPage.OpenAsync(fixture, fixture.StrangerPage);

        await chat.SignInWithKeyAsync(key);

        await Assertions.Expect(chat.Alert).ToContainTextAsync("The gateway could not be reached");
        await Assertions.Expect(chat.Alert).ToContainTextAsync("CORS");
        Assert.Contains(chat.Console, line => line.Contains("blocked by CORS policy", StringComparison.Ordinal));
        await Assertions.Expect(chat.ModelPicker).ToBeHiddenAsync();
    }

    [Fact]
    public async Task KeyboardOnly_SignInPickAModelAndSend()
    {
        var (_, key) = await fixture.CreateKeyCallerAsync("chat,notes");
        await using var chat = await ChatPage.OpenAsync(fixture);

        await Assertions.Expect(chat.KeyBox).ToBeFocusedAsync();
        await chat.Page.Keyboard.TypeAsync(key);
        await chat.Page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(chat.MessageBox).ToBeFocusedAsync();
        await chat.Page.Keyboard.PressAsync("Shift+Tab");
        await chat.Page.Keyboard.PressAsync("Shift+Tab");
        await Assertions.Expect(chat.ModelPicker).ToBeFocusedAsync();
        await chat.Page.Keyboard.PressAsync("ArrowDown");
        await Assertions.Expect(chat.ModelPicker).ToHaveValueAsync("notes");
        await chat.Page.Keyboard.PressAsync("Tab");
        await chat.Page.Keyboard.PressAsync("Tab");
        await Assertions.Expect(chat.MessageBox).ToBeFocusedAsync();
        await chat.Page.Keyboard.TypeAsync("Typed with the keyboard only");
        await chat.Page.Keyboard.PressAsync("Enter");

        await Assertions.Expect(chat.LastAnswer).ToHaveTextAsync("Typed with the keyboard only");
        Assert.Equal("notes", (await fixture.WaitForUsageRowsAsync($"Alias eq 'notes' and Deployment eq 'echo.notes{_id}'")).Select(r => r.GetString("Alias")).First());
    }

    [Theory]
    [InlineData(320, 1)] // A phone.
    [InlineData(640, 2)] // A 1280-pixel window at 200 % zoom.
    public async Task Layout_NarrowOrZoomed_NoSidewaysScrolling_EveryControlLabelledAndInView(int width, int scale)
    {
        var (_, key) = await fixture.CreateKeyCallerAsync("chat");
        await using var chat = await ChatPage.OpenAsync(fixture, options: new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = 640 },
            DeviceScaleFactor = scale,
        });
        Assert.True(await chat.Page.EvaluateAsync<bool>("[...document.querySelectorAll('input, select, textarea')].every(e => e.labels.length > 0)"));
        await chat.SignInWithKeyAsync(key);
        await chat.SendAsync("A long answer with a verylongwordthatmustwrapratherthanpushthepagesidewaysverylongwordthatmustwrap and more words");
        await Assertions.Expect(chat.Usage).ToContainTextAsync("Tokens used");

        Assert.True(await chat.Page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= document.documentElement.clientWidth"));
        foreach (var control in new[] { chat.ModelPicker, chat.MessageBox, chat.SendButton, chat.StopButton })
        {
            var box = await control.BoundingBoxAsync();
            Assert.NotNull(box);
            Assert.InRange(box.X, 0, width);
            Assert.InRange(box.X + box.Width, 0, width);
        }

        Assert.True(await chat.Page.EvaluateAsync<bool>("[...document.querySelectorAll('input, select, textarea')].every(e => e.labels.length > 0)"));
    }
}
