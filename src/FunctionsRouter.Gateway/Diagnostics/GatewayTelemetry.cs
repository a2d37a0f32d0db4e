using System.Collections.Frozen;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using FunctionsRouter.Gateway.Aliases;
using FunctionsRouter.Gateway.Callers;
using FunctionsRouter.Gateway.Configuration;
using FunctionsRouter.Gateway.Errors;
using FunctionsRouter.Gateway.Requests;
using FunctionsRouter.Gateway.Usage;
using Microsoft.Extensions.Options;
using Attr = FunctionsRouter.Gateway.Diagnostics.GatewayTelemetryAttributes;

namespace FunctionsRouter.Gateway.Diagnostics;

/// <summary>
/// The gateway's traces and metrics, following the OpenTelemetry GenAI semantic conventions: one span per gateway
/// request (kind Internal, a child of the host's HTTP server span), one child span per upstream attempt (kind Client),
/// and the GenAI client metrics recorded from the request's <see cref="UsageRecord"/>.
/// </summary>
/// <remarks>
/// <para>
/// Cheap when nobody listens: every span method returns or does nothing when no listener wants this source (no span is
/// created, nothing is allocated), and every metric is recorded only when its instrument is enabled. Metrics do not
/// depend on spans: <see cref="EndRequest"/> records them from the usage record even when the span is null.
/// </para>
/// <para>
/// <c>gen_ai.request.model</c> is the alias on the request span and on the metrics (what the caller asked for), and the
/// deployment on an attempt span (what the gateway asked the upstream for, the model name the upstream saw).
/// Never a prompt, a completion or a key: the only caller-supplied text recorded is the model name, and on metrics not
/// even that when it is not a known alias.
/// </para>
/// </remarks>
internal sealed class GatewayTelemetry : IDisposable
{
    private const string Chat = "chat";
    private const string Embeddings = "embeddings";

