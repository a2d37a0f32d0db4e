using FunctionsRouter.Gateway.Callers;
using Microsoft.AspNetCore.Http;

namespace FunctionsRouter.Gateway.Tests.Support;

/// <summary>Callers told apart by an <c>x-test-caller</c> header (<c>key:&lt;value&gt;</c>), until caller keys land.</summary>
internal sealed class HeaderCallerResolver : ICallerResolver
{
    public const string Header = "x-test-caller";

    public CallerIdentity Resolve(HttpContext context) =>
        context.Request.Headers[Header] is { Count: 1 } value ? new CallerIdentity("key:" + value[0], "key") : CallerIdentity.Anonymous;
}
