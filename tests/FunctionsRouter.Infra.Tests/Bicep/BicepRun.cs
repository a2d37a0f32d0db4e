namespace FunctionsRouter.Infra.Tests.Bicep;

/// <summary>One run of the Bicep CLI.</summary>
internal sealed record BicepRun(int ExitCode, string StandardOutput, string StandardError)
{
    public override string ToString() =>
        $"exit {ExitCode}\nstderr:\n{StandardError}\nstdout:\n{(StandardOutput.Length > 2000 ? StandardOutput[..2000] + "..." : StandardOutput)}";
}
