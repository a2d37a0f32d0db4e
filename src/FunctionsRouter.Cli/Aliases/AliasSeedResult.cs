namespace FunctionsRouter.Cli.Aliases;

/// <summary>The outcome of seeding the alias of one model deployment.</summary>
/// <param name="Alias">The alias (partition key): the deployment name lower-cased.</param>
/// <param name="Deployment">The deployment the seeded row points at.</param>
/// <param name="Outcome">Whether the row was written or an existing one was kept.</param>
internal readonly record struct AliasSeedResult(string Alias, string Deployment, AliasSeedOutcome Outcome);
