namespace FunctionsRouter.Gateway.Callers;

/// <summary>Point reads of the caller table (<see cref="CallerTable"/>). Absent rows are <see langword="null"/>; failures throw.</summary>
internal interface ICallerStore
{
    Task<CallerKeyRecord?> GetKeyAsync(KeyHash hash, CancellationToken cancellationToken = default);

    Task<CallerRecord?> GetCallerAsync(string id, CancellationToken cancellationToken = default);
}
