using System.Diagnostics;
using System.Reflection;

namespace FunctionsRouter.Infra.Tests.Bicep;

/// <summary>
/// Runs the real Bicep CLI from the <c>Azure.Bicep.CommandLine.linux-x64</c> NuGet package, located through the
/// package's own <c>$(BicepPath)</c> MSBuild property (recorded in this assembly's metadata at build time).
/// </summary>
internal static class BicepCli
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    public static string ExecutablePath { get; } = Locate();

    public static async Task<BicepRun> RunAsync(IEnumerable<string> arguments, CancellationToken cancellationToken = default)
    {
        var startInfo = new ProcessStartInfo(ExecutablePath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = FunctionsRouter.Testing.RepositoryRoot.Path,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"{ExecutablePath} did not start.");
        var standardOutput = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var standardError = process.StandardError.ReadToEndAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"bicep {string.Join(' ', startInfo.ArgumentList)} did not finish within {Timeout}.");
        }

        return new BicepRun(process.ExitCode, await standardOutput, await standardError);
    }

    private static string Locate()
    {
        var recorded = typeof(BicepCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .SingleOrDefault(a => a.Key == "BicepPath")?.Value;
        if (string.IsNullOrEmpty(recorded))
        {
            throw new InvalidOperationException(
                "The build recorded no BicepPath: is the Azure.Bicep.CommandLine.linux-x64 package restored?");
        }

        // The package's props build the path with '\'; on Linux that is a file name character, not a separator.
        var path = OperatingSystem.IsWindows() ? recorded : recorded.Replace('\\', '/');
        path = Path.GetFullPath(path);
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"The Bicep CLI is not at {path}; run `dotnet restore`.");
        }

        // NuGet does not always keep the executable bit when it extracts a package.
        if (!OperatingSystem.IsWindows())
        {
            var mode = File.GetUnixFileMode(path);
            if (!mode.HasFlag(UnixFileMode.UserExecute))
            {
                File.SetUnixFileMode(path, mode | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
            }
        }

        return path;
    }
}
