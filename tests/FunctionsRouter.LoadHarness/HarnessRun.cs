using System.Runtime.InteropServices;
using System.Text;
using Azure.Data.Tables;
using FunctionsRouter.Testing;

namespace FunctionsRouter.LoadHarness;

/// <summary>
/// One run: Azurite, the alias table with one alias, the fake upstream (this process), the gateway (a child process),
/// then the phases (a) direct JSON, (b) gateway JSON, (c) direct stream, (d) gateway stream, (e) gateway JSON at
/// saturation, and the report. Everything started is stopped on the way out, Ctrl+C and SIGTERM included.
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
        System.Diagnostics.Process? azuriteProcess = null;
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

            upstream = await FakeUpstream.StartAsync(options.DelayMs, options.Chunks, options.ChunkIntervalMs, stop.Token);
            Progress($"fake upstream on {upstream.BaseUri}");
            gateway = await GatewayProcess.StartAsync(
                new Dictionary<string, string>
                {
                    [$"Router__Endpoints__{EndpointName}__Url"] = new Uri(upstream.BaseUri, "/models").ToString(),
                    [$"Router__Endpoints__{EndpointName}__Api"] = "models",
                    [$"Router__Endpoints__{EndpointName}__Key"] = "harness-key",
                    ["Router__Storage__ConnectionString"] = azurite.ConnectionString,
                },
                options,
                stop.Token);
            Progress($"gateway process {gateway.Id} on {gateway.BaseUri}");

            using var driver = new LoadDriver();
            var direct = new Uri(upstream.BaseUri, "/models/chat/completions?api-version=2025-04-01");
            var viaGateway = new Uri(gateway.BaseUri, "/api/models/chat/completions");
            LoadRequest directJson = new(direct, Body(Deployment, stream: false), false);
            LoadRequest gatewayJson = new(viaGateway, Body(Alias, stream: false), false);
            LoadRequest directSse = new(direct, Body(Deployment, stream: true), true);
            LoadRequest gatewaySse = new(viaGateway, Body(Alias, stream: true), true);

            // One of each through the gateway before anything is measured: the alias cache is warm, the route works.
            var buffer = new byte[16 * 1024];
            foreach (var request in new[] { gatewayJson, gatewaySse })
            {
                var (ok, _) = await driver.SendAsync(request, buffer, stop.Token);
                if (!ok)
                {
                    throw new InvalidOperationException($"The gateway did not answer a {(request.Streamed ? "streamed" : "JSON")} request correctly; nothing to measure.");
                }
            }

            var warmup = TimeSpan.FromSeconds(options.WarmupSeconds);
            var duration = TimeSpan.FromSeconds(options.DurationSeconds);
            Task<PhaseResult> Phase(string name, LoadRequest request, int concurrency, GatewayProcess? measured)
            {
                Progress($"phase {name}: {concurrency} loops, {options.WarmupSeconds} s warm-up + {options.DurationSeconds} s");
                return driver.RunAsync(name, request, concurrency, warmup, duration, measured, options.UsageLedger, azuriteProcess, stop.Token);
            }

            if (options.GatewayWarmupSeconds > 0)
            {
                // Tiered compilation recompiles hot methods in the background for a while after start: let it finish.
                var half = TimeSpan.FromSeconds(options.GatewayWarmupSeconds / 2.0);
                Progress($"gateway warm-up: {options.GatewayWarmupSeconds} s, half JSON, half streams");
                await driver.RunAsync("warm-up", gatewayJson, options.Concurrency, TimeSpan.Zero, half, null, options.UsageLedger, null, stop.Token);
                await driver.RunAsync("warm-up", gatewaySse, options.Concurrency, TimeSpan.Zero, half, null, options.UsageLedger, null, stop.Token);
                await gateway.GetDrainedCountersAsync(options.UsageLedger, TimeSpan.FromSeconds(120), stop.Token);
            }

            var a = await Phase("(a) direct, JSON", directJson, options.Concurrency, null);
            var b = await Phase("(b) gateway, JSON", gatewayJson, options.Concurrency, gateway);
            var c = await Phase("(c) direct, stream", directSse, options.Concurrency, null);
            var d = await Phase("(d) gateway, stream", gatewaySse, options.Concurrency, gateway);
            upstream.DelayMs = 0;
            var e = await Phase("(e) gateway, JSON, saturation", gatewayJson, options.SaturationConcurrency, gateway);

            var failed = new[] { a, b, c, d, e }.FirstOrDefault(p => p.Completed == 0);
            if (failed is not null)
            {
                throw new InvalidOperationException($"Phase {failed.Name} completed no request ({failed.Errors} errors); nothing to report.");
            }

            var setup =
                $"FunctionsRouter load harness: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}; " +
                $"GC {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")}\n" +
                $"concurrency {options.Concurrency}, {options.DurationSeconds} s measured after {options.WarmupSeconds} s warm-up per phase, gateway warmed up {options.GatewayWarmupSeconds} s first; " +
                $"upstream delay {options.DelayMs} ms (0 in phase e); streams: {options.Chunks} content chunks {options.ChunkIntervalMs} ms apart, then finish, usage, [DONE]\n" +
                $"bodies: request {gatewayJson.Body.Length} B (stream {gatewaySse.Body.Length} B); answer {upstream.JsonResponseBytes} B JSON, {upstream.StreamResponseBytes} B stream; " +
                $"usage ledger {(options.UsageLedger ? $"on (queue + table writer to Azurite{(options.AzuriteNice ? ", which runs at idle priority" : string.Empty)}; default queue capacity)" : "OFF (experiment)")}, usage log {(options.UsageLog ? "on (Information, rendered and discarded)" : "off (events counted, not rendered)")}";
            Console.Write(HarnessReport.Render(options, setup, a, b, c, d, e));
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

            if (upstream is not null)
            {
                await upstream.DisposeAsync();
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

    private static void Progress(string message) => Console.Error.WriteLine($"[harness] {message}");
}
