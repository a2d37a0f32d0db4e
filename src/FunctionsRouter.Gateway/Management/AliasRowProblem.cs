namespace FunctionsRouter.Gateway.Management;

/// <summary>A row of the alias table that the gateway cannot use (edited by hand, say): which row, and what is wrong.</summary>
/// <param name="Row">The row's RowKey (the target name).</param>
/// <param name="Problem">What is wrong with it; the gateway skips the row until it is fixed.</param>
public sealed record AliasRowProblem(string Row, string Problem);
