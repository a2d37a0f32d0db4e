namespace FunctionsRouter.Gateway.Requests;

/// <summary>What a caller asks the model to do; names the upstream path.</summary>
public enum GatewayOperation
{
    /// <summary><c>/chat/completions</c>.</summary>
    ChatCompletions,

    /// <summary><c>/embeddings</c>.</summary>
    Embeddings,

    /// <summary><c>/responses</c>: the OpenAI Responses API (OpenAI v1 endpoints only).</summary>
    Responses,
}
