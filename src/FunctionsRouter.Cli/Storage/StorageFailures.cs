using Azure;
using Azure.Identity;
using FunctionsRouter.Gateway.Configuration;

namespace FunctionsRouter.Cli.Storage;

/// <summary>Turns what a table call threw into one line an admin can act on (never with a key in it).</summary>
internal static class StorageFailures
{
    /// <summary>
    /// Whether <paramref name="exception"/> is a storage or sign-in failure (rather than a bug), and if so what to say:
    /// the same exceptions the gateway rides out (<see cref="TableStorageFailures"/>), each with a line that says what to do.
    /// </summary>
    public static bool TryDescribe(Exception exception, string tableName, TimeSpan networkTimeout, CancellationToken cancellationToken, out string message)
    {
        message = string.Empty;
        if (!TableStorageFailures.IsStorageFailure(exception))
        {
            return false;
        }

        switch (exception)
        {
            // The SDK's retry policy throws every try's failure together once it gives up; the last one says most.
            case AggregateException { InnerExceptions.Count: > 0 } aggregate:
                return TryDescribe(aggregate.InnerExceptions[^1], tableName, networkTimeout, cancellationToken, out message);
            case RequestFailedException { Status: 0 } unreachable:
                message = $"Could not reach Table Storage for table {tableName}: {unreachable.InnerException?.Message ?? unreachable.Message}";
                return true;
            case RequestFailedException { Status: 403 } forbidden:
                message = $"Table storage refused the request: 403 {forbidden.ErrorCode}. The signed-in identity needs Storage Table Data " +
                          "Contributor on the storage account (infra grants it to AZURE_PRINCIPAL_ID).";
                return true;
            case RequestFailedException failed:
                message = $"Table storage refused the request: {failed.Status} {failed.ErrorCode}. Check the table endpoint and name ({tableName}).";
                return true;
            case AuthenticationFailedException signIn:
                message = $"Could not get a token for Table Storage; sign in with `azd auth login` (or `az login`). {signIn.Message}";
                return true;
            case IOException or HttpRequestException or TimeoutException:
                message = $"Could not reach Table Storage for table {tableName}: {exception.Message}";
                return true;
            case OperationCanceledException when !cancellationToken.IsCancellationRequested:
                message = $"Table storage did not answer within {networkTimeout.TotalSeconds:0.#} s, {TableStorageTimeouts.MaxRetries + 1} tries (table {tableName}).";
                return true;
            default:
                return false;
        }
    }
}
