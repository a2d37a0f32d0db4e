namespace FunctionsRouter.Gateway.Requests;

/// <summary>Which caller-facing API a request came in on.</summary>
public enum ApiSurface
{
    /// <summary><c>/api/models/…</c>: the Azure AI Model Inference API (Azure.AI.Inference SDK).</summary>
    Models,

    /// <summary><c>/api/v1/…</c>: the OpenAI-compatible API (OpenAI SDKs).</summary>
    OpenAI,

    /// <summary>
    /// <c>/api/openai/deployments/{alias}/…</c>: the Azure OpenAI deployment URL (AzureOpenAI clients). The alias is the
    /// path segment; the body's <c>model</c>, if any, is not read.
    /// </summary>
    AzureOpenAIDeployment,
}
