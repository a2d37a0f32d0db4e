using FunctionsRouter.Gateway.Errors;
using Microsoft.AspNetCore.Http;

namespace FunctionsRouter.Gateway.Requests;

/// <summary>
/// Checks the request headers the gateway passes on to the upstream (<c>extra-parameters</c>, and <c>x-request-id</c>
/// as the upstream's client request id): printable ASCII only. Anything else is refused with 400 before any upstream
/// call, so that a header one caller sends cannot make the upstream call fail and count against the deployment.
/// </summary>
internal static class RequestHeaderChecks
{
    private static readonly string[] Forwarded = ["extra-parameters", "x-request-id"];

    public static GatewayError? Check(IHeaderDictionary headers)
    {
        foreach (var name in Forwarded)
        {
            foreach (var value in headers[name])
            {
                if (value is not null && value.AsSpan().IndexOfAnyExceptInRange((char)0x20, (char)0x7e) >= 0)
                {
                    return new GatewayError(GatewayErrorCode.InvalidHeader, $"The '{name}' header must be printable ASCII.", name);
                }
            }
        }

        return null;
    }
}
