namespace FunctionsRouter.Gateway.Upstream;

/// <summary>No Microsoft Entra ID token for the upstream could be had in time: the endpoint cannot be called.</summary>
internal sealed class UpstreamCredentialException(Exception? innerException)
    : Exception("No Microsoft Entra ID token for the upstream could be obtained.", innerException);
