using FunctionsRouter.Gateway.Callers;
using Microsoft.AspNetCore.Http;

namespace FunctionsRouter.Gateway.Tests.Integration;

/// <summary>Tells callers apart by an <c>x-test-caller</c> header (until admission lands, every real caller is anonymous).</summary>
internal sealed class HeaderCallerResolver : ICallerResolver
{
    public const string Header = "x-test-caller";

    public CallerIdentity Resolve(HttpContext context) =>
        new("key:" + context.Request.Headers[Header].ToString(), "key");
}
