namespace FunctionsRouter.Gateway.Limits;

/// <summary>What admission counted for a request, so that its real usage can replace the estimate when it ends.</summary>
internal readonly struct LimitTicket(LimitBudget[] budgets, string alias, LimitInstant admitted, long estimate, bool countsTokens)
{
    /// <summary>The limits that bound the request; <see langword="null"/> when none did (nothing to settle).</summary>
    public LimitBudget[]? Budgets { get; } = budgets;

    public string Alias { get; } = alias;

    public LimitInstant Admitted { get; } = admitted;

    /// <summary>The tokens counted at admission.</summary>
    public long Estimate { get; } = estimate;

    /// <summary>Whether some limit that binds the request counts tokens (otherwise tokens are not counted at all).</summary>
    public bool CountsTokens { get; } = countsTokens;
}
