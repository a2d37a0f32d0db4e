using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using FunctionsRouter.Gateway.Configuration;
using FunctionsRouter.Gateway.Requests;

namespace FunctionsRouter.Gateway.Usage;

/// <summary>
/// Sends the usage ledger's entity-group transactions through an Azure.Core <see cref="HttpPipeline"/> (auth: Shared
/// Key for a connection string, Microsoft Entra ID for a table service URI; retries with exponential backoff; a network
/// timeout per try), building each <c>$batch</c> body itself.
/// <para>
/// Why not <c>TableClient.SubmitTransactionAsync</c>: it was the largest cost the gateway had. Under load the load
/// harness measured about 35 KiB allocated per written row (docs/PERFORMANCE.md, issue 5 runs), twice the whole request
/// path, and the writer fell behind the instance. Per row the SDK builds a <c>TableEntity</c> dictionary, an
/// OData-annotated copy of it, boxed values, a JSON serialization through <c>object</c>, a sub-request object with its
/// headers, then parses a response part. <c>UsageTableWriterBenchmarks</c> (100-row transaction, canned answer):
/// SDK 29,776 B and ~360 µs per row, this client 34 B and ~7 µs (ShortRun on a loaded 2-core box: the times are
/// noisy, the allocations exact). Same wire format, so the rows read back with the SDK as before.
/// </para>
/// </summary>
internal sealed class UsageTableClient
{
    /// <summary>
    /// One try of a table call: far under the SDK's 100 s default, so a hung table is a failure, not a pause. A whole
    /// call, Azure.Core's retries included, gets three times as long.
    /// </summary>
    internal static readonly TimeSpan TryTimeout = TimeSpan.FromSeconds(10);

    private const int MaxAliasKeys = 1_024;
    private const int MaxResponseBytes = 1 << 20;

    private readonly HttpPipeline _pipeline;
    private readonly TimeSpan _tryTimeout;
    private readonly TimeSpan _callTimeout;
    private readonly Uri _endpoint;
    private readonly string _table;
    private readonly string? _sas;
    private readonly byte[] _entityPrefix;
    private readonly ConcurrentDictionary<string, string> _aliasKeys = new(StringComparer.Ordinal);
    private readonly Func<string, string> _aliasKey;

    public UsageTableClient(Uri endpoint, string table, HttpPipeline pipeline, string? sharedAccessSignature = null, TimeSpan? tryTimeout = null, HttpPipelineTransport? transport = null, HttpPipelinePolicy? yieldsTo = null)
    {
        Transport = transport;
        YieldsTo = yieldsTo;
        _tryTimeout = tryTimeout ?? TryTimeout;
        _callTimeout = 3 * _tryTimeout;
        _endpoint = endpoint;
        _table = table;
        _pipeline = pipeline;
        _sas = sharedAccessSignature;
        _entityPrefix = UsageBatchBody.EntityPrefix(endpoint, table);
        _aliasKey = AliasKey;
    }

    /// <summary>The connection pool the calls go through, when <see cref="Create"/> made the client (for tests).</summary>
    internal HttpPipelineTransport? Transport { get; }

    /// <summary>The policy through which this client yields to the control tables' calls, when <see cref="Create"/> was given one (for tests).</summary>
    internal HttpPipelinePolicy? YieldsTo { get; }

