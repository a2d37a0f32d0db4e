using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;

namespace FunctionsRouter.LoadHarness;

/// <summary>
/// Drives one phase: <c>concurrency</c> loops each send a request, read the answer to its end, and send the next, for
/// the warm-up and then for the measured window. A request counts when it completes inside the window; its latency
/// runs from just before the send to the last byte, its time to first token to the first chunk carrying content.
/// </summary>
internal sealed class LoadDriver : IDisposable
{
    private static readonly byte[] Content = "\"content\""u8.ToArray();
    private static readonly byte[] DoneEnd = "[DONE]\n\n"u8.ToArray();
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    private readonly HttpMessageInvoker _client = new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = int.MaxValue,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
        UseProxy = false,
    });

    /// <summary>How long the usage writer may take to catch up after a window before the counters are read anyway.</summary>
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(120);

    /// <summary>Run after each gateway phase with the ledger on, once its writer has caught up (or the drain timed out).</summary>
    public Func<CancellationToken, Task>? AfterLedgerDrain { get; set; }

    /// <summary>
    /// Warm-up, a pause while the gateway's usage writer catches up, the measured window, and another such pause: the
    /// gateway's counters are read in the pauses, so its CPU and allocations per request include the writer's share.
    /// </summary>
    /// <param name="window">Called as the measured window starts (true) and ends (false): the slow-table mode slows or pauses the table for exactly the window.</param>
    public async Task<PhaseResult> RunAsync(string name, LoadRequest request, int concurrency, TimeSpan warmup, TimeSpan duration, GatewayProcess? gateway, bool ledger, Process? azurite, CancellationToken cancellationToken, Action<bool>? window = null)
    {
        if (warmup > TimeSpan.Zero)
        {
            await RunLoopsAsync(request, concurrency, warmup, cancellationToken);
        }

        var gatewayBefore = gateway is null ? null : await DrainAsync(gateway, ledger, azurite, cancellationToken);
        var azuriteBefore = ChildProcesses.CpuMs(azurite);
        var harnessBefore = Process.GetCurrentProcess().TotalProcessorTime;

        // A line a profiler can wait for (e.g. `perf record -p <gateway pid>` for exactly this window).
        Console.Error.WriteLine($"[harness] measuring {name}");
        window?.Invoke(true);
        var windowStart = Stopwatch.GetTimestamp();
        LoopSamples[] samples;
        try
        {
            samples = await RunLoopsAsync(request, concurrency, duration, cancellationToken);
        }
        finally
        {
            window?.Invoke(false);
        }

        var failed = samples.Sum(s => s.Errors);
        Console.Error.WriteLine(failed == 0 ? $"[harness] measured {name}" : $"[harness] measured {name}: {failed} errors, the last: {LastFailure}");

        var harnessCpu = Process.GetCurrentProcess().TotalProcessorTime - harnessBefore;
        var gatewayAtEnd = gateway is null ? null : await gateway.GetCountersAsync(cancellationToken);
        var drainStarted = Stopwatch.GetTimestamp();
        var gatewayAfter = gateway is null ? null : await DrainAsync(gateway, ledger, azurite, cancellationToken);
        var drainSeconds = Stopwatch.GetElapsedTime(drainStarted).TotalSeconds;
        if (gateway is not null && ledger && AfterLedgerDrain is { } afterDrain)
        {
            await afterDrain(cancellationToken);
        }
        var azuriteCpu = gateway is null ? 0 : ChildProcesses.CpuMs(azurite) - azuriteBefore;

        var latencies = samples.SelectMany(s => s.Latencies).ToList();
        var ttfts = samples.SelectMany(s => s.TimesToFirstToken).ToList();
        return new PhaseResult(
            name,
            concurrency,
            duration.TotalSeconds,
            latencies.Count,
            samples.Sum(s => s.Errors),
            LatencySummary.FromTicks(latencies),
            request.Streamed ? LatencySummary.FromTicks(ttfts) : null,
            gatewayBefore,
            gatewayAfter,
            harnessCpu.TotalMilliseconds,
            azuriteCpu)
        {
            GatewayAtEnd = gatewayAtEnd,
            DrainSeconds = drainSeconds,
            IdleCpuMsPerSecond = gateway?.IdleCpuMsPerSecond ?? 0,
            LongestGapMs = LongestGapMs(samples.SelectMany(s => s.Completions).ToList(), windowStart, duration),
            ErrorSample = samples.Sum(s => s.Errors) > 0 ? LastFailure : null,
        };
    }

    /// <summary>The longest stretch of the window in which no request completed (the window's edges count as completions).</summary>
    private static double LongestGapMs(List<long> completions, long windowStart, TimeSpan duration)
    {
        completions.Sort();
        var previous = windowStart;
        long longest = 0;
        foreach (var at in completions.Append(windowStart + (long)(duration.TotalSeconds * Stopwatch.Frequency)))
        {
            longest = Math.Max(longest, at - previous);
            previous = Math.Max(previous, at);
        }

        return longest * 1000.0 / Stopwatch.Frequency;
    }

    /// <summary>
    /// Waits for the gateway's usage writer to catch up. Azurite, kept at idle priority during a window (Table Storage is
    /// remote in production), runs at normal priority meanwhile: on a machine shared with builds it would otherwise get
    /// almost no CPU and the wait would outlast its bound.
    /// </summary>
    private static async Task<ProcessCounters> DrainAsync(GatewayProcess gateway, bool ledger, Process? azurite, CancellationToken cancellationToken)
    {
        var priority = SetPriority(azurite, ProcessPriorityClass.Normal);
        try
        {
            return await gateway.GetDrainedCountersAsync(ledger, DrainTimeout, cancellationToken);
        }
        finally
        {
            if (priority is { } previous)
            {
                SetPriority(azurite, previous);
            }
        }
    }

    private static ProcessPriorityClass? SetPriority(Process? process, ProcessPriorityClass priority)
    {
        try
        {
            if (process is null || process.HasExited)
            {
                return null;
            }

            var previous = process.PriorityClass;
            process.PriorityClass = priority;
            return previous;
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    /// <summary>Sends one request and reads its answer; returns whether it is correct (and its first-token time).</summary>
    public async Task<(bool Ok, long FirstTokenAt)> SendAsync(LoadRequest request, byte[] buffer, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, request.Uri) { Content = new ByteArrayContent(request.Body) };
        message.Content.Headers.ContentType = Json;
        if (request.ApiKey is not null)
        {
            message.Headers.TryAddWithoutValidation("api-key", request.ApiKey);
        }

        using var response = await _client.SendAsync(message, cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            LastFailure = $"HTTP {(int)response.StatusCode} {text[..Math.Min(text.Length, 300)]}";
            return (false, 0);
        }

        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        long firstTokenAt = 0;
        var tail = 0;
        int read;
        while ((read = await body.ReadAsync(buffer.AsMemory(tail), cancellationToken)) > 0)
        {
            var filled = tail + read;
            if (request.Streamed && firstTokenAt == 0 && buffer.AsSpan(0, filled).IndexOf(Content) >= 0)
            {
                firstTokenAt = Stopwatch.GetTimestamp();
            }

            // Keep the last bytes at the front: the end marker, or a "content" split across two reads.
            tail = Math.Min(filled, DoneEnd.Length);
            buffer.AsSpan(filled - tail, tail).CopyTo(buffer);
        }

        var ok = !request.Streamed || (firstTokenAt != 0 && buffer.AsSpan(0, tail).SequenceEqual(DoneEnd));
        if (!ok)
        {
            LastFailure = "a stream that did not end with [DONE]";
        }

        return (ok, firstTokenAt);
    }

    /// <summary>What the last failed request got (status and the start of its body, or the exception), to say why a phase had errors.</summary>
    public string? LastFailure { get; private set; }

    public void Dispose() => _client.Dispose();

    /// <summary>Runs the loops for <paramref name="duration"/>; each keeps the requests that completed within it.</summary>
    private Task<LoopSamples[]> RunLoopsAsync(LoadRequest request, int concurrency, TimeSpan duration, CancellationToken cancellationToken)
    {
        var from = Stopwatch.GetTimestamp();
        var to = from + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        return Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(() => LoopAsync(request, from, to, cancellationToken), cancellationToken)));
    }

    private async Task<LoopSamples> LoopAsync(LoadRequest request, long measureFrom, long measureTo, CancellationToken cancellationToken)
    {
        var samples = new LoopSamples();
        var buffer = new byte[16 * 1024];
        while (!cancellationToken.IsCancellationRequested)
        {
            var start = Stopwatch.GetTimestamp();
            if (start >= measureTo)
            {
                break;
            }

            bool ok;
            long firstTokenAt;
            try
            {
                (ok, firstTokenAt) = await SendAsync(request, buffer, cancellationToken);
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                (ok, firstTokenAt) = (false, 0);
                LastFailure = $"{ex.GetType().Name} after {Stopwatch.GetElapsedTime(start).TotalSeconds:0.0} s: {ex.Message}";
            }

            var end = Stopwatch.GetTimestamp();
            if (end < measureFrom || end > measureTo)
            {
                continue;
            }

            if (!ok)
            {
                samples.Errors++;
                continue;
            }

            samples.Latencies.Add(end - start);
            samples.Completions.Add(end);
            if (request.Streamed)
            {
                samples.TimesToFirstToken.Add(firstTokenAt - start);
            }
        }

        return samples;
    }

    private sealed class LoopSamples
    {
        public List<long> Latencies { get; } = new(4096);

        public List<long> TimesToFirstToken { get; } = new(4096);

        /// <summary>When each counted request completed (timestamps), for the longest stretch without one.</summary>
        public List<long> Completions { get; } = new(4096);

        public int Errors { get; set; }
    }
}
