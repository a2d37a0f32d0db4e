using Microsoft.Extensions.Configuration;

namespace FunctionsRouter.Gateway.Configuration;

/// <summary>Where the gateway's tables are: a connection string, or a service URI reached with Entra ID.</summary>
internal sealed record TableStorageLocation(string? ConnectionString, Uri? ServiceUri)
{
    /// <summary>The service key of the usage ledger's location (<see cref="TryResolveUsage"/>); the unkeyed one is the control tables'.</summary>
    public const string UsageKey = "usage";

    /// <summary>
    /// Resolves, in order: <c>Router__Storage__ConnectionString</c>, <c>Router__Storage__TableServiceUri</c>,
    /// <c>AzureWebJobsStorage</c> (connection string), <c>AzureWebJobsStorage__tableServiceUri</c>,
    /// <c>AzureWebJobsStorage__accountName</c>.
    /// </summary>
    public static bool TryResolve(StorageOptions storage, IConfiguration configuration, out TableStorageLocation location, out string error)
    {
        error = string.Empty;
        location = new TableStorageLocation(null, null);
        if (!string.IsNullOrWhiteSpace(storage.ConnectionString))
        {
            location = new TableStorageLocation(storage.ConnectionString, null);
            return true;
        }

        if (!string.IsNullOrWhiteSpace(storage.TableServiceUri))
        {
            return TryUri(storage.TableServiceUri, "Router__Storage__TableServiceUri", out location, out error);
        }

        var webJobs = configuration["AzureWebJobsStorage"];
        if (!string.IsNullOrWhiteSpace(webJobs))
        {
            location = new TableStorageLocation(webJobs, null);
            return true;
        }

        var webJobsUri = configuration["AzureWebJobsStorage:tableServiceUri"];
        if (!string.IsNullOrWhiteSpace(webJobsUri))
        {
            return TryUri(webJobsUri, "AzureWebJobsStorage__tableServiceUri", out location, out error);
        }

        var account = configuration["AzureWebJobsStorage:accountName"];
        if (!string.IsNullOrWhiteSpace(account))
        {
            return TryUri($"https://{account}.table.core.windows.net", "AzureWebJobsStorage__accountName", out location, out error);
        }

        error = "Table storage is not configured: set Router__Storage__ConnectionString, Router__Storage__TableServiceUri or AzureWebJobsStorage.";
        return false;
    }

    /// <summary>
    /// Where the usage ledger is: <c>Router__Usage__ConnectionString</c>, <c>Router__Usage__TableServiceUri</c>, else
    /// where the other tables are (<see cref="TryResolve"/>).
    /// </summary>
    public static bool TryResolveUsage(RouterOptions options, IConfiguration configuration, out TableStorageLocation location, out string error)
    {
        if (!string.IsNullOrWhiteSpace(options.Usage.ConnectionString))
        {
            error = string.Empty;
            location = new TableStorageLocation(options.Usage.ConnectionString, null);
            return true;
        }

        return !string.IsNullOrWhiteSpace(options.Usage.TableServiceUri)
            ? TryUri(options.Usage.TableServiceUri, "Router__Usage__TableServiceUri", out location, out error)
            : TryResolve(options.Storage, configuration, out location, out error);
    }

    private static bool TryUri(string value, string setting, out TableStorageLocation location, out string error)
    {
        if (Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp))
        {
            location = new TableStorageLocation(null, uri);
            error = string.Empty;
            return true;
        }

        location = new TableStorageLocation(null, null);
        error = $"{setting} '{value}' is not an absolute http(s) URL.";
        return false;
    }
}
