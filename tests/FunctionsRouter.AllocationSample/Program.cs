using System.Globalization;
using Microsoft.Diagnostics.Tracing.Etlx;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

// Usage: dotnet run -c Release --project tests/FunctionsRouter.AllocationSample -- <trace.nettrace> [bytes per request]
// The trace: dotnet-trace collect -p <pid> --providers Microsoft-Windows-DotNETRuntime:0x1:5 (GC events, verbose), which
// samples about one allocation tick per 100 KB allocated, each with its type and call stack. With the process's
// measured allocation per request (the harness's "alloc KiB/req", in bytes), shares are also shown as bytes per request.
if (args.Length is < 1 or > 2 || !File.Exists(args[0]))
{
    Console.Error.WriteLine("usage: FunctionsRouter.AllocationSample <trace.nettrace> [bytes allocated per request]");
    return 2;
}

var perRequest = args.Length == 2 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 0;
using var log = new TraceLog(TraceLog.CreateFromEventPipeDataFile(args[0]));
var byType = new Dictionary<string, long>();
var byStage = new Dictionary<string, long>();
var byFrames = new Dictionary<string, long>();
long total = 0;
foreach (var data in log.Events)
{
    if (data is not GCAllocationTickTraceData tick)
    {
        continue;
    }

    var amount = tick.AllocationAmount64;
    total += amount;
    var type = tick.TypeName ?? "?";
    var frames = new List<string>();
    for (var frame = data.CallStack(); frame is not null && frames.Count < 48; frame = frame.Caller)
    {
        if (frame.CodeAddress.FullMethodName is { Length: > 0 } method)
        {
            frames.Add(method);
        }
    }

    Add(byType, type, amount);
    Add(byStage, Stage(frames), amount);
    var own = frames.Where(f => f.Contains("FunctionsRouter", StringComparison.Ordinal) || f.Contains("Yarp", StringComparison.Ordinal)).Take(3).ToList();
    Add(byFrames, type + " <- " + string.Join(" <- ", (own.Count > 0 ? own : frames.Take(4)).Select(Short)), amount);
}

if (total == 0)
{
    Console.Error.WriteLine("no allocation ticks in the trace (was it collected with Microsoft-Windows-DotNETRuntime:0x1:5?)");
    return 1;
}

Console.WriteLine($"sampled {total / 1024.0:F0} KiB in {total / 100_000} ticks");
Print("by stage of the request (first matching frame from the top of the stack)", byStage, 20);
Print("by type", byType, 40);
Print("by type and calling frames", byFrames, 60);
return 0;

void Print(string title, Dictionary<string, long> rows, int count)
{
    Console.WriteLine();
    Console.WriteLine(title);
    foreach (var (key, bytes) in rows.OrderByDescending(r => r.Value).Take(count))
    {
        var share = bytes / (double)total;
        Console.WriteLine(perRequest > 0 ? $"{share * 100,6:F2} % {share * perRequest,6:F0} B  {key}" : $"{share * 100,6:F2} %  {key}");
    }
}

static void Add(Dictionary<string, long> rows, string key, long bytes) => rows[key] = rows.GetValueOrDefault(key) + bytes;

static string Stage(List<string> frames)
{
    // Most specific first: the ledger (the usage event is logged by its writer), then the gateway's stages.
    (string Marker, string Stage)[] stages =
    [
        ("FunctionsRouter.Gateway.Usage.", "usage ledger and its log event"),
        ("FunctionsRouter.Gateway.Callers.", "admission"),
        ("FunctionsRouter.Gateway.Limits.", "limits"),
        ("FunctionsRouter.Gateway.Relay.", "relay and usage scan"),
        ("FunctionsRouter.Gateway.Forwarding.UpstreamSender", "upstream send (HttpClient inside)"),
        ("FunctionsRouter.Gateway.Requests.", "request body read, parse and rewrite"),
        ("FunctionsRouter.Gateway.Forwarding.", "request handler (exchange, record, routing, state machines)"),
        ("Yarp.ReverseProxy", "YARP forwarder (HttpClient inside)"),
        ("Azure.", "Azure SDK (tables)"),
        ("System.Net.Http.", "HttpClient (no proxy frame on the stack)"),
        ("Microsoft.AspNetCore.", "Kestrel and hosting"),
    ];
    foreach (var (marker, stage) in stages)
    {
        if (frames.Any(f => f.Contains(marker, StringComparison.Ordinal)))
        {
            return stage;
        }
    }

    return "other";
}

static string Short(string method)
{
    var paren = method.IndexOf('(', StringComparison.Ordinal);
    var name = paren > 0 ? method[..paren] : method;
    return name.Length > 110 ? name[^110..] : name;
}
