using System.Diagnostics;
using System.Text.Json;
using FunctionsRouter.Gateway.Hosting;
using FunctionsRouter.Gateway.Usage;
using FunctionsRouter.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FunctionsRouter.LoadHarness;

/// <summary>
/// The gateway process (<c>--serve-gateway</c>): the gateway's handlers on Kestrel, loopback, wired as the Functions
/// app wires them (<c>AddFunctionsRouterGateway</c>, settings from environment variables as app settings are). Or, with
/// <c>--serve-yarp</c>, the floor it is compared with: YARP's forwarder passing every request through to the fake
/// upstream (<see cref="YarpDestinationVariable"/>) untouched, with no ledger. Either prints its address on the first
/// line of standard output, serves its own counters on <see cref="CountersPath"/>, and stops when its standard input
/// closes (the harness exited, however it exited).
/// </summary>
internal static class GatewayServer
{
    public const string CountersPath = "/_harness/counters";
    public const string ListeningPrefix = "listening ";
    public const string YarpDestinationVariable = "Harness__YarpDestination";

    public static async Task<int> RunAsync(HarnessOptions options)
    {
        var builder = LoopbackApp.CreateBuilder();

        // As host.json has it: Information for the gateway's own categories (FunctionsRouter.Usage among them), the
        // framework's at Warning. --usage-log off keeps the events (counted, so the harness sees the writer) unrendered.
        var logs = new UsageEventLoggerProvider(render: options.UsageLog);
        builder.Logging.AddProvider(logs);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter("FunctionsRouter", LogLevel.Information);

        if (!options.UsageLedger)
        {
            // Registered first, so the gateway's own sink (added with TryAdd) is not.
            builder.Services.AddSingleton<IUsageSink, NoUsageSink>();
        }

        if (options.ServeYarp)
        {
            builder.Services.AddHttpForwarder();
        }
        else
        {
            builder.Services.AddFunctionsRouterGateway();
        }

        var app = builder.Build();
        var queue = options.ServeYarp ? null : app.Services.GetRequiredService<UsageQueue>();
        long requests = 0;
        app.Use(async (context, next) =>
        {
            await next(context);
            if (options.ServeYarp ? !context.Request.Path.StartsWithSegments(CountersPath, StringComparison.Ordinal) : context.Request.Path.StartsWithSegments("/api", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref requests);
            }
        });
        app.MapGet(CountersPath, (HttpContext context) => WriteCountersAsync(context, queue, Interlocked.Read(ref requests)));
        if (options.ServeYarp)
        {
            app.MapForwarder("/{**path}", Environment.GetEnvironmentVariable(YarpDestinationVariable) ?? throw new InvalidOperationException($"{YarpDestinationVariable} is not set."));
        }
        else
        {
            app.MapFunctionsRouterGateway();
        }


        var address = await LoopbackApp.StartAsync(app);
        await Console.Out.WriteLineAsync(ListeningPrefix + address);
        await Console.Out.FlushAsync();

        // The harness holds our standard input open; end of input means it is gone.
        var stdin = Task.Factory.StartNew(() => Console.In.ReadToEnd(), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        await Task.WhenAny(stdin, app.WaitForShutdownAsync());
        await app.StopAsync();
        await app.DisposeAsync();
        return 0;
    }

    private static Task WriteCountersAsync(HttpContext context, UsageQueue? queue, long requests)
    {
        using var process = Process.GetCurrentProcess();
        var counters = new ProcessCounters(
            process.TotalProcessorTime.TotalMilliseconds,
            Environment.WorkingSet,
            GC.GetTotalAllocatedBytes(precise: true),
            GC.CollectionCount(0),
            GC.CollectionCount(2),
            requests,
            queue?.Written ?? 0,
            queue?.Dropped ?? 0);
        context.Response.ContentType = "application/json";
        return context.Response.Body.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(counters, HarnessJsonContext.Default.ProcessCounters)).AsTask();
    }
}
