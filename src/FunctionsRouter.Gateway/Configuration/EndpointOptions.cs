namespace FunctionsRouter.Gateway.Configuration;

/// <summary>
/// One upstream endpoint (<c>Router__Endpoints__&lt;name&gt;__…</c>). Endpoints live in settings, never in the alias table,
/// so that a table write cannot send the gateway's credentials elsewhere.
/// </summary>
public sealed class EndpointOptions
{
    /// <summary>
    /// The base URL: for <see cref="UpstreamApiKind.Models"/> e.g. <c>https://NAME.services.ai.azure.com/models</c>,
    /// for <see cref="UpstreamApiKind.OpenAI"/> e.g. <c>https://NAME.openai.azure.com/openai/v1</c>. Required.
    /// </summary>
    public string? Url { get; set; }

    /// <summary>Which wire API the endpoint speaks.</summary>
    /// <value>Default <c>models</c> (the Azure AI Model Inference API); or <c>openai</c> (OpenAI v1).</value>
    public string Api { get; set; } = "models";

    /// <summary>The <c>api-version</c> sent to a <c>models</c> endpoint (the caller's own value is not forwarded).</summary>
    /// <value>Default <c>2025-04-01</c>.</value>
    public string ApiVersion { get; set; } = "2025-04-01";

    /// <summary>An API key, sent as the <c>api-key</c> header. Without it the gateway uses Microsoft Entra ID.</summary>
    public string? Key { get; set; }
}
