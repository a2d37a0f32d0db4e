namespace FunctionsRouter.Infra.Tests.Bicep;

[Collection(MainTemplateCollection.Name)]
public sealed class BicepCliTests(MainTemplateFixture main)
{
    [Fact]
    public void Build_MainTemplate_CompilesWithoutDiagnostics()
    {
        // Warnings go to stderr with exit code 0, so an empty stderr is the "no warnings" check.
        Assert.True(main.Build.ExitCode == 0 && main.Build.StandardError.Trim().Length == 0, main.Build.ToString());
    }

    [Fact]
    public async Task Lint_MainTemplateAndModules_ReportsNoErrorsOrWarnings()
    {
        // Linting main.bicep lints every module it references, with infra/bicepconfig.json's rule levels.
        var lint = await BicepCli.RunAsync(["lint", MainTemplateFixture.MainBicepPath, "--no-restore"]);

        Assert.True(
            lint.ExitCode == 0 && lint.StandardError.Trim().Length == 0 && lint.StandardOutput.Trim().Length == 0,
            lint.ToString());
    }

    [Fact]
    public async Task Lint_TemplateWithWarning_IsReported()
    {
        // Guards the two checks above: a warning must show up where they look for it.
        var folder = Directory.CreateTempSubdirectory("bicep-lint-");
        try
        {
            var file = Path.Combine(folder.FullName, "warning.bicep");
            await File.WriteAllTextAsync(file, "param unused string\n");

            var lint = await BicepCli.RunAsync(["lint", file, "--no-restore"]);

            Assert.Contains("no-unused-params", lint.StandardError + lint.StandardOutput, StringComparison.Ordinal);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
