namespace FunctionsRouter.Testing;

/// <summary>Finds the repository root (the folder holding <c>FunctionsRouter.sln</c>) from the test output folder.</summary>
public static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        // The output folder of a test project; else the working folder (a tool run from the repository).
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(System.IO.Path.Combine(dir.FullName, "FunctionsRouter.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException($"No FunctionsRouter.sln above {AppContext.BaseDirectory} or {Environment.CurrentDirectory}.");
    }
}
