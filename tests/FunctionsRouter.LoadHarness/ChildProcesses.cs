using System.Diagnostics;
using System.Globalization;

namespace FunctionsRouter.LoadHarness;

/// <summary>Finds this process's children by name from <c>/proc</c> (Linux), to read their CPU time.</summary>
internal static class ChildProcesses
{
    /// <summary>The first child of this process whose command is <paramref name="command"/>; null if none (or not Linux).</summary>
    public static Process? Find(string command)
    {
        var self = Environment.ProcessId;
        try
        {
            foreach (var dir in Directory.EnumerateDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
                {
                    continue;
                }

                string stat;
                try
                {
                    stat = File.ReadAllText(Path.Combine(dir, "stat"));
                }
                catch (IOException)
                {
                    continue;
                }

                // "pid (comm) state ppid ...": comm may hold spaces, so read around its parentheses.
                var open = stat.IndexOf('(', StringComparison.Ordinal);
                var close = stat.LastIndexOf(')');
                var rest = stat[(close + 2)..].Split(' ');
                if (stat[(open + 1)..close] == command && rest.Length > 1 && rest[1] == self.ToString(CultureInfo.InvariantCulture))
                {
                    return Process.GetProcessById(pid);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            // Not Linux, or /proc unreadable: the column stays empty.
        }

        return null;
    }

    /// <summary>CPU time in milliseconds so far; 0 when the process is unknown or gone.</summary>
    public static double CpuMs(Process? process)
    {
        if (process is null)
        {
            return 0;
        }

        try
        {
            process.Refresh();
            return process.TotalProcessorTime.TotalMilliseconds;
        }
        catch (InvalidOperationException)
        {
            return 0;
        }
    }
}
