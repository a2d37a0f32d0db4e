namespace FunctionsRouter.Gateway.Management;

/// <summary>A deleted alias, and how many target rows went with it.</summary>
public sealed record DeletedAliasView(string Alias, bool Deleted, int TargetsDeleted);
