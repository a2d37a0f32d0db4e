namespace FunctionsRouter.Cli.Callers;

/// <summary><c>callers delete --json</c>: which caller, and how many key rows went with it.</summary>
internal sealed record DeletedCallerView(string Id, bool Deleted, int KeysDeleted);
