namespace FunctionsRouter.Gateway.Callers;

/// <summary>
/// Who is calling. Flows into every usage record. Until caller keys and Entra ID principals land, every caller is
/// <see cref="Anonymous"/>.
/// </summary>
/// <param name="Id">A stable identifier for usage records and limits (never a key).</param>
/// <param name="Kind">How the caller was identified: <c>anonymous</c>, later <c>key</c> or <c>entra</c>.</param>
public sealed record CallerIdentity(string Id, string Kind)
{
    public static CallerIdentity Anonymous { get; } = new("anonymous", "anonymous");
}
