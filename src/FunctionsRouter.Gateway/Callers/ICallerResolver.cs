using Microsoft.AspNetCore.Http;

namespace FunctionsRouter.Gateway.Callers;

/// <summary>Identifies the caller of a request; the place where caller keys and Entra ID principals will be read.</summary>
public interface ICallerResolver
{
    CallerIdentity Resolve(HttpContext context);
}
