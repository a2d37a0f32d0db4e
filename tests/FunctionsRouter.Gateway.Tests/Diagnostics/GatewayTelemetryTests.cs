using System.Diagnostics;
using FunctionsRouter.Gateway.Aliases;
using FunctionsRouter.Gateway.Callers;
using FunctionsRouter.Gateway.Configuration;
using FunctionsRouter.Gateway.Diagnostics;
using FunctionsRouter.Gateway.Requests;
using FunctionsRouter.Gateway.Usage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using System.Diagnostics.Metrics;

namespace FunctionsRouter.Gateway.Tests.Diagnostics;

/// <summary>
/// The gateway's spans and metrics, read back through a real OpenTelemetry SDK with the in-memory exporter. Listeners
/// are process-wide, so these tests run alone (<see cref="TelemetryCollection"/>).
/// </summary>
[Collection(TelemetryCollection.Name)]
public sealed class GatewayTelemetryTests : IDisposable
{
    private static readonly AliasTarget Primary = new("chat-default", "primary", "gpt-4o-mini", "default", true, 0, 1);
    private static readonly AliasTarget Secondary = new("chat-default", "secondary", "gpt-4o-mini-eu", "oai", true, 1, 1);
    private static readonly CallerIdentity Caller = new("team-a", "key");

    private readonly ServiceProvider _services;
    private readonly UsageQueue _queue;
    private readonly GatewayTelemetry _telemetry;
    private readonly List<Activity> _spans = [];
    private readonly List<Metric> _metrics = [];
    private TracerProvider? _tracerProvider;
    private MeterProvider? _meterProvider;

    public GatewayTelemetryTests()
    {
        // Room for two of this file's records (all the same size).
        var options = new RouterOptions { UsageQueueBytes = 2 * UsageQueue.EstimateBytes(Record(Primary)) };
        options.Endpoints["default"] = new EndpointOptions { Url = "https://acct.services.ai.azure.com/models", Api = "models" };
        options.Endpoints["oai"] = new EndpointOptions { Url = "https://acct-eu.openai.azure.com:8443/openai/v1", Api = "openai" };
        _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        _queue = new UsageQueue(Options.Create(options), NullLogger<UsageQueue>.Instance);
        _telemetry = new GatewayTelemetry(_services.GetRequiredService<IMeterFactory>(), _queue, Options.Create(options));
    }

    public void Dispose()
    {
        _tracerProvider?.Dispose();
        _meterProvider?.Dispose();
        _telemetry.Dispose();
        _services.Dispose();
    }

    [Fact]
    public void StartRequest_NoListener_ReturnsNullAndStartsNothing()
    {
        Assert.Null(_telemetry.StartRequest(GatewayOperation.ChatCompletions));
        Assert.Null(_telemetry.StartAttempt(Primary, 1, GatewayOperation.ChatCompletions));
        _telemetry.SetRoute(null, "chat-default", Caller);
        _telemetry.EndAttempt(null, 200, null);
    }

