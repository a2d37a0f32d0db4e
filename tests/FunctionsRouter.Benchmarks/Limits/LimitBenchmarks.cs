using System.Text;
using BenchmarkDotNet.Attributes;
using FunctionsRouter.Gateway.Callers;
using FunctionsRouter.Gateway.Hosting;
using FunctionsRouter.Gateway.Limits;
using FunctionsRouter.Gateway.Requests;
using FunctionsRouter.Gateway.Usage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace FunctionsRouter.Benchmarks.Limits;

/// <summary>
/// What the limits stage adds to a request, check and settlement together, all in memory (the count table is only
/// touched by the background sync, not run here): a caller without limits (must allocate nothing), a caller with a
/// requests-per-minute limit, and one with request, token, daily and monthly limits plus an alias limit (the body's
/// tokens estimated, two counters, the headers written). Limits are set high enough never to refuse.
/// </summary>
[MemoryDiagnoser]
public class LimitBenchmarks : IDisposable
{
    private const long High = 1_000_000_000_000_000;
    private static readonly byte[] Body = Encoding.UTF8.GetBytes(
        """{"model":"chat","messages":[{"role":"system","content":"You are a helpful assistant."},{"role":"user","content":"Summarise the following paragraph in one sentence, please: the gateway holds each caller to its share."}],"max_tokens":200,"stream":true}""");

    private readonly DefaultHttpContext _context = new();
    private readonly UsageRecord _record = new() { RecordId = Guid.Empty, Timestamp = DateTimeOffset.UnixEpoch, RequestId = "r", Caller = "key:c1", Alias = "chat", Operation = "chat.completions", HttpStatus = 200, Tokens = new TokenUsage(40, 60, 100) };
    private ServiceProvider _services = null!;
    private RequestLimits _limits = null!;
    private CallerIdentity _unlimited = null!;
    private CallerIdentity _rpmOnly = null!;
    private CallerIdentity _everyLimit = null!;

    [GlobalSetup]
    public void Setup()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Router:Endpoints:default:Url"] = "http://127.0.0.1:9/models",
            ["Router:Endpoints:default:Key"] = "bench",
            ["Router:Storage:ConnectionString"] = "UseDevelopmentStorage=true",
        };
        _services = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
            .AddLogging()
            .AddFunctionsRouterGateway()
            .BuildServiceProvider();
        _limits = _services.GetRequiredService<RequestLimits>();
        _unlimited = new CallerIdentity("key:c0", CallerIdentity.KeyKind);
        _rpmOnly = new CallerIdentity("key:c1", CallerIdentity.KeyKind) { Limits = [new LimitBudget("key:c1", Parse("""{"rpm":H}"""))] };
        _everyLimit = new CallerIdentity("key:c2", CallerIdentity.KeyKind)
        {
            Limits = [new LimitBudget("key:c2", Parse("""{"rpm":H,"tpm":H,"tokensPerDay":H,"tokensPerMonth":H,"aliases":{"chat":{"rpm":H,"tpm":H}}}"""))],
        };

        if (AdmitAndSettle(_rpmOnly) || AdmitAndSettle(_everyLimit))
        {
            throw new InvalidOperationException("The benchmark's limits refused a request.");
        }
    }

    [Benchmark(Baseline = true)]
    public bool NoLimits() => AdmitAndSettle(_unlimited);

    [Benchmark]
    public bool RequestsPerMinute() => AdmitAndSettle(_rpmOnly);

    [Benchmark]
    public bool EveryLimitAndAnAliasLimit() => AdmitAndSettle(_everyLimit);

    public void Dispose()
    {
        _services?.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <returns>Whether the request was refused.</returns>
    private bool AdmitAndSettle(CallerIdentity caller)
    {
        var refused = _limits.Admit(_context, caller, "chat", Body, GatewayOperation.ChatCompletions, out var ticket) is not null;
        _limits.Settle(ticket, _record);
        return refused;
    }

    /// <summary>Limits with <c>H</c> standing for <see cref="High"/>.</summary>
    private static CallerLimits Parse(string json) =>
        CallerLimits.TryParse(json.Replace("H", High.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal), out var limits, out var problem) ? limits : throw new InvalidOperationException(problem);
}
