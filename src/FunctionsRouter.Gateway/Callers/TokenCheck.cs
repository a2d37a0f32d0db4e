namespace FunctionsRouter.Gateway.Callers;

/// <summary>The outcome of checking a bearer token: a principal, or why not.</summary>
/// <param name="Principal">The bearer, when the token is valid.</param>
/// <param name="Unavailable">The issuer's keys could not be had (503), as opposed to a token that is not valid (401).</param>
/// <param name="Problem">Why the token was refused, fit for <c>error_description</c> (never the token).</param>
internal readonly record struct TokenCheck(EntraPrincipal? Principal, bool Unavailable, string? Problem)
{
    public static TokenCheck Valid(EntraPrincipal principal) => new(principal, false, null);

    public static TokenCheck Invalid(string problem) => new(null, false, problem);

    public static TokenCheck KeysUnavailable { get; } = new(null, true, null);
}
