using System.Diagnostics;

namespace FunctionsRouter.Testing;

/// <summary>A pinned npm folder (a <c>package.json</c> and its lock file): <c>tests/azurite</c>, <c>tests/clients</c>, the page in <c>src/FunctionsRouter.Web</c>.</summary>
public static class NpmFolder
{
    /// <summary>
    /// Runs <c>npm ci</c> in <paramref name="folder"/> when <paramref name="marker"/> (a path under its
    /// <c>node_modules</c>) is missing. A file lock serialises test assemblies that start at once.
    /// </summary>
    public static async Task EnsureInstalledAsync(string folder, string marker)
    {
        var markerPath = Path.Combine(folder, "node_modules", marker);
        if (File.Exists(markerPath)) return;

        await using var gate = await AcquireLockAsync(Path.Combine(folder, ".install.lock"));
        if (File.Exists(markerPath)) return;

        var (exitCode, output) = await RunAsync(folder, "ci", "--no-audit", "--no-fund");
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"npm ci in {folder} failed: {output}");
        }
    }

    /// <summary>Runs npm with the given arguments in <paramref name="folder"/> and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string folder, params string[] arguments)
    {
        var psi = new ProcessStartInfo("npm")
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            psi.ArgumentList.Add(argument);
        }

        using var npm = Process.Start(psi) ?? throw new InvalidOperationException("npm did not start.");
        var stdout = npm.StandardOutput.ReadToEndAsync();
        var stderr = npm.StandardError.ReadToEndAsync();
        await npm.WaitForExitAsync();
        return (npm.ExitCode, await stdout + await stderr);
    }

    private static async Task<FileStream> AcquireLockAsync(string path)
    {
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(500);
            }
        }
    }
}
