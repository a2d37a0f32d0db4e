using BenchmarkDotNet.Attributes;
using FunctionsRouter.Gateway.Aliases;
using FunctionsRouter.Gateway.Forwarding;
using FunctionsRouter.Gateway.Health;
using FunctionsRouter.Gateway.Hosting;
using FunctionsRouter.Gateway.Requests;
using FunctionsRouter.Gateway.Responses;
using FunctionsRouter.Gateway.Usage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace FunctionsRouter.Benchmarks.Forwarding;

/// <summary>
/// One chat completion through <see cref="GatewayRequestHandler"/> against a model endpoint on loopback
/// (<see cref="LoopbackUpstream"/>): body read and rewritten, the upstream call with its <c>api-key</c>, the answer's
/// headers and JSON body relayed, usage read. Admission is anonymous and the alias catalog, deployment health and usage
/// ledger are in memory, so what is measured is the request's own work and the upstream call; the allocation column is
/// what one such request costs (the fake upstream adds next to nothing).
/// </summary>
[MemoryDiagnoser]
public class UpstreamCallBenchmarks : IDisposable
{
    private static readonly byte[] RequestBody = """{"model":"chat","messages":[{"role":"user","content":"What is the capital of France?"}],"temperature":0.2}"""u8.ToArray();

    private readonly LoopbackUpstream _upstream = new(
        """{"id":"chatcmpl-bench","object":"chat.completion","created":1700000000,"model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"message":{"role":"assistant","content":"Paris is the capital of France.","refusal":null},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":31,"completion_tokens":8,"total_tokens":39},"system_fingerprint":"fp_bench"}""");

    private readonly byte[] _readBuffer = new byte[16 * 1024];
    private ServiceProvider _services = null!;
    private GatewayRequestHandler _handler = null!;
    private HttpMessageInvoker _bare = null!;
    private Uri _bareUri = null!;

    public void Dispose()
    {
        _services?.Dispose();
        _bare?.Dispose();
        _upstream.Dispose();
        GC.SuppressFinalize(this);
    }

    [GlobalSetup]
    public void Setup()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Router:Endpoints:default:Url"] = new Uri(_upstream.BaseUri, "/openai/v1").ToString(),
            ["Router:Endpoints:default:Api"] = "openai",
            ["Router:Endpoints:default:Key"] = "bench-upstream-key",
            ["Router:Storage:ConnectionString"] = "UseDevelopmentStorage=true",
            ["Router:AllowAnonymous"] = "true",
        };
        var route = new AliasRoute("chat", [new AliasTarget("chat", "primary", "gpt-4o-mini", "default", Enabled: true, Priority: 0, Weight: 1)]);
        _services = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
            .AddLogging()
            .AddSingleton<IAliasCatalog>(new FixedCatalog(new AliasCatalogSnapshot([route], DateTimeOffset.UtcNow)))
            .AddSingleton<IDeploymentHealth>(new AlwaysHealthy())
            .AddSingleton<IUsageSink>(new NoUsage())
            .AddSingleton<IResponseAffinityStore>(new NoAffinity())
            .AddFunctionsRouterGateway()
            .BuildServiceProvider();
        _handler = _services.GetRequiredService<GatewayRequestHandler>();
        _bare = new HttpMessageInvoker(new SocketsHttpHandler { UseProxy = false, UseCookies = false, AllowAutoRedirect = false }, disposeHandler: true);
        _bareUri = new Uri(_upstream.BaseUri, "/openai/v1/chat/completions");
        if (Send().GetAwaiter().GetResult() != StatusCodes.Status200OK || Bare().GetAwaiter().GetResult() != StatusCodes.Status200OK)
        {
            throw new InvalidOperationException("The loopback upstream did not answer 200.");
        }
    }

    /// <summary>The floor: the same call with nothing around it (a bare <see cref="HttpMessageInvoker"/>, the body read to its end).</summary>
    [Benchmark(Baseline = true)]
    public Task<int> BareInvoker() => Bare();

    [Benchmark]
    public Task<int> ChatCompletion() => Send();

    private async Task<int> Bare()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _bareUri) { Content = new ByteArrayContent(RequestBody) };
        request.Headers.TryAddWithoutValidation("api-key", "bench-upstream-key");
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        using var response = await _bare.SendAsync(request, CancellationToken.None);
        await using var body = await response.Content.ReadAsStreamAsync();
        while (await body.ReadAsync(_readBuffer) > 0)
        {
        }

        return (int)response.StatusCode;
    }

    private async Task<int> Send()
    {
        var context = new DefaultHttpContext();
        context.Request.Method = HttpMethods.Post;
        context.Request.ContentType = "application/json";
        context.Request.ContentLength = RequestBody.Length;
        context.Request.Body = new MemoryStream(RequestBody, writable: false);
        await _handler.HandleAsync(context, GatewayOperation.ChatCompletions, ApiSurface.OpenAI);
        return context.Response.StatusCode;
    }

    private sealed class FixedCatalog(AliasCatalogSnapshot snapshot) : IAliasCatalog
    {
        public ValueTask<AliasCatalogSnapshot> GetSnapshotAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult(snapshot);

        public void Invalidate()
        {
        }
    }

    private sealed class AlwaysHealthy : IDeploymentHealth
    {
        public bool IsCoolingDown(AliasTarget target, DateTimeOffset now, out DateTimeOffset until)
        {
            until = default;
            return false;
        }

        public DeploymentState GetState(AliasTarget target, DateTimeOffset now) => new(null, null, null, false);

        public void ReportSuccess(AliasTarget target)
        {
        }

        public void ReportFailure(AliasTarget target, DeploymentFailure failure, TimeSpan? retryAfter, string callerId)
        {
        }
    }

    private sealed class NoUsage : IUsageSink
    {
        public void Record(UsageRecord record)
        {
        }
    }

    private sealed class NoAffinity : IResponseAffinityStore
    {
        public void Remember(ResponseAffinity affinity)
        {
        }

        public ValueTask<ResponseAffinityLookup> FindAsync(string responseId, string callerId, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(ResponseAffinityLookup.NotFound);
    }
}