    /// <summary>The client for where the gateway's tables are: Shared Key (or SAS) with a connection string, Entra ID with a service URI.</summary>
    /// <param name="transport">Tests only: a transport in front of the table. Otherwise the ledger's own connection pool
    /// (<see cref="TableConnectionPools.Ledger"/>), never the control tables': a slow batch must not delay a caller read.</param>
    /// <param name="tryTimeout">Each try's timeout (<c>Router__TableOperationTimeout</c>); <see cref="TryTimeout"/> when not given.</param>
    /// <param name="yieldTo">When the ledger shares the control tables' account: <see cref="ControlTableStrain.Yield"/>, run once per call.</param>
    public static UsageTableClient Create(TableStorageLocation location, string table, Func<TokenCredential> credential, HttpPipelineTransport? transport = null, TimeSpan? tryTimeout = null, HttpPipelinePolicy? yieldTo = null)
    {
        HttpPipelinePolicy[] perCall = yieldTo is null ? [] : [yieldTo];
        // The gateway's table timeouts and retries (Router__TableOperationTimeout), without the SDK's per-call logging.
        var options = TableStorageTimeouts.CreateClientOptions(tryTimeout ?? TryTimeout, transport ?? TableConnectionPools.Ledger);

        options.Diagnostics.IsLoggingEnabled = false;
        options.Diagnostics.IsDistributedTracingEnabled = false;
        options.Diagnostics.IsTelemetryEnabled = false;
        if (location.ConnectionString is { } connectionString)
        {
            var parsed = TableConnectionString.Parse(connectionString);
            HttpPipelinePolicy[] auth = parsed.AccountKey is not null ? [new TableSharedKeyPolicy(parsed.AccountName!, parsed.AccountKey)] : [];
            return new UsageTableClient(parsed.TableEndpoint, table, HttpPipelineBuilder.Build(options, perCall, auth, new ResponseClassifier()), parsed.AccountKey is null ? parsed.SharedAccessSignature : null, options.Retry.NetworkTimeout, options.Transport, yieldTo);
        }

        var bearer = new BearerTokenAuthenticationPolicy(credential(), "https://storage.azure.com/.default");
        return new UsageTableClient(location.ServiceUri!, table, HttpPipelineBuilder.Build(options, perCall, [bearer], new ResponseClassifier()), tryTimeout: options.Retry.NetworkTimeout, transport: options.Transport, yieldsTo: yieldTo);
    }

