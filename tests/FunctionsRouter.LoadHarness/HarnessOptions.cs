using System.Globalization;

namespace FunctionsRouter.LoadHarness;

/// <summary>The harness's switches, each with its default.</summary>
internal sealed class HarnessOptions
{
    /// <summary>Concurrent request loops in the latency phases (upstream delay on). Default 16.</summary>
    public int Concurrency { get; private set; } = 16;

    /// <summary>Rounds of every phase; the report gives each phase's median over them. Default 3.</summary>
    public int Rounds { get; private set; } = 3;

    /// <summary>Measured seconds per phase. Default 10.</summary>
    public int DurationSeconds { get; private set; } = 10;

    /// <summary>Seconds each phase runs before it is measured (JIT, connection pools). Default 3.</summary>
    public int WarmupSeconds { get; private set; } = 3;

    /// <summary>
    /// Seconds of unmeasured traffic through the gateway (half JSON, half streams) before the first phase, so that its
    /// code has been compiled at the JIT's final tier: without it, phase (b) measures the JIT too. Default 10.
    /// </summary>
    public int GatewayWarmupSeconds { get; private set; } = 10;

    /// <summary>How long the fake upstream waits before it answers (before the first chunk of a stream). Default 20.</summary>
    public int DelayMs { get; private set; } = 20;

    /// <summary>Content chunks in a streamed answer. Default 8.</summary>
    public int Chunks { get; private set; } = 8;

    /// <summary>Pause between content chunks of a stream. Default 1.</summary>
    public int ChunkIntervalMs { get; private set; } = 1;

    /// <summary>Concurrent request loops in the saturation phases, where the upstream answers at once. Default 64.</summary>
    public int SaturationConcurrency { get; private set; } = 64;

    /// <summary>Whether the gateway logs usage records (category <c>FunctionsRouter.Usage</c>, Information). Default on.</summary>
    public bool UsageLog { get; private set; } = true;

    /// <summary>An experiment: off replaces the usage ledger (queue and table writer) by a sink that drops records. Default on.</summary>
    public bool UsageLedger { get; private set; } = true;

    /// <summary>
    /// Azurite runs at idle CPU priority (nice 19), standing in for Table Storage, which in production is remote and
    /// takes no CPU from the gateway. The usage writer is off the request path, so it simply catches up later. Default on.
    /// </summary>
    public bool AzuriteNice { get; private set; } = true;

    /// <summary>
    /// Slow-table mode instead of the standard phases (issue 18): the gateway's table calls go through a relay that
    /// delays each by every <see cref="TableDelaysMs"/> in turn, and Azurite is paused (SIGSTOP), each for a whole
    /// window of <see cref="SlowWindowSeconds"/>, longer than the caches' <see cref="CacheTtlSeconds"/>; beside YARP and
    /// beside the gateway with normal tables. Default off.
    /// </summary>
    public bool SlowTable { get; private set; }

    /// <summary>The table delays of the slow-table mode, in milliseconds. Default 3000 and 20000.</summary>
    public IReadOnlyList<int> TableDelaysMs { get; private set; } = [3_000, 20_000];

    /// <summary>Measured seconds per slow-table window. Default 40.</summary>
    public int SlowWindowSeconds { get; private set; } = 40;

    /// <summary>The gateway's caller and alias cache TTL in the slow-table mode (<c>Router__CallerCacheTtl</c>, <c>Router__AliasCacheTtl</c>). Default 4.</summary>
    public int CacheTtlSeconds { get; private set; } = 4;

    /// <summary>
    /// Gives the harness's caller limits on every dimension and an alias limit, all far above what a run sends, so every
    /// request pays the limits stage (token estimate, two counters, headers, settlement) and the count sync runs
    /// against Azurite, without a refusal. Default off.
    /// </summary>
    public bool LimitedCaller { get; private set; }

    /// <summary>Run as the gateway child process (internal: the harness starts itself with it).</summary>
    public bool ServeGateway { get; private set; }

    /// <summary>Run as the YARP pass-through child process (internal: the harness starts itself with it).</summary>
    public bool ServeYarp { get; private set; }

