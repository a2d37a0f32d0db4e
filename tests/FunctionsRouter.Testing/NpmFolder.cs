using System.Diagnostics;

namespace FunctionsRouter.Testing;

/// <summary>A pinned npm folder under <c>tests/</c> (a <c>package.json</c> and its lock file).</summary>
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

        var psi = new ProcessStartInfo("npm")
        {
            ArgumentList = { "ci", "--no-audit", "--no-fund" },
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var npm = Process.Start(psi) ?? throw new InvalidOperationException("npm did not start.");
        var stdout = npm.StandardOutput.ReadToEndAsync();
        var stderr = npm.StandardError.ReadToEndAsync();
        await npm.WaitForExitAsync();
        if (npm.ExitCode != 0)
        {
            throw new InvalidOperationException($"npm ci in {folder} failed: {await stdout}{await stderr}");
        }
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
