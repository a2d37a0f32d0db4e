namespace FunctionsRouter.Gateway.Management;

/// <summary>A deleted caller, and how many key rows went with it.</summary>
public sealed record DeletedCallerView(string Id, bool Deleted, int KeysDeleted);
