using System.ClientModel;
using System.ClientModel.Primitives;
using System.Diagnostics;
using System.Text;
using FunctionsRouter.Gateway.Diagnostics;
using FunctionsRouter.Gateway.Tests.Integration;
using OpenAI;
using OpenAI.Chat;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace FunctionsRouter.Gateway.Tests.Diagnostics;

/// <summary>
/// Spans and metrics of real requests through the gateway on Kestrel (failover included), read with the OpenTelemetry
/// SDK's in-memory exporter. Runs alone (<see cref="TelemetryCollection"/>), with an Azurite and fake of its own.
/// </summary>
[Collection(TelemetryCollection.Name)]
public sealed class GatewayTelemetryEndToEndTests(IntegrationFixture fixture) : IClassFixture<IntegrationFixture>, IDisposable
{
    private const string PromptText = "tell nobody: zebra-7741";
    private readonly string _id = Guid.NewGuid().ToString("N")[..10];
    private readonly List<Activity> _spans = [];
    private readonly List<Metric> _metrics = [];
    private MeterProvider? _meter;

    public void Dispose() => _meter?.Dispose();

    [Fact]
    public async Task Failover_RequestSpanWithGenAiAttributes_AttemptChildren_CooldownEventAndMetrics()
    {
        using var tracer = Sdk.CreateTracerProviderBuilder().AddSource(GatewayTelemetryNames.ActivitySourceName).AddInMemoryExporter(_spans).Build();
        _meter = Sdk.CreateMeterProviderBuilder().AddMeter(GatewayTelemetryNames.MeterName).AddInMemoryExporter(_metrics).Build();
        var alias = "tel-" + _id;
        var primary = $"fail-429.{_id}";
        var backup = $"ok.{_id}";
        await fixture.Gateway.SeedAsync(alias, "primary", primary);
        await fixture.Gateway.SeedAsync(alias, "backup", backup, priority: 1);
        var client = new ChatClient(alias, new ApiKeyCredential(fixture.CallerKey), new OpenAIClientOptions { Endpoint = new Uri(fixture.Gateway.BaseUri, "/api/v1"), RetryPolicy = new ClientRetryPolicy(0) });

        var completion = await client.CompleteChatAsync([new UserChatMessage(PromptText)]);
        Assert.Equal("Hello world", completion.Value.Content[0].Text);

        var request = await WaitForSpanAsync(s => s.Kind == ActivityKind.Internal && Equals(s.GetTagItem("gen_ai.request.model"), alias));
        Assert.Equal("chat " + alias, request.DisplayName);
        Assert.Equal("chat", request.GetTagItem("gen_ai.operation.name"));
        Assert.Equal(backup + "-2024", request.GetTagItem("gen_ai.response.model"));
        Assert.Equal(11, request.GetTagItem("gen_ai.usage.input_tokens"));
        Assert.Equal(7, request.GetTagItem("gen_ai.usage.output_tokens"));
        Assert.Equal(["stop"], (string[])request.GetTagItem("gen_ai.response.finish_reasons")!);
        Assert.Equal(backup, request.GetTagItem("functionsrouter.deployment"));
        Assert.Equal("backup", request.GetTagItem("functionsrouter.target"));
        Assert.Equal(2, request.GetTagItem("functionsrouter.attempts"));
        Assert.Equal("key:" + fixture.CallerId, request.GetTagItem("functionsrouter.caller"));
        Assert.Equal("key", request.GetTagItem("functionsrouter.caller.kind"));
        Assert.Contains(request.Events, e => e.Name == "functionsrouter.cooldown");

        var attempts = _spans.Where(s => s.Kind == ActivityKind.Client && s.ParentSpanId == request.SpanId).OrderBy(s => s.StartTimeUtc).ToList();
        Assert.Equal([primary, backup], attempts.Select(s => (string)s.GetTagItem("functionsrouter.deployment")!));
        Assert.Equal([1, 2], attempts.Select(s => (int)s.GetTagItem("functionsrouter.attempt")!));
        Assert.Equal("429", attempts[0].GetTagItem("error.type"));
        Assert.Equal(ActivityStatusCode.Error, attempts[0].Status);
        Assert.Equal(200, attempts[1].GetTagItem("http.response.status_code"));
        Assert.Equal(request.TraceId, attempts[0].TraceId);
        // The trace goes on upstream: each attempt's request carries its trace context.
        Assert.StartsWith($"00-{request.TraceId}-", fixture.Upstream.LastFor(backup).Headers["traceparent"], StringComparison.Ordinal);

        var text = new StringBuilder();
        foreach (var span in _spans)
        {
            text.AppendJoin('|', span.TagObjects.Select(t => t.Value is string[] a ? string.Join(',', a) : t.Value?.ToString()));
            text.AppendJoin('|', span.Events.SelectMany(e => e.Tags).Select(t => t.Value?.ToString()));
        }

        Assert.DoesNotContain("zebra", text.ToString(), StringComparison.Ordinal);

        _meter.ForceFlush();
        var tokens = Points(GatewayTelemetryNames.TokenUsage).Where(p => Equals(p.Tags.GetValueOrDefault("gen_ai.request.model"), alias)).ToList();
        Assert.Equal(11, tokens.Single(p => Equals(p.Tags["gen_ai.token.type"], "input")).Sum);
        Assert.Equal(7, tokens.Single(p => Equals(p.Tags["gen_ai.token.type"], "output")).Sum);
        Assert.Contains(Points(GatewayTelemetryNames.OperationDuration), p => Equals(p.Tags.GetValueOrDefault("gen_ai.request.model"), alias) && p.Count == 1);
        Assert.Contains(Points(GatewayTelemetryNames.GatewayOverhead), p => p.Count >= 1);
        Assert.Contains(Points(GatewayTelemetryNames.CooldownEvents), p => Equals(p.Tags.GetValueOrDefault("functionsrouter.deployment"), primary) && p.Sum == 1);
        Assert.Contains(_metrics, m => m.Name == GatewayTelemetryNames.UsageQueueDepth);
    }

