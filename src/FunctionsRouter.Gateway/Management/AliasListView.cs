namespace FunctionsRouter.Gateway.Management;

/// <summary>Every alias of the alias table, by name.</summary>
public sealed record AliasListView(IReadOnlyList<AliasView> Aliases);
