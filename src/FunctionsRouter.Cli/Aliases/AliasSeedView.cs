namespace FunctionsRouter.Cli.Aliases;

/// <summary><c>aliases seed --json</c>: the table and what happened to each alias.</summary>
internal sealed record AliasSeedView(string Table, IReadOnlyList<AliasSeedView.Row> Aliases)
{
    /// <param name="Alias">The alias (partition key).</param>
    /// <param name="Deployment">The deployment its seeded row points at.</param>
    /// <param name="Seeded">True when the row was written; false when one was already there and was kept.</param>
    internal sealed record Row(string Alias, string Deployment, bool Seeded)
    {
        public static Row From(AliasSeedResult result) => new(result.Alias, result.Deployment, result.Outcome == AliasSeedOutcome.Inserted);
    }
}