    [Fact]
    public void Request_TwoAttempts_RequestSpanWithGenAiAttributesAndAttemptChildren()
    {
        ListenToSpans();

        var request = _telemetry.StartRequest(GatewayOperation.ChatCompletions);
        _telemetry.SetRoute(request, "chat-default", Caller);
        var first = _telemetry.StartAttempt(Primary, 1, GatewayOperation.ChatCompletions);
        _telemetry.EndAttempt(first, 429, null);
        var second = _telemetry.StartAttempt(Secondary, 2, GatewayOperation.ChatCompletions);
        _telemetry.EndAttempt(second, 200, null);
        _telemetry.EndRequest(request, Record(Secondary, attempts: 2), "gpt-4o-mini-2024-07-18", ["stop", "length"], 0.2);

        var span = Assert.Single(_spans, s => s.Kind == ActivityKind.Internal);
        Assert.Equal(GatewayTelemetryNames.ActivitySourceName, span.Source.Name);
        Assert.Equal("chat chat-default", span.DisplayName);
        Assert.Equal("chat", span.GetTagItem("gen_ai.operation.name"));
        Assert.Equal("chat-default", span.GetTagItem("gen_ai.request.model"));
        Assert.Equal("gpt-4o-mini-2024-07-18", span.GetTagItem("gen_ai.response.model"));
        Assert.Equal(12, span.GetTagItem("gen_ai.usage.input_tokens"));
        Assert.Equal(34, span.GetTagItem("gen_ai.usage.output_tokens"));
        Assert.Equal(new[] { "stop", "length" }, Assert.IsType<string[]>(span.GetTagItem("gen_ai.response.finish_reasons")));
        Assert.Equal("secondary", span.GetTagItem("functionsrouter.target"));
        Assert.Equal("gpt-4o-mini-eu", span.GetTagItem("functionsrouter.deployment"));
        Assert.Equal("oai", span.GetTagItem("functionsrouter.endpoint"));
        Assert.Equal(2, span.GetTagItem("functionsrouter.attempts"));
        Assert.Equal("team-a", span.GetTagItem("functionsrouter.caller"));
        Assert.Equal("azure.ai.openai", span.GetTagItem("gen_ai.provider.name"));
        Assert.Equal(200, span.GetTagItem("http.response.status_code"));
        Assert.Null(span.GetTagItem("error.type"));
        Assert.Equal(ActivityStatusCode.Unset, span.Status);

        var attempts = _spans.Where(s => s.Kind == ActivityKind.Client).OrderBy(s => s.GetTagItem("functionsrouter.attempt")).ToList();
        Assert.Equal(2, attempts.Count);
        Assert.All(attempts, a => Assert.Equal(span.SpanId, a.ParentSpanId));
        Assert.All(attempts, a => Assert.Equal(span.TraceId, a.TraceId));
        Assert.Equal("chat gpt-4o-mini", attempts[0].DisplayName);
        Assert.Equal("gpt-4o-mini", attempts[0].GetTagItem("gen_ai.request.model"));
        Assert.Equal("primary", attempts[0].GetTagItem("functionsrouter.target"));
        Assert.Equal("azure.ai.inference", attempts[0].GetTagItem("gen_ai.provider.name"));
        Assert.Equal("acct.services.ai.azure.com", attempts[0].GetTagItem("server.address"));
        Assert.Equal(443, attempts[0].GetTagItem("server.port"));
        Assert.Equal(429, attempts[0].GetTagItem("http.response.status_code"));
        Assert.Equal("429", attempts[0].GetTagItem("error.type"));
        Assert.Equal(ActivityStatusCode.Error, attempts[0].Status);
        Assert.Equal(2, attempts[1].GetTagItem("functionsrouter.attempt"));
        Assert.Equal(8443, attempts[1].GetTagItem("server.port"));
        Assert.Null(attempts[1].GetTagItem("error.type"));
        Assert.Equal(ActivityStatusCode.Unset, attempts[1].Status);
    }

    [Fact]
    public void EndAttempt_NoResponseWithReason_ReasonIsErrorType()
    {
        ListenToSpans();

        var request = _telemetry.StartRequest(GatewayOperation.ChatCompletions);
        var attempt = _telemetry.StartAttempt(Primary, 1, GatewayOperation.ChatCompletions);
        _telemetry.EndAttempt(attempt, 0, "upstream_unreachable");
        _telemetry.EndRequest(request, Record(Primary, status: 502, errorCode: "upstream_unreachable") with { Tokens = default }, null, null, null);

        var failed = Assert.Single(_spans, s => s.Kind == ActivityKind.Client);
        Assert.Equal("upstream_unreachable", failed.GetTagItem("error.type"));
        Assert.Null(failed.GetTagItem("http.response.status_code"));
        var span = Assert.Single(_spans, s => s.Kind == ActivityKind.Internal);
        Assert.Equal("upstream_unreachable", span.GetTagItem("error.type"));
        Assert.Equal(502, span.GetTagItem("http.response.status_code"));
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Null(span.GetTagItem("gen_ai.usage.input_tokens"));
    }

    [Fact]
    public void EndRequest_SetRouteNeverCalled_NamesSpanFromRecordAlias()
    {
        ListenToSpans();

        var request = _telemetry.StartRequest(GatewayOperation.Embeddings);
        _telemetry.EndRequest(request, Record(null, status: 503, errorCode: "no_enabled_deployment") with { Operation = "embeddings" }, null, null, null);

        var span = Assert.Single(_spans);
        Assert.Equal("embeddings chat-default", span.DisplayName);
        Assert.Equal("embeddings", span.GetTagItem("gen_ai.operation.name"));
        Assert.Equal("chat-default", span.GetTagItem("gen_ai.request.model"));
        Assert.Null(span.GetTagItem("gen_ai.provider.name"));
    }

