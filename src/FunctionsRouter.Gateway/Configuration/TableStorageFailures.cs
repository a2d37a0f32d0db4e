namespace FunctionsRouter.Gateway.Configuration;

/// <summary>
/// The exceptions a Table Storage call throws when storage cannot be reached or refuses (status codes, network, auth
/// token, timeouts): the ones the gateway rides out on cached state instead of failing requests.
/// </summary>
internal static class TableStorageFailures
{
    public static bool IsStorageFailure(Exception ex) =>
        ex is Azure.RequestFailedException or IOException or HttpRequestException or AggregateException or TimeoutException
            or OperationCanceledException or Azure.Identity.AuthenticationFailedException;
}
