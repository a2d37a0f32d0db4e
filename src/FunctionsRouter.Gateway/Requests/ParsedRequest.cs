namespace FunctionsRouter.Gateway.Requests;

/// <summary>
/// What the gateway reads from a request body, and where: byte offsets into the body, so that it can be rewritten by
/// splicing (everything else the caller sent passes byte for byte).
/// </summary>
internal sealed class ParsedRequest
{
    /// <summary>The offset just after the top-level <c>{</c>.</summary>
    public int ObjectContentStart { get; set; }

    /// <summary>How many properties the top-level object has.</summary>
    public int PropertyCount { get; set; }

    /// <summary>The body's <c>model</c>, unescaped; <see langword="null"/> when absent or JSON null.</summary>
    public string? Model { get; set; }

    /// <summary>The <c>model</c> value's byte range (quotes included); start is -1 when the body has no <c>model</c>.</summary>
    public int ModelStart { get; set; } = -1;

    public int ModelEnd { get; set; } = -1;

    /// <summary>The body's <c>stream</c> is <see langword="true"/>.</summary>
    public bool Stream { get; set; }

    /// <summary>
    /// The gateway adds <c>stream_options.include_usage: true</c> for the upstream: a chat stream whose caller did not ask
    /// for usage. (The Responses API always reports usage in its last event and has no such option.)
    /// </summary>
    public bool AddStreamUsage { get; set; }

    /// <summary>The body's <c>previous_response_id</c> (Responses API); <see langword="null"/> when absent or JSON null.</summary>
    public string? PreviousResponseId { get; set; }

    /// <summary>The caller set <c>stream_options.include_usage: true</c> itself.</summary>
    public bool CallerRequestedUsage { get; set; }

    /// <summary>The <c>stream_options</c> value's byte range; start is -1 when absent.</summary>
    public int StreamOptionsStart { get; set; } = -1;

    public int StreamOptionsEnd { get; set; } = -1;

    /// <summary><c>stream_options</c> is JSON null.</summary>
    public bool StreamOptionsIsNull { get; set; }

    /// <summary>How many properties <c>stream_options</c> has.</summary>
    public int StreamOptionsPropertyCount { get; set; }

    /// <summary>The <c>stream_options.include_usage</c> value's byte range; start is -1 when absent.</summary>
    public int IncludeUsageStart { get; set; } = -1;

    public int IncludeUsageEnd { get; set; } = -1;
}
