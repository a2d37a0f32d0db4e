using Microsoft.Extensions.Primitives;

namespace FunctionsRouter.Gateway.Forwarding;

/// <summary>The request id: the caller's <c>x-request-id</c> when it is sane, else a new one.</summary>
internal static class RequestIds
{
    public const string Header = "x-request-id";
    private const int MaxLength = 128;

    public static string FromHeaderOrNew(StringValues header)
    {
        var value = header.Count == 1 ? header[0] : null;
        if (!string.IsNullOrEmpty(value) && value.Length <= MaxLength && value.AsSpan().IndexOfAnyExceptInRange((char)0x21, (char)0x7e) < 0)
        {
            return value;
        }

        return RandomGuids.Next().ToString("N");
    }
}
