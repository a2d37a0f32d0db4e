using FunctionsRouter.Gateway.Callers;
using Microsoft.Playwright;

namespace FunctionsRouter.Web.Tests;

/// <summary>Each failure a person can meet, as the page words it: refused credentials, grants, throttling, the network, a broken stream.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ErrorStateTests(BrowserFixture fixture) : IAsyncLifetime
{
    private readonly string _id = Guid.NewGuid().ToString("N")[..8];

    public async Task InitializeAsync()
    {
        await fixture.SeedEchoAliasesAsync(_id);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task SignIn_UnknownKey_401SaysSignInAgain_KeyForgotten()
    {
        await using var chat = await ChatPage.OpenAsync(fixture);

        await chat.SignInWithKeyAsync(CallerKeys.Create());

        await Assertions.Expect(chat.Alert).ToContainTextAsync("Sign in again");
        await Assertions.Expect(chat.Alert).ToContainTextAsync("(401)");
        await Assertions.Expect(chat.Alert.GetByRole(AriaRole.Button, new() { Name = "Sign in again" })).ToBeVisibleAsync();
        await Assertions.Expect(chat.KeyBox).ToBeVisibleAsync();
        Assert.Null(await chat.Page.EvaluateAsync<string?>("sessionStorage.getItem('functionsrouter.gatewayKey')"));
    }

    [Fact]
    public async Task Send_GrantRevokedSinceSignIn_403ModelNotAllowed_QuestionKeptToSendAgain()
    {
        var (id, key) = await fixture.CreateKeyCallerAsync("chat,notes");
        await using var chat = await ChatPage.OpenAsync(fixture);
        await chat.SignInWithKeyAsync(key);
        await Assertions.Expect(chat.ModelPicker).ToHaveValueAsync("chat");
        await fixture.SetAliasesAsync(id, "notes");

        await chat.SendAsync("Are you still there?");

        await Assertions.Expect(chat.Alert).ToContainTextAsync("This model is not granted to you");
        await Assertions.Expect(chat.Alert).ToContainTextAsync("“chat” (403 model_not_allowed)");
        await Assertions.Expect(chat.MessageBox).ToHaveValueAsync("Are you still there?");
        Assert.Equal(0, await chat.Page.Locator(".message").CountAsync());
    }

    [Fact]
    public async Task SignIn_EntraTokenOfAnUnregisteredUser_403CallerNotRegistered()
    {
        await using var chat = await ChatPage.OpenAsync(fixture);

        await chat.SignInWithTokenAsync(fixture.Issuer.CreateToken(), "Nobody Registered");

        await Assertions.Expect(chat.Alert).ToContainTextAsync("Your account is not registered with the gateway");
        await Assertions.Expect(chat.Alert).ToContainTextAsync("403 caller_not_registered");
    }

    [Fact]
    public async Task Send_EveryDeploymentThrottled_429CountsDownTheRetryTime_SendWaits()
    {
        await using var chat = await SignedInToOwnAliasAsync("fail-429+s.");

        await chat.SendAsync("Anyone free?");

        await Assertions.Expect(chat.Alert).ToContainTextAsync("Too many requests");
        var countdown = chat.Page.Locator("#error-countdown");
        await Assertions.Expect(countdown).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^You can send again in [1-7] s\.$"));
        var first = Seconds(await countdown.TextContentAsync());
        await Assertions.Expect(chat.SendButton).ToBeDisabledAsync();
        await Assertions.Expect(countdown).ToHaveTextAsync($"You can send again in {first - 1} s.", new() { Timeout = 3000 });
        await Assertions.Expect(chat.Alert).ToContainTextAsync("Request id:");
        await Assertions.Expect(chat.MessageBox).ToHaveValueAsync("Anyone free?");
    }

    [Fact]
    public async Task Send_ThrottledBriefly_CountsDownToSendAgain()
    {
        await using var chat = await SignedInToOwnAliasAsync("fail-429+ms.");

        await chat.SendAsync("Anyone free?");

        await Assertions.Expect(chat.Alert).ToContainTextAsync("Too many requests");
        // This 429 (every deployment cooling down) is about the models, not the caller: no x-ratelimit-* headers. The page
        // lists them when an answer has them (Send_CallersOwnRequestLimitReached_…, Send_UpstreamRefusesTheRequest_…).
        await Assertions.Expect(chat.Page.GetByRole(AriaRole.List, new() { Name = "Rate limit headers", IncludeHidden = true })).ToBeHiddenAsync();
        await Assertions.Expect(chat.SendButton).ToBeDisabledAsync();
        await Assertions.Expect(chat.Page.Locator("#error-countdown")).ToHaveTextAsync("You can send again now.", new() { Timeout = 5000 });
        await Assertions.Expect(chat.SendButton).ToBeEnabledAsync();
    }

    [Fact]
    public async Task Send_CallersOwnRequestLimitReached_429RateLimitExceeded_HeadersAndCountdownShown()
    {
        // The gateway's own limit (issue 16): refused before any upstream call, with Retry-After and the caller's
        // x-ratelimit-* headers, which its CORS exposes to the page.
        var alias = "limited" + Guid.NewGuid().ToString("N")[..8];
        await fixture.Gateway.SeedAsync(alias, "a", "echo");
        var (id, key) = await fixture.CreateKeyCallerAsync(alias);
        await fixture.SetRequestsPerMinuteAsync(id, 1);
        await using var chat = await ChatPage.OpenAsync(fixture);
        await chat.SignInWithKeyAsync(key);
        await Assertions.Expect(chat.ModelPicker).ToHaveValueAsync(alias);

        await chat.SendAsync("First of the minute");
        await Assertions.Expect(chat.LastAnswer).ToHaveTextAsync("First of the minute");
        await chat.SendAsync("One too many");

        await Assertions.Expect(chat.Alert).ToContainTextAsync("Too many requests");
        await Assertions.Expect(chat.Alert).ToContainTextAsync("requests per minute");
        var headers = chat.Page.GetByRole(AriaRole.List, new() { Name = "Rate limit headers" });
        await Assertions.Expect(headers).ToContainTextAsync("x-ratelimit-limit-requests: 1");
        await Assertions.Expect(headers).ToContainTextAsync("x-ratelimit-remaining-requests: 0");
        var countdown = chat.Page.Locator("#error-countdown");
        // A limit of 1 used this minute frees up as this minute fades out of the next one's sliding window: up to 120 s.
        await Assertions.Expect(countdown).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^You can send again in ([1-9]|[1-9]\d|1[01]\d|120) s\.$"));
        await Assertions.Expect(chat.SendButton).ToBeDisabledAsync();
        await Assertions.Expect(chat.MessageBox).ToHaveValueAsync("One too many");
    }

    [Fact]
    public async Task Send_UpstreamRefusesTheRequest_StatusCodeMessageAndRateLimitHeadersShown()
    {
        // The model's own 4xx is relayed as it came, headers included: the x-ratelimit-* ones reach the page through
        // the gateway's Access-Control-Expose-Headers.
        await using var chat = await SignedInToOwnAliasAsync("fail-422.");

        await chat.SendAsync("Something the model refuses");

        await Assertions.Expect(chat.Alert).ToContainTextAsync("The gateway answered 422");
        await Assertions.Expect(chat.Alert).ToContainTextAsync("Injected failure 422.");
        await Assertions.Expect(chat.Page.GetByRole(AriaRole.List, new() { Name = "Rate limit headers" })).ToHaveTextAsync("x-ratelimit-remaining-requests: 99");
        await Assertions.Expect(chat.SendButton).ToBeEnabledAsync();
    }

    [Fact]
    public async Task Send_NetworkFails_SaysTheGatewayCouldNotBeReached()
    {
        var (_, key) = await fixture.CreateKeyCallerAsync("chat");
        await using var chat = await ChatPage.OpenAsync(fixture);
        await chat.SignInWithKeyAsync(key);
        await Assertions.Expect(chat.ModelPicker).ToHaveValueAsync("chat");
        await chat.Page.RouteAsync("**/api/v1/chat/completions", route => route.AbortAsync("internetdisconnected"));

        await chat.SendAsync("Hello?");

        await Assertions.Expect(chat.Alert).ToContainTextAsync("The gateway could not be reached");
        await Assertions.Expect(chat.Alert).ToContainTextAsync(fixture.Gateway.BaseUri.GetLeftPart(UriPartial.Authority));
        await Assertions.Expect(chat.MessageBox).ToHaveValueAsync("Hello?");
    }

    [Fact]
    public async Task Send_StreamCutMidAnswer_SaysItBrokeOff_KeepsWhatArrived()
    {
        await using var chat = await SignedInToOwnAliasAsync("cut.");

        await chat.SendAsync("Tell me everything");

        await Assertions.Expect(chat.Alert).ToContainTextAsync("The answer broke off");
        await Assertions.Expect(chat.LastAnswer).ToHaveTextAsync("Hello");
        await Assertions.Expect(chat.Page.GetByText("Broke off.", new() { Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(chat.SendButton).ToBeEnabledAsync();
    }

    /// <summary>A page signed in as a caller granted only an alias of its own, on the fake upstream's deployment of that behaviour.</summary>
    private async Task<ChatPage> SignedInToOwnAliasAsync(string behaviour)
    {
        var alias = "own" + Guid.NewGuid().ToString("N")[..8];
        await fixture.Gateway.SeedAsync(alias, "a", behaviour + _id);
        var (_, key) = await fixture.CreateKeyCallerAsync(alias);
        var chat = await ChatPage.OpenAsync(fixture);
        await chat.SignInWithKeyAsync(key);
        await Assertions.Expect(chat.ModelPicker).ToHaveValueAsync(alias);
        return chat;
    }

    private static int Seconds(string? text) =>
        int.Parse(System.Text.RegularExpressions.Regex.Match(text ?? string.Empty, @"\d+").Value, System.Globalization.CultureInfo.InvariantCulture);
}
