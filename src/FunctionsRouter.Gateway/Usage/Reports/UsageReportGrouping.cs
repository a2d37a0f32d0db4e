namespace FunctionsRouter.Gateway.Usage.Reports;

/// <summary>What one line of a usage report stands for (<c>groupBy</c>).</summary>
public enum UsageReportGrouping
{
    /// <summary>One line per UTC day.</summary>
    Day,

    /// <summary>One line per caller id.</summary>
    Caller,

    /// <summary>One line per alias.</summary>
    Alias,

    /// <summary>One line per deployment (endpoint and deployment name); requests that reached none share a line with both empty.</summary>
    Deployment,
}