    [Fact]
    public async Task Stream_TimeToFirstChunkRecordedAndSpanMarkedStreamed()
    {
        using var tracer = Sdk.CreateTracerProviderBuilder().AddSource(GatewayTelemetryNames.ActivitySourceName).AddInMemoryExporter(_spans).Build();
        _meter = Sdk.CreateMeterProviderBuilder().AddMeter(GatewayTelemetryNames.MeterName).AddInMemoryExporter(_metrics).Build();
        var alias = "tel-" + _id;
        await fixture.Gateway.SeedAsync(alias, "only", $"ok.{_id}");
        var client = new ChatClient(alias, new ApiKeyCredential(fixture.CallerKey), new OpenAIClientOptions { Endpoint = new Uri(fixture.Gateway.BaseUri, "/api/v1") });

        await foreach (var update in client.CompleteChatStreamingAsync([new UserChatMessage(PromptText)]))
        {
            Assert.NotNull(update);
        }

        var request = await WaitForSpanAsync(s => s.Kind == ActivityKind.Internal && Equals(s.GetTagItem("gen_ai.request.model"), alias));
        Assert.Equal(true, request.GetTagItem("functionsrouter.streamed"));
        _meter.ForceFlush();
        Assert.Contains(Points(GatewayTelemetryNames.TimeToFirstChunk), p => Equals(p.Tags.GetValueOrDefault("gen_ai.request.model"), alias) && p.Count == 1);
    }

    private async Task<Activity> WaitForSpanAsync(Func<Activity, bool> match)
    {
        // The handler ends its span after the last byte has gone, so the client can be a moment ahead.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            // A copy: the exporter appends from the thread that ends a span.
            var found = _spans.ToArray().FirstOrDefault(s => s is not null && match(s));
            if (found is not null)
            {
                return found;
            }

            Assert.True(DateTime.UtcNow < deadline, "The request span never ended.");
            await Task.Delay(20);
        }
    }

    private List<(Dictionary<string, object?> Tags, long Count, double Sum)> Points(string name)
    {
        var points = new List<(Dictionary<string, object?>, long, double)>();
        foreach (var metric in _metrics.Where(m => m.Name == name))
        {
            foreach (ref readonly var point in metric.GetMetricPoints())
            {
                var tags = new Dictionary<string, object?>();
                foreach (var tag in point.Tags)
                {
                    tags[tag.Key] = tag.Value;
                }

                var isHistogram = metric.MetricType == MetricType.Histogram;
                points.Add((tags,
                    isHistogram ? point.GetHistogramCount() : 1,
                    isHistogram ? point.GetHistogramSum() : metric.MetricType == MetricType.LongSum ? point.GetSumLong() : point.GetSumDouble()));
            }
        }

        return points;
    }
}
