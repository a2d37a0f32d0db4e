using System.Runtime.InteropServices;
using System.Text;
using Azure.Data.Tables;
using FunctionsRouter.Testing;

namespace FunctionsRouter.LoadHarness;

/// <summary>
/// One run: Azurite, the alias table with one alias, the fake upstream (this process), the gateway and a YARP
/// pass-through (two child processes), then rounds of phases — direct, YARP and gateway, JSON then streamed, then YARP
/// and gateway at saturation — and the report of medians. Everything started is stopped on the way out, Ctrl+C and SIGTERM included.
/// </summary>
internal static class HarnessRun
{
    private const string Alias = "bench";
    private const string Deployment = "bench-deployment";
    private const string EndpointName = "bench";

    public static async Task<int> RunAsync(HarnessOptions options)
    {
        using var stop = new CancellationTokenSource();
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Cancel);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Cancel);

        var azurite = new AzuriteFixture();
        FakeUpstream? upstream = null;
        GatewayProcess? gateway = null;
        GatewayProcess? yarp = null;
        System.Diagnostics.Process? azuriteProcess = null;
        TableDelayProxy? tables = null;
        try
        {
            Progress("starting Azurite (Table service, in memory)");
            await azurite.InitializeAsync();
            azuriteProcess = ChildProcesses.Find("node");
            if (options.AzuriteNice && azuriteProcess is not null)
            {
                // Table Storage is a remote service in production: its emulator gets only CPU the gateway leaves idle.
                azuriteProcess.PriorityClass = System.Diagnostics.ProcessPriorityClass.Idle;
            }

            var aliases = azurite.CreateServiceClient().GetTableClient("ModelAliases");
            await aliases.CreateIfNotExistsAsync(stop.Token);
            await aliases.UpsertEntityAsync(
                new TableEntity(Alias, "primary") { ["Deployment"] = Deployment, ["Endpoint"] = EndpointName, ["Enabled"] = true, ["Priority"] = 0, ["Weight"] = 1 },
                cancellationToken: stop.Token);

            // A caller with a gateway key, as the command line makes one: every gateway request is admitted by its key, so
            // admission (a cached key: a hash and two lookups) is part of what is measured.
            var key = FunctionsRouter.Gateway.Callers.CallerKeys.Create();
            var callers = azurite.CreateServiceClient().GetTableClient(FunctionsRouter.Gateway.Callers.CallerTable.DefaultName);
            await callers.CreateIfNotExistsAsync(stop.Token);
            var caller = new FunctionsRouter.Gateway.Callers.CallerRecord("harness", FunctionsRouter.Gateway.Callers.CallerKind.Key, "load harness", true, null, FunctionsRouter.Gateway.Callers.AliasAccess.All, null, DateTimeOffset.UtcNow);
            if (options.LimitedCaller)
            {
                // Far above any run (--limited-caller): the limits stage is measured, never a refusal.
                const string Never = "1000000000000";
                var json = """{"rpm":N,"tpm":N,"tokensPerDay":N,"tokensPerMonth":N,"aliases":{"ALIAS":{"rpm":N,"tpm":N}}}""";
                FunctionsRouter.Gateway.Limits.CallerLimits.TryParse(json.Replace("N", Never, StringComparison.Ordinal).Replace("ALIAS", Alias, StringComparison.Ordinal), out var limits, out _);
                caller = caller with { Limits = limits };
            }

            await callers.UpsertEntityAsync(caller.ToEntity(), cancellationToken: stop.Token);
            await callers.UpsertEntityAsync(new FunctionsRouter.Gateway.Callers.CallerKeyRecord(FunctionsRouter.Gateway.Callers.CallerKeys.Hash(key), "harness", FunctionsRouter.Gateway.Callers.CallerKeys.DisplayPrefix(key), DateTimeOffset.UtcNow, null).ToEntity(), cancellationToken: stop.Token);

            // Slow-table mode: the gateway reaches its tables through a relay that can delay every call.
            var gatewayTables = azurite.ConnectionString;
            if (options.SlowTable)
            {
                tables = TableDelayProxy.Start(azurite.Port);
                gatewayTables = tables.ConnectionString(azurite.ConnectionString, azurite.Port);
                Progress($"table relay on port {tables.Port} in front of Azurite (port {azurite.Port})");
            }

            upstream = await FakeUpstream.StartAsync(options.DelayMs, options.Chunks, options.ChunkIntervalMs, stop.Token);
            Progress($"fake upstream on {upstream.BaseUri}");
            // The caches' default TTLs: since issue 18 no request waits on a re-read (stale while revalidate), so the
            // harness no longer stretches the alias TTL to keep Azurite's slowness out of the windows.
            var settings = new Dictionary<string, string>
            {
                [$"Router__Endpoints__{EndpointName}__Url"] = new Uri(upstream.BaseUri, "/models").ToString(),
                [$"Router__Endpoints__{EndpointName}__Api"] = "models",
                [$"Router__Endpoints__{EndpointName}__Key"] = "harness-key",
                ["Router__Storage__ConnectionString"] = gatewayTables,
            };
            if (options.SlowTable)
            {
                var ttl = TimeSpan.FromSeconds(options.CacheTtlSeconds).ToString("c", System.Globalization.CultureInfo.InvariantCulture);
                settings["Router__CallerCacheTtl"] = ttl;
                settings["Router__AliasCacheTtl"] = ttl;
            }

            gateway = await GatewayProcess.StartAsync(
                settings,
                options,
                yarp: false,
                stop.Token);
            Progress($"gateway process {gateway.Id} on {gateway.BaseUri}");
            yarp = await GatewayProcess.StartAsync(
                new Dictionary<string, string> { [GatewayServer.YarpDestinationVariable] = upstream.BaseUri.ToString() },
                options,
                yarp: true,
                stop.Token);
            Progress($"YARP process {yarp.Id} on {yarp.BaseUri}");

            using var driver = new LoadDriver();

            // Azurite is an emulator whose cost per written row grows with the rows its table holds (measured: 0.35 ms of
            // its CPU per request in round 1, 9.4 ms in round 2; Table Storage indexes by key and does not slow down as
            // a table grows). Left to grow, it could not answer a caller read within Router__TableOperationTimeout for
            // minutes by round 3, the caches passed Router__MaxStaleness and the gateway refused every request. So the
            // usage table starts empty for every gateway phase: the rows have been counted as written, and each phase
            // meets the same emulator.
            var usageTable = azurite.CreateServiceClient().GetTableClient(new FunctionsRouter.Gateway.Configuration.RouterOptions().UsageTable);
            driver.AfterLedgerDrain = async cancellationToken =>
            {
                await usageTable.DeleteAsync(cancellationToken);
                await usageTable.CreateIfNotExistsAsync(cancellationToken);
            };
            const string path = "/models/chat/completions?api-version=2025-04-01";
            var direct = new Uri(upstream.BaseUri, path);
            var viaYarp = new Uri(yarp.BaseUri, path);
            var viaGateway = new Uri(gateway.BaseUri, "/api/models/chat/completions");
            LoadRequest directJson = new(direct, Body(Deployment, stream: false), false);
            LoadRequest yarpJson = new(viaYarp, Body(Deployment, stream: false), false);
            LoadRequest gatewayJson = new(viaGateway, Body(Alias, stream: false), false, key);
            LoadRequest directSse = new(direct, Body(Deployment, stream: true), true);
            LoadRequest yarpSse = new(viaYarp, Body(Deployment, stream: true), true);
            LoadRequest gatewaySse = new(viaGateway, Body(Alias, stream: true), true, key);

            // One of each through each proxy before anything is measured: the alias cache is warm, the routes work.
            var buffer = new byte[16 * 1024];
            foreach (var request in new[] { gatewayJson, gatewaySse, yarpJson, yarpSse })
            {
                var (ok, _) = await driver.SendAsync(request, buffer, stop.Token);
                if (!ok)
                {
                    throw new InvalidOperationException($"{request.Uri} did not answer a {(request.Streamed ? "streamed" : "JSON")} request correctly; nothing to measure.");
                }
            }

            var warmup = TimeSpan.FromSeconds(options.WarmupSeconds);
            var duration = TimeSpan.FromSeconds(options.DurationSeconds);
            Task<PhaseResult> Phase(string name, LoadRequest request, int concurrency, GatewayProcess? measured, bool ledger)
            {
                Progress($"phase {name}: {concurrency} loops, {options.WarmupSeconds} s warm-up + {options.DurationSeconds} s");
                return driver.RunAsync(name, request, concurrency, warmup, duration, measured, ledger, azuriteProcess, stop.Token);
            }

            if (options.GatewayWarmupSeconds > 0)
            {
                // Tiered compilation recompiles hot methods in the background for a while after start: let it finish.
                var quarter = TimeSpan.FromSeconds(options.GatewayWarmupSeconds / 4.0);
                Progress($"warm-up: {options.GatewayWarmupSeconds} s each for the gateway and YARP, half JSON, half streams");
                foreach (var request in new[] { gatewayJson, gatewaySse, gatewayJson, gatewaySse, yarpJson, yarpSse, yarpJson, yarpSse })
                {
                    await driver.RunAsync("warm-up", request, options.Concurrency, TimeSpan.Zero, quarter, null, false, null, stop.Token);
                }

                await gateway.GetDrainedCountersAsync(options.UsageLedger, TimeSpan.FromSeconds(120), stop.Token);
            }

            Progress("idle CPU of the gateway and YARP processes, 4 s each");
            await gateway.MeasureIdleAsync(options.UsageLedger, stop.Token);
            await yarp.MeasureIdleAsync(false, stop.Token);

            if (tables is not null)
            {
                Console.Write(await SlowTableRun.RunAsync(options, driver, yarpJson, gatewayJson, yarp, gateway, tables, azuriteProcess, stop.Token));
                return 0;
            }

            var rounds = new List<HarnessRound>();
            for (var number = 1; number <= options.Rounds; number++)
            {
                // Alternate which proxy goes first, so that a drift in the machine's load does not favour one.
                var yarpFirst = number % 2 == 1;
                async Task<(PhaseResult Yarp, PhaseResult Gateway)> PairAsync(string kind, LoadRequest viaY, LoadRequest viaG, int concurrency)
                {
                    PhaseResult? y = null;
                    PhaseResult? g = null;
                    for (var i = 0; i < 2; i++)
                    {
                        if (yarpFirst == (i == 0))
                        {
                            y = await Phase($"r{number} YARP, {kind}", viaY, concurrency, yarp, false);
                        }
                        else
                        {
                            g = await Phase($"r{number} gateway, {kind}", viaG, concurrency, gateway, options.UsageLedger);
                        }
                    }

                    return (y!, g!);
                }

                upstream.DelayMs = options.DelayMs;
                var directJsonPhase = await Phase($"r{number} direct, JSON", directJson, options.Concurrency, null, false);
                var (yJson, gJson) = await PairAsync("JSON", yarpJson, gatewayJson, options.Concurrency);
                var directSsePhase = await Phase($"r{number} direct, stream", directSse, options.Concurrency, null, false);
                var (ySse, gSse) = await PairAsync("stream", yarpSse, gatewaySse, options.Concurrency);
                upstream.DelayMs = 0;
                var (ySat, gSat) = await PairAsync("JSON, saturation", yarpJson, gatewayJson, options.SaturationConcurrency);
                var round = new HarnessRound(number, directJsonPhase, yJson, gJson, directSsePhase, ySse, gSse, ySat, gSat);
                if (round.Phases.FirstOrDefault(p => p.Completed == 0) is { } failed)
                {
                    // The rounds before it still say what they measured; this one is left out, and said why.
                    var why = $"Phase {failed.Name} completed no request ({failed.Errors} errors, the last: {failed.ErrorSample ?? "none"}).";
                    if (rounds.Count == 0)
                    {
                        throw new InvalidOperationException(why + " Nothing to report.");
                    }

                    await Console.Error.WriteLineAsync($"[harness] {why} Reporting the {rounds.Count} round(s) before it.");
                    Console.WriteLine($"Round {number} left out: {why}");
                    break;
                }

                rounds.Add(round);
            }

            var setup =
                $"FunctionsRouter load harness: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}; " +
                $"GC {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")}; load average before the run {LoadAverage()}\n" +
                $"{rounds.Count} rounds{(rounds.Count < options.Rounds ? $" (of {options.Rounds})" : string.Empty)}, YARP and gateway alternating first; {options.Concurrency} loops in the latency phases (upstream delay {options.DelayMs} ms), {options.SaturationConcurrency} at saturation (delay 0); " +
                $"{options.DurationSeconds} s measured after {options.WarmupSeconds} s warm-up per phase; streams: {options.Chunks} content chunks {options.ChunkIntervalMs} ms apart, then finish, usage, [DONE]\n" +
                $"bodies: request {gatewayJson.Body.Length} B (stream {gatewaySse.Body.Length} B); answer {upstream.JsonResponseBytes} B JSON, {upstream.StreamResponseBytes} B stream; " +
                $"YARP {typeof(Yarp.ReverseProxy.Forwarder.IHttpForwarder).Assembly.GetName().Version} pass-through (MapForwarder, no body rewrite, no ledger); " +
                $"gateway usage ledger {(options.UsageLedger ? $"on (writer to Azurite{(options.AzuriteNice ? " at idle priority" : string.Empty)}, default queue bound)" : "OFF (experiment)")}, usage log {(options.UsageLog ? "rendered" : "not rendered")}{(options.LimitedCaller ? ", caller with limits (never reached)" : string.Empty)}";
            setup += $"\nidle CPU (no traffic): gateway {gateway.IdleCpuMsPerSecond:0.0} ms/s, YARP {yarp.IdleCpuMsPerSecond:0.0} ms/s";
            Console.Write(HarnessReport.Render(options, setup, rounds));
            return 0;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync("Stopped before the run completed.");
            return 1;
        }
        catch (Exception ex)
        {
            await Console.Error.WriteLineAsync($"The harness could not run: {ex}");
            return 1;
        }
        finally
        {
            Progress("stopping");
            if (gateway is not null)
            {
                await gateway.DisposeAsync();
            }

            if (yarp is not null)
            {
                await yarp.DisposeAsync();
            }

            if (upstream is not null)
            {
                await upstream.DisposeAsync();
            }

            if (tables is not null)
            {
                await tables.DisposeAsync();
                if (azuriteProcess is not null)
                {
                    SlowTableRun.Signal(azuriteProcess, "CONT"); // Never leave it stopped (it is killed next anyway).
                }
            }

            azuriteProcess?.Dispose();
            await azurite.DisposeAsync();
        }

        void Cancel(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.Cancel();
        }
    }

    /// <summary>A small chat request; a streamed one asks for usage itself, so direct and gateway answers are the same bytes.</summary>
    private static byte[] Body(string model, bool stream) => Encoding.UTF8.GetBytes(
        "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"system\",\"content\":\"Answer in one sentence.\"},{\"role\":\"user\",\"content\":\"What is the capital of France?\"}],\"max_tokens\":64" +
        (stream ? ",\"stream\":true,\"stream_options\":{\"include_usage\":true}" : string.Empty) + "}");

    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    private static void Progress(string message) => Console.Error.WriteLine($"[harness] {message}");
}
