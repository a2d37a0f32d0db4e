using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FunctionsRouter.Benchmarks.Forwarding;

/// <summary>
/// A model endpoint on loopback for the upstream-call benchmark: raw HTTP/1.1 over keep-alive sockets, one canned JSON
/// completion per request. Written on sockets rather than Kestrel so that its own allocations per request are a few
/// bytes: the benchmark counts every allocation in the process, and this fake's should not hide the gateway's.
/// </summary>
internal sealed class LoopbackUpstream : IDisposable
{
    private static readonly byte[] HeaderEnd = "\r\n\r\n"u8.ToArray();
    private static readonly byte[] ContentLengthName = "content-length:"u8.ToArray();

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly byte[] _answer;

    public LoopbackUpstream(string json)
    {
        var body = Encoding.UTF8.GetBytes(json);
        var head = Encoding.ASCII.GetBytes(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\napim-request-id: 6f1c2d3e-0000-4000-8000-000000000001\r\n" +
            "x-ratelimit-remaining-requests: 99\r\nx-ratelimit-remaining-tokens: 99000\r\nContent-Length: " + body.Length + "\r\n\r\n");
        _answer = [.. head, .. body];
        _listener.Start();
        _ = AcceptAsync();
    }

    public Uri BaseUri => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = ServeAsync(socket);
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        using var _ = socket;
        var buffer = new byte[64 * 1024];
        var length = 0;
        try
        {
            while (true)
            {
                var headerEnd = buffer.AsSpan(0, length).IndexOf(HeaderEnd);
                if (headerEnd < 0)
                {
                    var read = await socket.ReceiveAsync(buffer.AsMemory(length), _stop.Token);
                    if (read == 0)
                    {
                        return;
                    }

                    length += read;
                    continue;
                }

                var requestLength = headerEnd + HeaderEnd.Length + ContentLength(buffer.AsSpan(0, headerEnd));
                while (length < requestLength)
                {
                    var read = await socket.ReceiveAsync(buffer.AsMemory(length), _stop.Token);
                    if (read == 0)
                    {
                        return;
                    }

                    length += read;
                }

                buffer.AsSpan(requestLength, length - requestLength).CopyTo(buffer);
                length -= requestLength;
                await socket.SendAsync(_answer, _stop.Token);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // The benchmark ended, or the client closed the connection.
        }
    }

    private static int ContentLength(ReadOnlySpan<byte> head)
    {
        Span<byte> lower = stackalloc byte[Math.Min(head.Length, 8192)];
        Ascii.ToLower(head[..lower.Length], lower, out _);
        var at = lower.IndexOf(ContentLengthName);
        if (at < 0)
        {
            return 0;
        }

        var rest = lower[(at + ContentLengthName.Length)..];
        var end = rest.IndexOf((byte)'\r');
        return System.Buffers.Text.Utf8Parser.TryParse(rest[..(end < 0 ? rest.Length : end)].Trim((byte)' '), out int value, out _) ? value : 0;
    }
}