    [Fact]
    public void EndRequest_NoSpanListener_StillRecordsGenAiMetrics()
    {
        ListenToMetrics();

        _telemetry.EndRequest(_telemetry.StartRequest(GatewayOperation.ChatCompletions), Record(Primary, latencyMs: 1500), "gpt-4o-mini-2024-07-18", ["stop"], 0.25);

        var points = Collect();
        var duration = Assert.Single(points, p => p.Name == "gen_ai.client.operation.duration");
        Assert.Equal("s", duration.Unit);
        Assert.Equal(1, duration.Count);
        Assert.Equal(1.5, duration.Sum, 6);
        Assert.Equal("chat", duration.Tags["gen_ai.operation.name"]);
        Assert.Equal("chat-default", duration.Tags["gen_ai.request.model"]);
        Assert.Equal("gpt-4o-mini-2024-07-18", duration.Tags["gen_ai.response.model"]);
        Assert.Equal("gpt-4o-mini", duration.Tags["functionsrouter.deployment"]);
        Assert.Equal("azure.ai.inference", duration.Tags["gen_ai.provider.name"]);
        Assert.False(duration.Tags.ContainsKey("error.type"));

        var tokens = points.Where(p => p.Name == "gen_ai.client.token.usage").ToDictionary(p => (string)p.Tags["gen_ai.token.type"]!);
        Assert.Equal(12, tokens["input"].Sum);
        Assert.Equal(34, tokens["output"].Sum);
        Assert.Equal("{token}", tokens["input"].Unit);
        Assert.Equal("chat-default", tokens["output"].Tags["gen_ai.request.model"]);

        var overhead = Assert.Single(points, p => p.Name == "functionsrouter.gateway.overhead");
        Assert.Equal(0.00025, overhead.Sum, 9);
        Assert.Equal(false, overhead.Tags["functionsrouter.streamed"]);

        Assert.DoesNotContain(points, p => p.Name == "gen_ai.client.operation.time_to_first_chunk");
    }

    [Fact]
    public void EndRequest_Streamed_RecordsTimeToFirstChunk()
    {
        ListenToMetrics();

        _telemetry.EndRequest(null, Record(Primary) with { Streamed = true, TimeToFirstByteMs = 250 }, null, null, null);

        var ttfc = Assert.Single(Collect(), p => p.Name == "gen_ai.client.operation.time_to_first_chunk");
        Assert.Equal(0.25, ttfc.Sum, 6);
        Assert.Equal("chat-default", ttfc.Tags["gen_ai.request.model"]);
    }

    [Fact]
    public void EndRequest_UnknownModel_MetricsDoNotCarryTheCallersModelName()
    {
        ListenToMetrics();

        _telemetry.EndRequest(null, Record(null, status: 404, errorCode: "unknown_model") with { Alias = "anything-a-caller-types" }, null, null, null);

        var duration = Assert.Single(Collect(), p => p.Name == "gen_ai.client.operation.duration");
        Assert.Equal("_OTHER", duration.Tags["gen_ai.request.model"]);
        Assert.Equal("unknown_model", duration.Tags["error.type"]);
    }

    [Fact]
    public void EndRequest_EstimatedUsage_NoTokenMetric()
    {
        ListenToMetrics();

        _telemetry.EndRequest(null, Record(Primary, status: 499, errorCode: "client_closed_request") with { UsageExact = false }, null, null, null);

        var points = Collect();
        Assert.DoesNotContain(points, p => p.Name == "gen_ai.client.token.usage");
        Assert.Equal("client_closed_request", Assert.Single(points, p => p.Name == "gen_ai.client.operation.duration").Tags["error.type"]);
    }

    [Fact]
    public void RecordCooldown_CountsWithTargetAttributesAndAddsSpanEvent()
    {
        ListenToSpans();
        ListenToMetrics();

        var request = _telemetry.StartRequest(GatewayOperation.ChatCompletions);
        var attempt = _telemetry.StartAttempt(Primary, 1, GatewayOperation.ChatCompletions);
        _telemetry.RecordCooldown(Primary, "429", TimeSpan.FromSeconds(30));
        _telemetry.RecordCooldown(Primary, "429", TimeSpan.FromSeconds(30));
        _telemetry.EndAttempt(attempt, 429, null);
        _telemetry.EndRequest(request, Record(Primary, status: 429, errorCode: "429"), null, null, null);

        var cooldowns = Assert.Single(Collect(), p => p.Name == "functionsrouter.cooldown.events");
        Assert.Equal(2, cooldowns.Sum);
        Assert.Equal("chat-default", cooldowns.Tags["functionsrouter.alias"]);
        Assert.Equal("primary", cooldowns.Tags["functionsrouter.target"]);
        Assert.Equal("gpt-4o-mini", cooldowns.Tags["functionsrouter.deployment"]);
        Assert.Equal("default", cooldowns.Tags["functionsrouter.endpoint"]);
        Assert.Equal("429", cooldowns.Tags["functionsrouter.cooldown.reason"]);

        var events = Assert.Single(_spans, s => s.Kind == ActivityKind.Client).Events.ToList();
        Assert.Equal(2, events.Count);
        Assert.Equal("functionsrouter.cooldown", events[0].Name);
        Assert.Equal(30.0, events[0].Tags.Single(t => t.Key == "functionsrouter.cooldown.duration").Value);
    }

