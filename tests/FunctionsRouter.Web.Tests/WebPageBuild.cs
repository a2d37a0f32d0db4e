using FunctionsRouter.Testing;

namespace FunctionsRouter.Web.Tests;

/// <summary>The page's npm folder: installed from its lock file when needed, and built or unit-tested with its own scripts.</summary>
public static class WebPageBuild
{
    public static string Folder { get; } = Path.Combine(RepositoryRoot.Path, "src", "FunctionsRouter.Web");

    public static string Dist => Path.Combine(Folder, "dist");

    /// <summary>Runs <c>npm run &lt;script&gt;</c> in the page's folder (after <c>npm ci</c> if it never ran) and returns its output.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string script)
    {
        await NpmFolder.EnsureInstalledAsync(Folder, Path.Combine("esbuild", "package.json"));
        return await NpmFolder.RunAsync(Folder, "run", "--silent", script);
    }

    public static async Task BuildAsync()
    {
        var (exitCode, output) = await RunAsync("build");
        if (exitCode != 0) throw new InvalidOperationException($"npm run build failed: {output}");
    }
}
