using Azure;
using Azure.Data.Tables;

namespace FunctionsRouter.Cli.Tests.Aliases;

/// <summary>
/// A real (Azurite) table whose first inserts are refused with 403, as Table Storage does while a fresh role assignment
/// propagates; the only fault that Azurite cannot produce on demand.
/// </summary>
internal sealed class ForbiddenFirstTableClient(TableClient inner, int forbiddenInserts) : TableClient
{
    public int InsertAttempts { get; private set; }

    public override Task<Response<Azure.Data.Tables.Models.TableItem>> CreateIfNotExistsAsync(CancellationToken cancellationToken = default) =>
        inner.CreateIfNotExistsAsync(cancellationToken);

    public override Task<Response> AddEntityAsync<T>(T entity, CancellationToken cancellationToken = default)
    {
        InsertAttempts++;
        if (InsertAttempts <= forbiddenInserts)
        {
            throw new RequestFailedException(403, "This request is not authorized to perform this operation using this permission.", "AuthorizationPermissionMismatch", null);
        }

        return inner.AddEntityAsync(entity, cancellationToken);
    }

    public override Task<Response<T>> GetEntityAsync<T>(string partitionKey, string rowKey, IEnumerable<string>? select = null, CancellationToken cancellationToken = default) =>
        inner.GetEntityAsync<T>(partitionKey, rowKey, select, cancellationToken);
}
