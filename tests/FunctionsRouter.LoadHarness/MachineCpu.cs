using System.Globalization;

namespace FunctionsRouter.LoadHarness;

/// <summary>The whole machine's CPU time from <c>/proc/stat</c> (Linux): how busy all cores were over a phase.</summary>
internal readonly record struct MachineCpu(long Busy, long Total)
{
    /// <summary>Now; zeros where <c>/proc/stat</c> does not exist.</summary>
    public static MachineCpu Read()
    {
        try
        {
            var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)
                .Skip(1).Take(8).Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
            var total = fields.Sum();
            var idle = fields[3] + fields[4];
            return new MachineCpu(total - idle, total);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return default;
        }
    }

    /// <summary>Percent of all cores busy between <paramref name="before"/> and this reading; null when unknown.</summary>
    public double? BusyPercentSince(MachineCpu before) =>
        Total > before.Total ? 100.0 * (Busy - before.Busy) / (Total - before.Total) : null;
}
