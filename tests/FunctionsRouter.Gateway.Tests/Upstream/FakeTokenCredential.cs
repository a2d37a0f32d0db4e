using Azure.Core;

namespace FunctionsRouter.Gateway.Tests.Upstream;

/// <summary>
/// A credential that hands out <c>token-1</c>, <c>token-2</c>… each valid for <see cref="Lifetime"/> (by
/// <see cref="Time"/>), counting its fetches; <see cref="Hold"/> makes the next fetches wait, <see cref="Fail"/> throw.
/// </summary>
internal sealed class FakeTokenCredential(TimeProvider time) : TokenCredential
{
    private int _fetches;

    public TimeProvider Time { get; } = time;

    public TimeSpan Lifetime { get; set; } = TimeSpan.FromHours(1);

    public int Fetches => Volatile.Read(ref _fetches);

    /// <summary>While set, fetches wait for it (or their cancellation).</summary>
    public TaskCompletionSource? Hold { get; set; }

    public bool Fail { get; set; }

    public string? LastScope { get; private set; }

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        GetTokenAsync(requestContext, cancellationToken).AsTask().GetAwaiter().GetResult();

    public override async ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        var n = Interlocked.Increment(ref _fetches);
        LastScope = requestContext.Scopes.Single();
        if (Hold is { } hold)
        {
            await hold.Task.WaitAsync(cancellationToken);
        }

        if (Fail)
        {
            throw new InvalidOperationException("The fake credential was told to fail.");
        }

        return new AccessToken("token-" + n, Time.GetUtcNow() + Lifetime);
    }
}
