namespace FunctionsRouter.Gateway.Configuration;

/// <summary>Caller limits across instances (<c>Router__Limits__…</c>); the limits themselves are on each caller's row.</summary>
public sealed class LimitsOptions
{
    /// <summary>
    /// How often an instance with limited traffic merges what it admitted into the shared count table and reads what the
    /// others admitted (<c>Router__Limits__SyncInterval</c>). The bound on how far N instances can go over a limit grows
    /// with it (README, "Limits").
    /// </summary>
    /// <value>Default 1 second; from 100 milliseconds to 1 minute.</value>
    public TimeSpan SyncInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The output tokens reserved for a request that sets none of <c>max_tokens</c>, <c>max_completion_tokens</c>,
    /// <c>max_output_tokens</c> (<c>Router__Limits__DefaultOutputTokens</c>), until its real usage replaces the estimate.
    /// </summary>
    /// <value>Default 1,000; from 0 to 1,000,000.</value>
    public long DefaultOutputTokens { get; set; } = 1_000;

    /// <summary>The shared table of request and token counts (<c>Router__Limits__CountTable</c>).</summary>
    /// <value>Default <c>CallerUsageCounts</c>; 3–63 letters and digits, starting with a letter.</value>
    public string CountTable { get; set; } = "CallerUsageCounts";
}
