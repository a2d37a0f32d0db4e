using System.Net.Sockets;
using System.Text;

namespace FunctionsRouter.Gateway.Tests.Support;

/// <summary>
/// Sends bytes HttpClient refuses to send (non-ASCII header values, broken chunked encoding) over a plain socket, and
/// reads the response until the server closes the connection.
/// </summary>
internal static class RawHttp
{
    public static async Task<(int Status, string Body)> SendAsync(Uri baseUri, byte[] head, byte[] body, CancellationToken cancellationToken = default)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(baseUri.Host, baseUri.Port, cancellationToken);
        var stream = client.GetStream();
        await stream.WriteAsync(head, cancellationToken);
        await stream.WriteAsync(body, cancellationToken);
        await stream.FlushAsync(cancellationToken);
        using var response = new MemoryStream();
        try
        {
            await stream.CopyToAsync(response, cancellationToken);
        }
        catch (IOException)
        {
            // A reset after the response: what came is what there is.
        }

        var text = Encoding.UTF8.GetString(response.ToArray());
        var status = text.Length >= 12 ? int.Parse(text.AsSpan(9, 3), System.Globalization.CultureInfo.InvariantCulture) : 0;
        var headerEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        return (status, headerEnd < 0 ? string.Empty : text[(headerEnd + 4)..]);
    }

    /// <summary>A POST head for <paramref name="path"/>, with the given extra header lines (each ending in CRLF).</summary>
    public static byte[] Head(string path, Uri baseUri, string headerLines) =>
        Encoding.UTF8.GetBytes($"POST {path} HTTP/1.1\r\nHost: {baseUri.Authority}\r\nContent-Type: application/json\r\nConnection: close\r\n{headerLines}\r\n");
}
