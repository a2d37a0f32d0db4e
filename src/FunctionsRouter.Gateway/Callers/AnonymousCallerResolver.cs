using Microsoft.AspNetCore.Http;

namespace FunctionsRouter.Gateway.Callers;

/// <summary>Every caller is anonymous: the Functions host's function key is the only gate for now.</summary>
internal sealed class AnonymousCallerResolver : ICallerResolver
{
    public CallerIdentity Resolve(HttpContext context) => CallerIdentity.Anonymous;
}
