namespace FunctionsRouter.Gateway.Configuration;

/// <summary>The wire API an upstream endpoint speaks.</summary>
public enum UpstreamApiKind
{
    /// <summary>Azure AI Model Inference API: <c>{url}/chat/completions?api-version={v}</c>.</summary>
    Models,

    /// <summary>OpenAI v1 (Azure OpenAI's <c>/openai/v1</c>, or any OpenAI-compatible server): <c>{url}/chat/completions</c>.</summary>
    OpenAI,
}
