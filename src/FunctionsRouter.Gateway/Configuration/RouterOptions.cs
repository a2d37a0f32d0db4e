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

    /// <summary>
    /// The usage rollup table (<c>Router__UsageRollupTable</c>): requests, errors, tokens and cost per caller, alias,
    /// deployment and UTC day, kept by the usage writer; usage reports read it instead of the usage table.
    /// </summary>
    /// <value>Default <c>UsageRollup</c>; a valid table name (3–63 letters and digits, starting with a letter).</value>
    [Required]
    [RegularExpression("^[A-Za-z][A-Za-z0-9]{2,62}$", ErrorMessage = "Router__UsageRollupTable must be 3-63 letters and digits, starting with a letter.")]
    public string UsageRollupTable { get; set; } = "UsageRollup";

    /// <summary>
    /// The table of response affinity (<c>Router__ResponsesTable</c>): which deployment holds each Responses API response
    /// the gateway relayed, for 30 days.
    /// </summary>
    /// <value>Default <c>ResponseAffinity</c>; a valid table name (3–63 letters and digits, starting with a letter).</value>
    [Required]
    [RegularExpression("^[A-Za-z][A-Za-z0-9]{2,62}$", ErrorMessage = "Router__ResponsesTable must be 3-63 letters and digits, starting with a letter.")]
    public string ResponsesTable { get; set; } = "ResponseAffinity";

    /// <summary>
    /// How long a loaded alias catalog is trusted (<c>Router__AliasCacheTtl</c>): from half of it on it is re-read in the
    /// background while requests are served the catalog held (see <see cref="MaxStaleness"/>).
    /// </summary>
    /// <value>Default 30 seconds; from 1 second to 1 hour.</value>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan AliasCacheTtl { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The longest a request waits on a read of the alias table or of response affinity (<c>Router__TableWaitTimeout</c>),
    /// which happens only with nothing usable cached (a cold start, a catalog past <see cref="MaxStaleness"/>) or right
    /// after this instance changed the catalog. Past it the catalog held is served if it may be, else 503
    /// <c>alias_catalog_unavailable</c>; the read goes on in the background, up to <see cref="TableOperationTimeout"/>.
    /// </summary>
    /// <value>Default 2 seconds; from 50 milliseconds to 30 seconds, and at most <see cref="TableOperationTimeout"/>.</value>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:00:30")]
    public TimeSpan TableWaitTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long any one Table Storage operation of the gateway may take before it is abandoned
    /// (<c>Router__TableOperationTimeout</c>): each try of a call, and a whole catalog read or health write. Well under
    /// the SDK's 100-second default, so that a hung storage account costs seconds, not minutes.
    /// </summary>
    /// <value>Default 10 seconds; from 1 second to 2 minutes.</value>
    [Range(typeof(TimeSpan), "00:00:01", "00:02:00")]
    public TimeSpan TableOperationTimeout { get; set; } = TimeSpan.FromSeconds(10);

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

    /// <summary>
    /// How much memory usage records not yet in the table may hold (<c>Router__UsageQueueBytes</c>): those queued, and
    /// those the writer holds through a table outage. At about 650 bytes a record (estimated generously), the default
    /// keeps about 400,000 records: a minute at 6,500 requests/s, more than one instance serves. Beyond it a record is
    /// logged in full and counted as dropped.
    /// </summary>
    /// <value>Default 256 MiB; from 1 MiB to 8 GiB.</value>
    [Range(1L << 20, 8L << 30)]
    public long UsageQueueBytes { get; set; } = 256L << 20;

    /// <summary>
    /// How long the usage writer lets records gather before a write (<c>Router__UsageBatchLinger</c>), so that a
    /// transaction carries many rows. Shutdown does not wait for it.
    /// </summary>
    /// <value>Default 1 second; from zero (write at once) to 10 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:10")]
    public TimeSpan UsageBatchLinger { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The currency of the prices on alias targets, and so of every cost in usage rows and reports (<c>Router__Currency</c>).
    /// The gateway converts nothing: it names the currency the admins wrote the prices in.
    /// </summary>
    /// <value>Default <c>USD</c>; an ISO 4217 code, three capital letters.</value>
    [Required]
    [RegularExpression("^[A-Z]{3}$", ErrorMessage = "Router__Currency must be an ISO 4217 currency code: three capital letters, such as USD or EUR.")]
    public string Currency { get; set; } = "USD";

    /// <summary>The shared table of deployment cooldowns and open circuits (<c>Router__HealthTable</c>).</summary>
    /// <value>Default <c>DeploymentHealth</c>.</value>
    [Required]
    public string HealthTable { get; set; } = "DeploymentHealth";

    /// <summary>
    /// How often an instance re-reads the health table to learn cooldowns other instances wrote
    /// (<c>Router__HealthRefreshInterval</c>). Cooldowns this instance learns apply to it at once.
    /// </summary>
    /// <value>Default 2 seconds; from 100 milliseconds to 1 minute.</value>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan HealthRefreshInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How many upstream attempts one request may make, failovers included (<c>Router__MaxAttempts</c>).</summary>
    /// <value>Default 3; from 1 (no failover) to 10.</value>
    [Range(1, 10)]
    public int MaxAttempts { get; set; } = 3;

    /// <summary>
    /// No further failover attempt starts once this much time has passed since the request arrived
    /// (<c>Router__FailoverDeadline</c>). Each attempt itself is bounded by <see cref="UpstreamIdleTimeout"/>.
    /// </summary>
    /// <value>Default 60 seconds; from 1 second to 30 minutes.</value>
    [Range(typeof(TimeSpan), "00:00:01", "00:30:00")]
    public TimeSpan FailoverDeadline { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long a deployment that answered 429 or 503 without saying when to come back is skipped
    /// (<c>Router__DefaultCooldown</c>).
    /// </summary>
    /// <value>Default 10 seconds; from 1 second to 10 minutes.</value>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan DefaultCooldown { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The longest cooldown taken from an upstream's <c>retry-after</c> or rate-limit headers (<c>Router__MaxCooldown</c>);
    /// longer ones are cut to this.
    /// </summary>
    /// <value>Default 5 minutes; from 1 second to 1 hour.</value>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan MaxCooldown { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How many failures in a row (5xx other than 503, timeouts, connection failures) open a deployment's circuit
    /// (<c>Router__CircuitBreakerThreshold</c>), provided they are the deployment's fault: the run holds failures of at
    /// least two callers, or ends in a connection failure. Counted per instance; the open circuit is shared.
    /// </summary>
    /// <value>Default 5; from 1 to 100.</value>
    [Range(1, 100)]
    public int CircuitBreakerThreshold { get; set; } = 5;

    /// <summary>How long an open circuit keeps a deployment out of rotation (<c>Router__CircuitBreakerDuration</c>).</summary>
    /// <value>Default 30 seconds; from 1 second to 1 hour.</value>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan CircuitBreakerDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How often an open circuit lets one request through to the deployment as a probe (<c>Router__CircuitBreakerProbeInterval</c>),
    /// the first this long after it opened: an answer closes the circuit, a failure keeps it open for another
    /// <see cref="CircuitBreakerDuration"/>. So a deployment that comes back is used again within about this time.
    /// </summary>
    /// <value>Default 5 seconds; from 100 milliseconds to 10 minutes, and at most <see cref="CircuitBreakerDuration"/>.</value>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan CircuitBreakerProbeInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// When every deployment of an alias is cooling down and the shortest cooldown ends within this time, wait for it
    /// instead of answering 429 <c>all_deployments_busy</c> (<c>Router__AllBusyMaxWait</c>).
    /// </summary>
    /// <value>Default zero (off: answer 429 at once); up to 30 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:30")]
    public TimeSpan AllBusyMaxWait { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// Lets requests without any credential through as caller <c>anonymous</c> with every alias
    /// (<c>Router__AllowAnonymous</c>), for local experiments. Requests that carry a credential are still checked.
    /// </summary>
    /// <value>Default <see langword="false"/>: a request without a credential gets 401.</value>
    public bool AllowAnonymous { get; set; }

    /// <summary>The caller table: callers, their keys' hashes, Entra principals and app roles (<c>Router__CallerTable</c>).</summary>
    /// <value>Default <c>Callers</c>.</value>
    [Required]
    public string CallerTable { get; set; } = Callers.CallerTable.DefaultName;

    /// <summary>
    /// The audit trail of management changes to aliases and callers (<c>Router__AuditTable</c>): who, when, the request
    /// id, before and after (see <see cref="Management.AuditStore"/>).
    /// </summary>
    /// <value>Default <c>AliasAudit</c>.</value>
    [RegularExpression("^[A-Za-z][A-Za-z0-9]{2,62}$", ErrorMessage = "Router__AuditTable must be 3-63 letters and digits, starting with a letter.")]
    public string AuditTable { get; set; } = Management.AuditStore.DefaultName;

    /// <summary>
    /// The longest a management call (<c>/api/manage/…</c>) may spend on Table Storage, all its reads and writes together
    /// (<c>Router__ManagementTimeout</c>); past it the call answers 503 <c>management_store_unavailable</c>.
    /// </summary>
    /// <value>Default 30 seconds; from 1 second to 2 minutes.</value>
    [Range(typeof(TimeSpan), "00:00:01", "00:02:00")]
    public TimeSpan ManagementTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a caller or key read from the caller table is trusted (<c>Router__CallerCacheTtl</c>). From half of it
    /// on, a request that uses the row starts a re-read in the background and is served the cached row meanwhile, so a
    /// change to a caller (disabled, rotated, granted) is seen within this time under steady traffic and, for a caller
    /// idle longer, as soon as the re-read its next request starts has answered. An unknown key costs one table read per period.
    /// </summary>
    /// <value>Default 30 seconds; from 1 second to 5 minutes.</value>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan CallerCacheTtl { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The longest a request waits on a caller-table read or on the token issuer's metadata when nothing usable is cached
    /// (<c>Router__CallerLookupTimeout</c>); past it the request gets 503. A cached row never makes a request wait: it is
    /// re-read in the background (see <see cref="MaxStaleness"/>).
    /// </summary>
    /// <value>Default 2 seconds; from 100 milliseconds to 30 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:00:30")]
    public TimeSpan CallerLookupTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How old a cached caller row, key, alias catalog or response affinity may grow while the table cannot be read
    /// (<c>Router__MaxStaleness</c>). A value held is served at once whatever its age up to this, while a background
    /// read refreshes it; past it, a value that could not be refreshed is dropped and the request waits as on a cold
    /// start (503 when the table still does not answer). So it bounds how long a disabled caller or a removed key stays
    /// admitted, and an edited alias keeps its old targets, while the table does not answer.
    /// </summary>
    /// <value>Default 5 minutes; from 1 minute to 7 days, and at least <see cref="CallerCacheTtl"/> and <see cref="AliasCacheTtl"/>.</value>
    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00")]
    public TimeSpan MaxStaleness { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Microsoft Entra ID tokens (<c>Router__Entra__…</c>).</summary>
    public EntraOptions Entra { get; set; } = new();

    /// <summary>Caller limits across instances (<c>Router__Limits__…</c>).</summary>
    public LimitsOptions Limits { get; set; } = new();

    /// <summary>Browser access (<c>Router__Cors__…</c>).</summary>
    public CorsOptions Cors { get; set; } = new();

    /// <summary>The model endpoints, by name (<c>Router__Endpoints__&lt;name&gt;__…</c>). Alias rows name one of these.</summary>
    public Dictionary<string, EndpointOptions> Endpoints { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Where the gateway's tables are (<c>Router__Storage__…</c>).</summary>
    public StorageOptions Storage { get; set; } = new();

    /// <summary>
    /// A storage account of the usage ledger's own (<c>Router__Usage__ConnectionString</c> or
    /// <c>Router__Usage__TableServiceUri</c>), so that its writes cannot throttle the caller and alias reads. Unset: the
    /// ledger is in the account of <see cref="Storage"/> (it always has connections of its own).
    /// </summary>
    public StorageOptions Usage { get; set; } = new();
}
