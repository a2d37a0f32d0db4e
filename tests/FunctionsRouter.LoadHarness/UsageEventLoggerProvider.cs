using Microsoft.Extensions.Logging;

namespace FunctionsRouter.LoadHarness;

/// <summary>
/// Stands in for the Functions worker's log channel in the gateway process: every enabled event is rendered (message
/// and structured fields, as an exporter does) and discarded, so logging costs what formatting costs without making
/// the harness depend on a console or a pipe. Counts the usage records so the run can show the writer ran.
/// </summary>
internal sealed class UsageEventLoggerProvider : ILoggerProvider
{
    private long _usageEvents;

    public long UsageEvents => Interlocked.Read(ref _usageEvents);

    public ILogger CreateLogger(string categoryName) => new RenderingLogger(this, categoryName == "FunctionsRouter.Usage");

    public void Dispose()
    {
    }

    private sealed class RenderingLogger(UsageEventLoggerProvider provider, bool isUsage) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var length = formatter(state, exception).Length;
            if (state is IReadOnlyList<KeyValuePair<string, object?>> fields)
            {
                foreach (var field in fields)
                {
                    length += field.Value?.ToString()?.Length ?? 0;
                }
            }

            if (isUsage && length > 0)
            {
                Interlocked.Increment(ref provider._usageEvents);
            }
        }
    }
}