    [Fact]
    public void UsageQueue_DepthAndDrops_ObservedByGaugeAndCounter()
    {
        ListenToMetrics();

        for (var i = 0; i < 5; i++)
        {
            _queue.Record(Record(Primary));
        }

        var points = Collect();
        Assert.Equal(2, Assert.Single(points, p => p.Name == "functionsrouter.usage_queue.depth").Value);
        Assert.Equal(3, Assert.Single(points, p => p.Name == "functionsrouter.usage_queue.dropped").Sum);
    }

    [Fact]
    public void EveryAttribute_IsADocumentedKey_NeverMessageContent()
    {
        ListenToSpans();
        ListenToMetrics();
        var allowed = typeof(GatewayTelemetryAttributes).GetFields()
            .Where(f => f.IsLiteral && f.Name is not nameof(GatewayTelemetryAttributes.CooldownEvent) and not nameof(GatewayTelemetryAttributes.OtherModel))
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToHashSet();

        var request = _telemetry.StartRequest(GatewayOperation.ChatCompletions);
        _telemetry.SetRoute(request, "chat-default", Caller);
        var attempt = _telemetry.StartAttempt(Primary, 1, GatewayOperation.ChatCompletions);
        _telemetry.RecordCooldown(Primary, "500", TimeSpan.FromSeconds(5));
        _telemetry.EndAttempt(attempt, 500, null);
        _telemetry.EndRequest(request, Record(Primary, status: 500, errorCode: "server_error") with { Streamed = true, TimeToFirstByteMs = 10 }, "gpt-4o-mini", ["stop"], 0.1);

        var spanKeys = _spans.SelectMany(s => s.TagObjects.Select(t => t.Key).Concat(s.Events.SelectMany(e => e.Tags.Select(t => t.Key))));
        var metricKeys = Collect().SelectMany(p => p.Tags.Keys);
        var keys = spanKeys.Concat(metricKeys).Distinct().ToList();
        Assert.NotEmpty(keys);
        Assert.All(keys, key => Assert.Contains(key, allowed));
        Assert.DoesNotContain(allowed, key => key.Contains("message", StringComparison.Ordinal) || key.Contains("prompt", StringComparison.Ordinal) || key.Contains("content", StringComparison.Ordinal));
    }

    private static UsageRecord Record(AliasTarget? target, int status = 200, string? errorCode = null, int attempts = 1, double latencyMs = 800) => new()
    {
        RecordId = Guid.NewGuid(),
        Timestamp = DateTimeOffset.UtcNow,
        RequestId = "req-1",
        Caller = Caller.Id,
        Alias = "chat-default",
        Operation = "chat.completions",
        Target = target?.Name,
        Deployment = target?.Deployment,
        Endpoint = target?.Endpoint,
        HttpStatus = status,
        ErrorCode = errorCode,
        Tokens = new TokenUsage(12, 34, 46),
        LatencyMs = latencyMs,
        Attempts = target is null ? 0 : attempts,
    };

    private void ListenToSpans() =>
        _tracerProvider = Sdk.CreateTracerProviderBuilder()
            .AddSource(GatewayTelemetryNames.ActivitySourceName)
            .AddInMemoryExporter(_spans)
            .Build();

    private void ListenToMetrics() =>
        _meterProvider = Sdk.CreateMeterProviderBuilder()
            .AddMeter(GatewayTelemetryNames.MeterName)
            .AddInMemoryExporter(_metrics)
            .Build();

    /// <summary>Collects once and copies every metric point out (the SDK reuses them on the next collection).</summary>
    private List<Point> Collect()
    {
        _meterProvider!.ForceFlush();
        var points = new List<Point>();
        foreach (var metric in _metrics)
        {
            foreach (ref readonly var point in metric.GetMetricPoints())
            {
                var tags = new Dictionary<string, object?>();
                foreach (var tag in point.Tags)
                {
                    tags[tag.Key] = tag.Value;
                }

                points.Add(metric.MetricType switch
                {
                    MetricType.Histogram => new Point(metric.Name, metric.Unit, tags, point.GetHistogramCount(), point.GetHistogramSum(), 0),
                    MetricType.LongSum or MetricType.LongSumNonMonotonic => new Point(metric.Name, metric.Unit, tags, 1, point.GetSumLong(), 0),
                    MetricType.LongGauge => new Point(metric.Name, metric.Unit, tags, 1, 0, point.GetGaugeLastValueLong()),
                    _ => throw new InvalidOperationException($"Unexpected metric type {metric.MetricType} of {metric.Name}."),
                });
            }
        }

        return points;
    }

    private sealed record Point(string Name, string Unit, Dictionary<string, object?> Tags, long Count, double Sum, long Value);
}
