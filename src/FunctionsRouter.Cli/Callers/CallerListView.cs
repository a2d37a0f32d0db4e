namespace FunctionsRouter.Cli.Callers;

/// <summary><c>callers list --json</c>.</summary>
internal sealed record CallerListView(IReadOnlyList<CallerView> Callers);