    /// <summary>Creates the table unless it exists.</summary>
    public async Task CreateTableIfNotExistsAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_callTimeout);
        using var message = CreateMessage(RequestMethod.Post, "Tables");
        message.Request.Headers.SetValue("Content-Type", "application/json");
        message.Request.Headers.SetValue("Prefer", "return-no-content");
        message.Request.Content = RequestContent.Create(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["TableName"] = _table }));
        await _pipeline.SendAsync(message, timeout.Token).ConfigureAwait(false);
        if (message.Response.Status is not (201 or 204 or 409))
        {
            throw new RequestFailedException(message.Response);
        }
    }

    /// <summary>
    /// Upserts <paramref name="rows"/> (at most 100, all of <paramref name="partition"/>) in one entity-group transaction.
    /// Throws <see cref="RequestFailedException"/> with the failing status: the whole request's, or the first failing row's.
    /// </summary>
    public async Task SubmitAsync(UsagePartitionKey partition, ReadOnlyMemory<UsageRecord> rows, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_callTimeout);
        using var body = new PooledBuffer(rows.Length * 1_024);
        var batchId = Guid.NewGuid();
        using (var json = new Utf8JsonWriter(body))
        {
            UsageBatchBody.Write(body, json, _entityPrefix, partition.ToString(), rows.Span, _aliasKey, batchId, Guid.NewGuid());
        }

        using var message = CreateMessage(RequestMethod.Post, "$batch");
        message.BufferResponse = false;
        message.Request.Headers.SetValue("Content-Type", UsageBatchBody.ContentType(batchId));
        message.Request.Content = RequestContent.Create(body.Memory);
        await _pipeline.SendAsync(message, timeout.Token).ConfigureAwait(false);
        var status = message.Response.Status;
        if (status == 202)
        {
            status = await FirstFailedPartStatusAsync(message.Response, timeout.Token).ConfigureAwait(false);
        }

        if (status != 0)
        {
            throw new RequestFailedException(status, $"The usage batch of {rows.Length} rows to partition {partition} failed with status {status}.");
        }
    }

    /// <summary>
    /// Reads one entity: its JSON (OData minimal metadata) and ETag, or <see langword="null"/> when there is none.
    /// Throws <see cref="RequestFailedException"/> for any other failing status.
    /// </summary>
    public async Task<(JsonDocument Entity, string ETag)?> GetEntityAsync(string partitionKey, string rowKey, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_callTimeout);
        using var message = CreateMessage(RequestMethod.Get, EntityPath(partitionKey, rowKey));
        await _pipeline.SendAsync(message, timeout.Token).ConfigureAwait(false);
        var response = message.Response;
        if (response.Status == 404)
        {
            return null;
        }

        if (response.Status != 200 || !response.Headers.TryGetValue("ETag", out var etag))
        {
            throw new RequestFailedException(response);
        }

        return (JsonDocument.Parse(response.Content.ToMemory()), etag);
    }

    /// <summary>
    /// Writes one entity: inserts it when <paramref name="ifMatch"/> is <see langword="null"/> (409 if it exists), else
    /// replaces it if its ETag is still <paramref name="ifMatch"/> (412 if another write came first). Both throw
    /// <see cref="RequestFailedException"/> with the status; the caller reads again and retries.
    /// </summary>
    public async Task WriteEntityAsync(string partitionKey, string rowKey, ReadOnlyMemory<byte> json, string? ifMatch, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_callTimeout);
        using var message = ifMatch is null
            ? CreateMessage(RequestMethod.Post, _table)
            : CreateMessage(RequestMethod.Put, EntityPath(partitionKey, rowKey));
        if (ifMatch is not null)
        {
            message.Request.Headers.SetValue("If-Match", ifMatch);
        }

        message.Request.Headers.SetValue("Content-Type", "application/json");
        message.Request.Headers.SetValue("Prefer", "return-no-content");
        message.Request.Content = RequestContent.Create(json);
        await _pipeline.SendAsync(message, timeout.Token).ConfigureAwait(false);
        if (message.Response.Status is not (201 or 204))
        {
            throw new RequestFailedException(message.Response);
        }
    }

    /// <summary><c>{table}(PartitionKey='…',RowKey='…')</c>: each key an OData string literal (a quote doubled), percent-encoded.</summary>
    private string EntityPath(string partitionKey, string rowKey) =>
        _table + "(PartitionKey='" + Uri.EscapeDataString(partitionKey.Replace("'", "''", StringComparison.Ordinal)) +
        "',RowKey='" + Uri.EscapeDataString(rowKey.Replace("'", "''", StringComparison.Ordinal)) + "')";

    /// <summary>Reads a batch response's parts: 0 when every row succeeded, else the first failing part's status.</summary>
    private static async Task<int> FirstFailedPartStatusAsync(Response response, CancellationToken cancellationToken)
    {
        if (response.ContentStream is not { } stream)
        {
            return 0;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            var length = 0;
            int read;
            while ((read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false)) > 0)
            {
                length += read;
                if (length == buffer.Length)
                {
                    if (length >= MaxResponseBytes)
                    {
                        break;
                    }

                    var bigger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, length).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }
            }

            return FirstFailedStatus(buffer.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The first status line (<c>HTTP/1.1 NNN</c>) in a batch response that is not 2xx; 0 if none (no part at all is a failure: 500).</summary>
    internal static int FirstFailedStatus(ReadOnlySpan<byte> body)
    {
        var statusLine = "HTTP/1.1 "u8;
        var parts = 0;
        while (true)
        {
            var at = body.IndexOf(statusLine);
            if (at < 0 || body.Length < at + statusLine.Length + 3)
            {
                return parts > 0 ? 0 : 500;
            }

            var digits = body.Slice(at + statusLine.Length, 3);
            var status = ((digits[0] - '0') * 100) + ((digits[1] - '0') * 10) + (digits[2] - '0');
            if (status is < 200 or > 299)
            {
                return status;
            }

            parts++;
            body = body[(at + statusLine.Length + 3)..];
        }
    }

    private HttpMessage CreateMessage(RequestMethod method, string path)
    {
        var message = _pipeline.CreateMessage();
        message.NetworkTimeout = _tryTimeout;
        var request = message.Request;
        request.Method = method;
        var uri = new RequestUriBuilder();
        uri.Reset(_endpoint);
        uri.AppendPath("/" + path, escape: false);
        if (_sas is not null)
        {
            uri.Query = "?" + _sas;
        }

        request.Uri = uri;
        request.Headers.SetValue("x-ms-version", "2019-02-02");
        request.Headers.SetValue("x-ms-date", DateTimeOffset.UtcNow.ToString("r", System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.SetValue("DataServiceVersion", "3.0");
        request.Headers.SetValue("MaxDataServiceVersion", "3.0;NetFx");
        request.Headers.SetValue("Accept", "application/json;odata=minimalmetadata");
        return message;
    }

    private string AliasKey(string alias)
    {
        if (_aliasKeys.TryGetValue(alias, out var key))
        {
            return key;
        }

        key = UsageRecordKeys.AliasKey(alias);
        if (_aliasKeys.Count >= MaxAliasKeys)
        {
            // Aliases are few; a flood of unknown ones (each recorded) must not grow the cache without bound.
            _aliasKeys.Clear();
        }

        _aliasKeys.TryAdd(alias, key);
        return key;
    }
}
