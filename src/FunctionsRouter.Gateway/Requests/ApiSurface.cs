namespace FunctionsRouter.Gateway.Requests;

/// <summary>Which caller-facing API a request came in on.</summary>
public enum ApiSurface
{
    /// <summary><c>/api/models/…</c>: the Azure AI Model Inference API (Azure.AI.Inference SDK).</summary>
    Models,

    /// <summary><c>/api/v1/…</c>: the OpenAI-compatible API (OpenAI SDKs).</summary>
    OpenAI,
}
