using System.ComponentModel.DataAnnotations;

namespace FunctionsRouter.Gateway.Configuration;

/// <summary>
/// The gateway's settings, bound from the <c>Router</c> section (app settings <c>Router__…</c>).
/// Validated at start by <see cref="RouterOptionsValidator"/>; a bad value stops the host with a message naming it.
/// </summary>
public sealed class RouterOptions
{
    public const string SectionName = "Router";

    /// <summary>The alias table (<c>Router__AliasTable</c>).</summary>
    /// <value>Default <c>ModelAliases</c>.</value>
    [Required]
    public string AliasTable { get; set; } = "ModelAliases";

    /// <summary>The usage ledger table (<c>Router__UsageTable</c>).</summary>
    /// <value>Default <c>UsageRecords</c>.</value>
    [Required]
    public string UsageTable { get; set; } = "UsageRecords";

    /// <summary>How long a loaded alias catalog is served before it is read again (<c>Router__AliasCacheTtl</c>).</summary>
    /// <value>Default 30 seconds; from 1 second to 1 hour.</value>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan AliasCacheTtl { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The largest request body accepted (<c>Router__MaxRequestBodyBytes</c>); larger ones get 413.</summary>
    /// <value>Default 16 MiB (inline images are large); from 1 KiB to 100 MiB (the Functions host's own limit).</value>
    [Range(1024L, 100L * 1024 * 1024)]
    public long MaxRequestBodyBytes { get; set; } = 16L * 1024 * 1024;

    /// <summary>
    /// How long the upstream may stay silent (<c>Router__UpstreamIdleTimeout</c>): until its response headers arrive,
    /// and then between two reads of its body. Progress resets it; expiry answers 504 (or ends a started stream).
    /// </summary>
    /// <value>Default 120 seconds (a non-streamed completion sends nothing until it is whole); from 1 second to 30 minutes.</value>
    [Range(typeof(TimeSpan), "00:00:01", "00:30:00")]
    public TimeSpan UpstreamIdleTimeout { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>How many usage records may wait for the table writer (<c>Router__UsageQueueCapacity</c>).</summary>
    /// <value>Default 10,000; from 100 to 1,000,000. When full, a record is logged and counted as dropped.</value>
    [Range(100, 1_000_000)]
    public int UsageQueueCapacity { get; set; } = 10_000;

    /// <summary>The model endpoints, by name (<c>Router__Endpoints__&lt;name&gt;__…</c>). Alias rows name one of these.</summary>
    public Dictionary<string, EndpointOptions> Endpoints { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Where the gateway's tables are (<c>Router__Storage__…</c>).</summary>
    public StorageOptions Storage { get; set; } = new();
}
