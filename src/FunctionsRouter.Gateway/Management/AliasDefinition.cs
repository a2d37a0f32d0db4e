namespace FunctionsRouter.Gateway.Management;

/// <summary>
/// The body of <c>PUT /api/manage/aliases/{alias}</c> and of <c>aliases set --file</c>: the alias's whole target list,
/// replacing the one stored.
/// </summary>
/// <param name="Targets">1 to 64 targets with distinct names.</param>
public sealed record AliasDefinition(IReadOnlyList<AliasTargetView> Targets);
