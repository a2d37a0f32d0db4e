namespace FunctionsRouter.Cli.Aliases;

/// <summary>What seeding did for one alias.</summary>
internal enum AliasSeedOutcome
{
    /// <summary>The row did not exist and was written.</summary>
    Inserted,

    /// <summary>A row was already there (seeded earlier or set by an admin) and was left untouched.</summary>
    AlreadyPresent,
}