    // Bucket boundaries the GenAI conventions advise for these histograms.
    private static readonly int[] TokenBuckets = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];
    private static readonly double[] DurationBuckets = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];

    // The gateway's own cost is sub-millisecond when healthy: buckets from 50 µs.
    private static readonly double[] OverheadBuckets = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];

    private static readonly object True = true;
    private static readonly object False = false;

    private readonly ActivitySource _source;
    private readonly Histogram<int> _tokenUsage;
    private readonly Histogram<double> _duration;
    private readonly Histogram<double> _timeToFirstChunk;
    private readonly Histogram<double> _overhead;
    private readonly Counter<long> _cooldowns;
    private readonly Counter<long> _refusals;
    private readonly FrozenDictionary<string, EndpointFacts> _endpoints;

    public GatewayTelemetry(IMeterFactory meterFactory, UsageQueue usageQueue, IOptions<RouterOptions> options)
    {
        var version = typeof(GatewayTelemetry).Assembly.GetName().Version?.ToString();
        _source = new ActivitySource(GatewayTelemetryNames.ActivitySourceName, version);

        // The factory owns the meter (and disposes it with the container).
        var meter = meterFactory.Create(GatewayTelemetryNames.MeterName, version);
        _tokenUsage = meter.CreateHistogram(GatewayTelemetryNames.TokenUsage, "{token}", "Number of input and output tokens used.",
            tags: null, new InstrumentAdvice<int> { HistogramBucketBoundaries = TokenBuckets });
        _duration = meter.CreateHistogram(GatewayTelemetryNames.OperationDuration, "s", "GenAI operation duration, from the request's arrival to its last byte.",
            tags: null, new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _timeToFirstChunk = meter.CreateHistogram(GatewayTelemetryNames.TimeToFirstChunk, "s", "Time from the request's arrival to the first streamed chunk relayed to the caller.",
            tags: null, new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _overhead = meter.CreateHistogram(GatewayTelemetryNames.GatewayOverhead, "s", "Time the gateway itself added to a request (not waiting for the upstream).",
            tags: null, new InstrumentAdvice<double> { HistogramBucketBoundaries = OverheadBuckets });
        _cooldowns = meter.CreateCounter<long>(GatewayTelemetryNames.CooldownEvents, "{event}", "Targets put in cooldown after a failure.");
        _refusals = meter.CreateCounter<long>(GatewayTelemetryNames.AdmissionRefusals, "{request}", "Requests refused by admission (no, bad or unregistered credential; alias not granted).");
        meter.CreateObservableGauge(GatewayTelemetryNames.UsageQueueDepth, () => usageQueue.Depth, "{record}", "Usage records not yet in the table: queued, or held by the writer through an outage.");
        meter.CreateObservableCounter(GatewayTelemetryNames.UsageQueueDropped, () => usageQueue.Dropped, "{record}", "Usage records that did not fit in the queue (logged, not written to the table).");

        _endpoints = options.Value.Endpoints
            .Select(e => KeyValuePair.Create(e.Key, EndpointFacts.From(e.Value)))
            .ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Counts a request admission refused, by its error code (no caller attribute: refusals may be unauthenticated).</summary>
    public void RecordRefusal(string errorCode)
    {
        if (_refusals.Enabled)
        {
            _refusals.Add(1, new KeyValuePair<string, object?>(Attr.ErrorType, errorCode));
        }
    }

    /// <summary>
    /// Starts the span of one gateway request (kind Internal, named after the operation until the alias is known), or
    /// returns null when nobody listens. End it with <see cref="EndRequest"/>.
    /// </summary>
    public Activity? StartRequest(GatewayOperation operation)
    {
        if (!_source.HasListeners())
        {
            return null;
        }

        var name = OperationName(operation);
        var activity = _source.StartActivity(name, ActivityKind.Internal);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(Attr.OperationName, name);
        }

        return activity;
    }

    /// <summary>Names the request span <c>"{gen_ai.operation.name} {alias}"</c> and tags the alias and the caller.</summary>
    public void SetRoute(Activity? activity, string alias, CallerIdentity caller)
    {
        if (activity is not { IsAllDataRequested: true })
        {
            return;
        }

        activity.DisplayName = activity.GetTagItem(Attr.OperationName) + " " + alias;
        activity.SetTag(Attr.RequestModel, alias);
        activity.SetTag(Attr.Caller, caller.Id);
        activity.SetTag(Attr.CallerKind, caller.Kind);
    }

    /// <summary>
    /// Starts the span of one upstream attempt (kind Client, <c>"{gen_ai.operation.name} {deployment}"</c>), a child of
    /// the current span (the request span when called from the code that awaits the attempt), or returns null when
    /// nobody listens. End it with <see cref="EndAttempt"/>.
    /// </summary>
    /// <param name="target">The target being tried.</param>
    /// <param name="attempt">1 for the first upstream call of the request, 2 for the first failover, and so on.</param>
    /// <param name="operation">What is asked of the model.</param>
    public Activity? StartAttempt(AliasTarget target, int attempt, GatewayOperation operation)
    {
        if (!_source.HasListeners())
        {
            return null;
        }

        var operationName = OperationName(operation);
        var activity = _source.StartActivity(ActivityKind.Client, name: operationName + " " + target.Deployment);
        if (activity is not { IsAllDataRequested: true })
        {
            return activity;
        }

        activity.SetTag(Attr.OperationName, operationName);
        activity.SetTag(Attr.RequestModel, target.Deployment);
        activity.SetTag(Attr.Alias, target.Alias);
        activity.SetTag(Attr.Target, target.Name);
        activity.SetTag(Attr.Deployment, target.Deployment);
        activity.SetTag(Attr.Endpoint, target.Endpoint);
        activity.SetTag(Attr.Attempt, attempt);
        if (_endpoints.TryGetValue(target.Endpoint, out var facts))
        {
            activity.SetTag(Attr.ProviderName, facts.ProviderName);
            activity.SetTag(Attr.ServerAddress, facts.ServerAddress);
            activity.SetTag(Attr.ServerPort, facts.ServerPort);
        }

        return activity;
    }

    /// <summary>
    /// Ends an attempt span with the upstream's status (0 when no response came) and, when the attempt failed, why:
    /// <c>error.type</c> is <paramref name="failureReason"/>, or the status code when the upstream answered 4xx/5xx.
    /// </summary>
    /// <param name="attempt">The span from <see cref="StartAttempt"/>; nothing happens when it is null.</param>
    /// <param name="status">The upstream's HTTP status, or 0 when it did not answer.</param>
    /// <param name="failureReason">A low-cardinality reason (an error code, not a message), or null when it succeeded.</param>
    public void EndAttempt(Activity? attempt, int status, string? failureReason)
    {
        if (attempt is null)
        {
            return;
        }

        if (attempt.IsAllDataRequested)
        {
            if (status > 0)
            {
                attempt.SetTag(Attr.HttpStatusCode, status);
            }

            var errorType = failureReason ?? (status is 0 or >= 400 ? StatusText(status) : null);
            if (errorType is not null)
            {
                attempt.SetTag(Attr.ErrorType, errorType);
                attempt.SetStatus(ActivityStatusCode.Error, errorType);
            }
        }

        attempt.Dispose();
    }

    /// <summary>
    /// Ends the request: tags its span with the outcome (when there is a span) and records the metrics from
    /// <paramref name="record"/> (always, whether or not there is a span).
    /// </summary>
    /// <param name="request">The span from <see cref="StartRequest"/>, or null.</param>
    /// <param name="record">The request's usage record: alias, target, status, tokens, latency, time to first byte.</param>
    /// <param name="responseModel">The <c>model</c> the upstream reported, when it did.</param>
    /// <param name="finishReasons">The distinct finish reasons the upstream reported, when it did.</param>
    /// <param name="gatewayOverheadMs">The milliseconds the gateway itself added, when measured.</param>
    public void EndRequest(Activity? request, UsageRecord record, string? responseModel, IReadOnlyList<string>? finishReasons, double? gatewayOverheadMs)
    {
        if (request is null && !_duration.Enabled && !_tokenUsage.Enabled && !_timeToFirstChunk.Enabled && !_overhead.Enabled)
        {
            return;
        }

        var operationName = OperationName(record.Operation);
        var errorType = ErrorType(record);
        var facts = record.Endpoint is not null && _endpoints.TryGetValue(record.Endpoint, out var found) ? found : null;

        if (request is not null)
        {
            if (request.IsAllDataRequested)
            {
                TagRequest(request, record, responseModel, finishReasons, errorType, facts);
            }

            request.Dispose();
        }

        RecordMetrics(record, operationName, responseModel, errorType, facts, gatewayOverheadMs);
    }

    /// <summary>
    /// Counts a target put in cooldown, and adds a <c>functionsrouter.cooldown</c> event to the current span.
    /// </summary>
    /// <param name="target">The target that cools down.</param>
    /// <param name="reason">A low-cardinality reason (an error code or a status class, never a message).</param>
    /// <param name="duration">How long the target stays out of rotation.</param>
    public void RecordCooldown(AliasTarget target, string reason, TimeSpan duration)
    {
        if (_cooldowns.Enabled)
        {
            var tags = new TagList
            {
                { Attr.Alias, target.Alias },
                { Attr.Target, target.Name },
                { Attr.Deployment, target.Deployment },
                { Attr.Endpoint, target.Endpoint },
                { Attr.CooldownReason, reason },
            };
            _cooldowns.Add(1, tags);
        }

        if (Activity.Current is { IsAllDataRequested: true } current && current.Source == _source)
        {
            current.AddEvent(new ActivityEvent(Attr.CooldownEvent, tags: new ActivityTagsCollection
            {
                { Attr.Target, target.Name },
                { Attr.Deployment, target.Deployment },
                { Attr.CooldownReason, reason },
                { Attr.CooldownDuration, duration.TotalSeconds },
            }));
        }
    }

    public void Dispose() => _source.Dispose();

    private static void TagRequest(Activity request, UsageRecord record, string? responseModel, IReadOnlyList<string>? finishReasons, string? errorType, EndpointFacts? facts)
    {
        if (request.GetTagItem(Attr.RequestModel) is null && record.Alias.Length > 0)
        {
            request.DisplayName = request.GetTagItem(Attr.OperationName) + " " + record.Alias;
            request.SetTag(Attr.RequestModel, record.Alias);
        }

        request.SetTag(Attr.Caller, record.Caller);
        request.SetTag(Attr.ResponseModel, responseModel);
        request.SetTag(Attr.InputTokens, record.Tokens.PromptTokens);
        request.SetTag(Attr.OutputTokens, record.Tokens.CompletionTokens);
        if (finishReasons is { Count: > 0 })
        {
            request.SetTag(Attr.FinishReasons, finishReasons as string[] ?? [.. finishReasons]);
        }

        request.SetTag(Attr.Target, record.Target);
        request.SetTag(Attr.Deployment, record.Deployment);
        request.SetTag(Attr.Endpoint, record.Endpoint);
        request.SetTag(Attr.Attempts, record.Attempts);
        request.SetTag(Attr.Streamed, record.Streamed ? True : False);
        if (!record.UsageExact)
        {
            request.SetTag(Attr.UsageExact, False);
        }

        if (facts is not null)
        {
            request.SetTag(Attr.ProviderName, facts.ProviderName);
            request.SetTag(Attr.ServerAddress, facts.ServerAddress);
            request.SetTag(Attr.ServerPort, facts.ServerPort);
        }

        request.SetTag(Attr.HttpStatusCode, record.HttpStatus);
        if (errorType is not null)
        {
            request.SetTag(Attr.ErrorType, errorType);
            request.SetStatus(ActivityStatusCode.Error, errorType);
        }
    }

    private void RecordMetrics(UsageRecord record, string operationName, string? responseModel, string? errorType, EndpointFacts? facts, double? gatewayOverheadMs)
    {
        // A caller-chosen model name that is no alias must not become a metric dimension.
        var requestModel = record.ErrorCode == GatewayErrors.WireCodeOf(GatewayErrorCode.UnknownModel) ? Attr.OtherModel
            : record.Alias.Length > 0 ? record.Alias
            : null;

        // At most eight tags each: a TagList holds eight without allocating.
        if (_duration.Enabled)
        {
            var tags = Common(operationName, requestModel, responseModel, record.Deployment, facts);
            if (errorType is not null)
            {
                tags.Add(Attr.ErrorType, errorType);
            }

            _duration.Record(record.LatencyMs / 1000, tags);
        }

        // Token counts only when they are the upstream's own: an estimate (a stream cut short) stays in the ledger.
        if (_tokenUsage.Enabled && record.UsageExact)
        {
            if (record.Tokens.PromptTokens is { } input)
            {
                var tags = Common(operationName, requestModel, responseModel, record.Deployment, facts);
                tags.Add(Attr.TokenType, "input");
                _tokenUsage.Record(input, tags);
            }

            if (record.Tokens.CompletionTokens is { } output)
            {
                var tags = Common(operationName, requestModel, responseModel, record.Deployment, facts);
                tags.Add(Attr.TokenType, "output");
                _tokenUsage.Record(output, tags);
            }
        }

        if (_timeToFirstChunk.Enabled && record.Streamed && record.TimeToFirstByteMs is { } ttfb)
        {
            _timeToFirstChunk.Record(ttfb / 1000, Common(operationName, requestModel, responseModel, record.Deployment, facts));
        }

        if (_overhead.Enabled && gatewayOverheadMs is { } overhead)
        {
            _overhead.Record(overhead / 1000, new TagList
            {
                { Attr.OperationName, operationName },
                { Attr.Streamed, record.Streamed ? True : False },
            });
        }
    }

    private static TagList Common(string operationName, string? requestModel, string? responseModel, string? deployment, EndpointFacts? facts)
    {
        var tags = new TagList { { Attr.OperationName, operationName } };
        if (requestModel is not null)
        {
            tags.Add(Attr.RequestModel, requestModel);
        }

        if (responseModel is not null)
        {
            tags.Add(Attr.ResponseModel, responseModel);
        }

        if (deployment is not null)
        {
            tags.Add(Attr.Deployment, deployment);
        }

        if (facts is not null)
        {
            tags.Add(Attr.ProviderName, facts.ProviderName);
            tags.Add(Attr.ServerAddress, facts.ServerAddress);
            tags.Add(Attr.ServerPort, facts.ServerPort);
        }

        return tags;
    }

    private static string? ErrorType(UsageRecord record) =>
        record.ErrorCode ?? (record.HttpStatus >= 400 ? StatusText(record.HttpStatus) : null);

    private static string StatusText(int status) => status == 0 ? "no_response" : status.ToString(CultureInfo.InvariantCulture);

    private static string OperationName(GatewayOperation operation) => operation == GatewayOperation.Embeddings ? Embeddings : Chat;

    // The usage record names operations by their path (chat.completions, embeddings); the conventions say chat.
    private static string OperationName(string recordOperation) => recordOperation == Embeddings ? Embeddings : Chat;

    /// <summary>What the conventions want to know of an endpoint, computed once from settings.</summary>
    private sealed class EndpointFacts
    {
        private EndpointFacts(string providerName, string? serverAddress, object? serverPort)
        {
            ProviderName = providerName;
            ServerAddress = serverAddress;
            ServerPort = serverPort;
        }

        public string ProviderName { get; }

        public string? ServerAddress { get; }

        /// <summary>Boxed once, so that tagging a measurement with it allocates nothing.</summary>
        public object? ServerPort { get; }

        public static EndpointFacts From(EndpointOptions options)
        {
            Uri.TryCreate(options.Url, UriKind.Absolute, out var url);
            UpstreamApiKinds.TryParse(options.Api, out var api);

            // gen_ai.provider.name is the conventions' best knowledge of who serves: the Azure AI Model Inference API,
            // Azure OpenAI when an OpenAI-shaped endpoint is on its domain, else any OpenAI-compatible server.
            var provider = api == UpstreamApiKind.Models ? "azure.ai.inference"
                : url?.Host.EndsWith(".openai.azure.com", StringComparison.OrdinalIgnoreCase) == true ? "azure.ai.openai"
                : "openai";
            return new EndpointFacts(provider, url?.Host, url?.Port);
        }
    }
}
