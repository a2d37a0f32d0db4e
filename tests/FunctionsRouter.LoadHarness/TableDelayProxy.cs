using System.Net;
using System.Net.Sockets;
using System.Diagnostics;
using System.Threading.Channels;

namespace FunctionsRouter.LoadHarness;

/// <summary>
/// A TCP relay between the gateway and Azurite that can make every table call slow: while <see cref="Delay"/> is set,
/// each chunk the gateway sends is passed on that long after it arrived (a pipeline delay: a request is late by the
/// delay once, not once per chunk), as a throttled or distant storage account answers. Answers flow back untouched.
/// The gateway's connection string names this relay instead of Azurite.
/// </summary>
internal sealed class TableDelayProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private long _delayTicks;

    private TableDelayProxy(int targetPort)
    {
        _targetPort = targetPort;
        _listener.Start();
        _accepting = AcceptAsync(_stop.Token);
    }

    /// <summary>The port the gateway connects to.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>How late each table call reaches Azurite; zero passes them at once.</summary>
    public TimeSpan Delay
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _delayTicks));
        set => Interlocked.Exchange(ref _delayTicks, value.Ticks);
    }

    public static TableDelayProxy Start(int targetPort) => new(targetPort);

    /// <summary>Azurite's connection string with its table endpoint moved to this relay.</summary>
    public string ConnectionString(string azuriteConnectionString, int azuritePort) =>
        azuriteConnectionString.Replace($"127.0.0.1:{azuritePort}/", $"127.0.0.1:{Port}/", StringComparison.Ordinal);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(stop);
            _ = RelayAsync(client, stop);
        }
    }

    private async Task RelayAsync(TcpClient client, CancellationToken stop)
    {
        using (client)
        using (var server = new TcpClient { NoDelay = true })
        {
            client.NoDelay = true;
            try
            {
                await server.ConnectAsync(IPAddress.Loopback, _targetPort, stop);
                using var connection = CancellationTokenSource.CreateLinkedTokenSource(stop);
                var up = DelayedCopyAsync(client.GetStream(), server.GetStream(), connection.Token);
                var down = server.GetStream().CopyToAsync(client.GetStream(), connection.Token);
                await Task.WhenAny(up, down);
                await connection.CancelAsync(); // One side closed: close both.
                await Task.WhenAll(up, down).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // A connection ended; the gateway sees it as its table client would.
            }
        }
    }

    /// <summary>Copies <paramref name="from"/> to <paramref name="to"/>, each chunk written <see cref="Delay"/> after it was read.</summary>
    private async Task DelayedCopyAsync(Stream from, Stream to, CancellationToken cancellationToken)
    {
        var chunks = Channel.CreateUnbounded<(byte[] Bytes, long Due)>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var writer = Task.Run(
            async () =>
            {
                await foreach (var (bytes, due) in chunks.Reader.ReadAllAsync(cancellationToken))
                {
                    var wait = due - Stopwatch.GetTimestamp();
                    if (wait > 0)
                    {
                        await Task.Delay(TimeSpan.FromSeconds(wait / (double)Stopwatch.Frequency), cancellationToken);
                    }

                    await to.WriteAsync(bytes, cancellationToken);
                }
            },
            cancellationToken);
        try
        {
            var buffer = new byte[64 * 1024];
            int read;
            while ((read = await from.ReadAsync(buffer, cancellationToken)) > 0)
            {
                var due = Stopwatch.GetTimestamp() + (long)(Delay.TotalSeconds * Stopwatch.Frequency);
                await chunks.Writer.WriteAsync((buffer.AsSpan(0, read).ToArray(), due), cancellationToken);
            }
        }
        finally
        {
            chunks.Writer.TryComplete();
        }

        await writer;
    }
}
