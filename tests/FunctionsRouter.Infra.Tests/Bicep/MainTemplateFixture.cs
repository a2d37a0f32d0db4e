using System.Text.Json.Nodes;
using FunctionsRouter.Testing;

namespace FunctionsRouter.Infra.Tests.Bicep;

/// <summary>
/// Compiles <c>infra/main.bicep</c> once with the real Bicep CLI (no restore: nothing may need the network) and keeps
/// the run and the ARM JSON for the tests of <see cref="MainTemplateCollection"/>.
/// </summary>
public sealed class MainTemplateFixture : IAsyncLifetime
{
    public static string InfraFolder { get; } = Path.Combine(RepositoryRoot.Path, "infra");

    public static string MainBicepPath { get; } = Path.Combine(InfraFolder, "main.bicep");

    internal BicepRun Build { get; private set; } = new(-1, "", "");

    /// <summary>The compiled template; throws with the CLI's output when the build failed.</summary>
    public JsonObject Template => _template ?? throw new InvalidOperationException($"main.bicep did not compile:\n{Build}");

    private JsonObject? _template;

    public async Task InitializeAsync()
    {
        Build = await BicepCli.RunAsync(["build", MainBicepPath, "--stdout", "--no-restore"]);
        if (Build.ExitCode == 0)
        {
            _template = JsonNode.Parse(Build.StandardOutput)?.AsObject();
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;
}