    public const string Usage =
        """
        dotnet run -c Release --project tests/FunctionsRouter.LoadHarness -- [options]
          --rounds N                  rounds of all phases, YARP and gateway alternating; medians reported (3)
          --concurrency N             concurrent loops for the latency phases (16)
          --duration S                measured seconds per phase (10)
          --warmup S                  unmeasured seconds before each phase (3)
          --gateway-warmup S          unmeasured gateway traffic before phase a, for the JIT's final tier (10)
          --delay-ms MS               fake upstream's wait before answering / before the first chunk (20)
          --chunks N                  content chunks per stream (8)
          --chunk-interval-ms MS      pause between content chunks (1)
          --saturation-concurrency N  concurrent loops in the saturation phases, upstream delay 0 (64)
          --usage-log on|off          gateway renders each usage record's log event, Information (on)
          --azurite-nice on|off       Azurite (the usage table) at idle CPU priority, as a remote service would be (on)
          --usage-ledger on|off       experiment: off drops usage records instead of queueing them for the table (on)
          --slow-table on|off         slow-table mode (issue 18) instead of the phases above (off):
          --table-delays-ms A,B,...     every table call delayed by each in turn, one window each (3000,20000); then Azurite paused
          --slow-window S               measured seconds per window, longer than the cache TTL (40)
          --cache-ttl S                 the gateway's caller and alias cache TTL (4)
          --limited-caller on|off     the caller has limits (never reached): every request pays the limits stage (off)
        """;

    /// <summary>Parses the switches; <see langword="null"/> with <paramref name="error"/> set when one is wrong.</summary>
    public static HarnessOptions? Parse(string[] args, out string? error)
    {
        var options = new HarnessOptions();
        error = null;
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (name == "--serve-gateway")
            {
                options.ServeGateway = true;
                continue;
            }

            if (name == "--serve-yarp")
            {
                options.ServeYarp = true;
                continue;
            }

            if (i + 1 >= args.Length)
            {
                error = $"{name} needs a value.";
                return null;
            }

            var value = args[++i];
            switch (name)
            {
                case "--concurrency": options.Concurrency = Positive(name, value, ref error); break;
                case "--rounds": options.Rounds = Positive(name, value, ref error); break;
                case "--duration": options.DurationSeconds = Positive(name, value, ref error); break;
                case "--warmup": options.WarmupSeconds = NonNegative(name, value, ref error); break;
                case "--gateway-warmup": options.GatewayWarmupSeconds = NonNegative(name, value, ref error); break;
                case "--delay-ms": options.DelayMs = NonNegative(name, value, ref error); break;
                case "--chunks": options.Chunks = Positive(name, value, ref error); break;
                case "--chunk-interval-ms": options.ChunkIntervalMs = NonNegative(name, value, ref error); break;
                case "--saturation-concurrency": options.SaturationConcurrency = Positive(name, value, ref error); break;
                case "--usage-log" when value is "on" or "off": options.UsageLog = value == "on"; break;
                case "--azurite-nice" when value is "on" or "off": options.AzuriteNice = value == "on"; break;
                case "--usage-ledger" when value is "on" or "off": options.UsageLedger = value == "on"; break;
                case "--slow-table" when value is "on" or "off": options.SlowTable = value == "on"; break;
                case "--table-delays-ms": options.TableDelaysMs = Delays(name, value, ref error); break;
                case "--slow-window": options.SlowWindowSeconds = Positive(name, value, ref error); break;
                case "--cache-ttl": options.CacheTtlSeconds = Positive(name, value, ref error); break;
                case "--limited-caller" when value is "on" or "off": options.LimitedCaller = value == "on"; break;
                default: error = $"Unknown option or value: {name} {value}"; break;
            }

            if (error is not null)
            {
                return null;
            }
        }

        return options;
    }

    private static List<int> Delays(string name, string value, ref string? error)
    {
        var delays = new List<int>();
        foreach (var part in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            delays.Add(Positive(name, part, ref error));
        }

        return delays;
    }

    private static int Positive(string name, string value, ref string? error)
    {
        var number = NonNegative(name, value, ref error);
        if (error is null && number == 0)
        {
            error = $"{name} must be at least 1.";
        }

        return number;
    }

    private static int NonNegative(string name, string value, ref string? error)
    {
        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return number;
        }

        error = $"{name} takes a whole number, not '{value}'.";
        return 0;
    }
}
