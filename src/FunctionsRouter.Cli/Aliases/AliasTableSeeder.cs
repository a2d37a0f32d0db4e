using Azure;
using Azure.Data.Tables;

namespace FunctionsRouter.Cli.Aliases;

/// <summary>
/// Writes the default alias row of each model deployment into the alias table, only where that row does not exist:
/// an insert, never an upsert, so a row an admin changed (or an earlier run wrote) is kept as it is.
/// </summary>
/// <param name="table">The alias table.</param>
/// <param name="log">Where progress notes (permission retries) go.</param>
/// <param name="permissionRetryDelay">Wait between attempts after a 403.</param>
/// <param name="permissionAttempts">
/// Attempts per operation while the service answers 403, as it does until a fresh role assignment has propagated.
/// </param>
internal sealed class AliasTableSeeder(TableClient table, TextWriter log, TimeSpan permissionRetryDelay, int permissionAttempts)
{
    /// <summary>Seeds the alias of each deployment, in order, and says for each whether it was written or kept.</summary>
    public async Task<IReadOnlyList<AliasSeedResult>> SeedAsync(
        IReadOnlyList<string> deploymentNames,
        CancellationToken cancellationToken = default)
    {
        await RetryWhileForbiddenAsync(table.CreateIfNotExistsAsync, cancellationToken);

        var results = new List<AliasSeedResult>(deploymentNames.Count);
        foreach (var deploymentName in deploymentNames)
        {
            var row = DefaultAliasRow.Create(deploymentName);
            var outcome = await RetryWhileForbiddenAsync(ct => InsertAsync(row, ct), cancellationToken);
            results.Add(new AliasSeedResult(row.PartitionKey, deploymentName, outcome));
        }

        return results;
    }

    private async Task<AliasSeedOutcome> InsertAsync(TableEntity row, CancellationToken cancellationToken)
    {
        try
        {
            await table.AddEntityAsync(row, cancellationToken);
            return AliasSeedOutcome.Inserted;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return AliasSeedOutcome.AlreadyPresent;
        }
    }

    private async Task<T> RetryWhileForbiddenAsync<T>(Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await operation(cancellationToken);
            }
            catch (RequestFailedException ex) when (ex.Status == 403 && attempt < permissionAttempts)
            {
                await log.WriteLineAsync(
                    $"Table storage answered 403 ({ex.ErrorCode}); the role assignment may still be propagating. " +
                    $"Attempt {attempt} of {permissionAttempts}, next in {permissionRetryDelay.TotalSeconds:0} s.");
                await Task.Delay(permissionRetryDelay, cancellationToken);
            }
        }
    }
}
