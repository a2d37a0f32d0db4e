namespace FunctionsRouter.Gateway.Usage.Reports;

/// <summary>
/// One group of a usage report, summed from the rollup: the group's key (only the fields of the grouping are set), and
/// its requests, errors (status 400 or more), tokens and cost. <see cref="Cost"/> covers the <see cref="PricedRequests"/>
/// requests whose target had a price, and is absent when none had one.
/// </summary>
public sealed record UsageReportLine
{
    public string? Day { get; init; }

    public string? Caller { get; init; }

    public string? Alias { get; init; }

    public string? Endpoint { get; init; }

    public string? Deployment { get; init; }

    public long Requests { get; init; }

    public long Errors { get; init; }

    public long PromptTokens { get; init; }

    public long CompletionTokens { get; init; }

    public long TotalTokens { get; init; }

    public long CachedTokens { get; init; }

    public long PricedRequests { get; init; }

    public decimal? Cost { get; init; }
}
