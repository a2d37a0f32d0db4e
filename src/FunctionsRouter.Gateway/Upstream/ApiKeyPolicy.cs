using Azure.Core;
using Azure.Core.Pipeline;

namespace FunctionsRouter.Gateway.Upstream;

/// <summary>Sends an endpoint's key as the <c>api-key</c> header (Azure.Core's own key policy is internal).</summary>
internal sealed class ApiKeyPolicy(string key) : HttpPipelineSynchronousPolicy
{
    public override void OnSendingRequest(HttpMessage message) => message.Request.Headers.SetValue("api-key", key);
}
