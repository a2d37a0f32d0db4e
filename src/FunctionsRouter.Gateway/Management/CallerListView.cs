namespace FunctionsRouter.Gateway.Management;

/// <summary>Every caller; <paramref name="Problems"/> names each caller row that could not be read (absent when none).</summary>
public sealed record CallerListView(IReadOnlyList<CallerView> Callers, IReadOnlyList<string>? Problems = null);
