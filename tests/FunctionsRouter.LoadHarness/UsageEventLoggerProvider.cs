using Microsoft.Extensions.Logging;

namespace FunctionsRouter.LoadHarness;

/// <summary>
/// Stands in for the Functions worker's log channel in the gateway process. With <c>render</c> on, every event is
/// rendered (message and structured fields, as an exporter does) and discarded, so logging costs what formatting
/// costs without a console or a pipe; with it off, events are dropped unrendered. Warnings and errors (a failed table
/// read, a refused write) are written to standard error as well, so a run that goes wrong says why.
/// </summary>
internal sealed class UsageEventLoggerProvider(bool render) : ILoggerProvider
{
    private readonly bool _render = render;

    public ILogger CreateLogger(string categoryName) => new RenderingLogger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class RenderingLogger(UsageEventLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel >= LogLevel.Warning)
            {
                Console.Error.WriteLine($"[gateway {DateTime.UtcNow:HH:mm:ss.fff}] {logLevel} {category}: {formatter(state, exception)}{(exception is null ? string.Empty : $" ({exception.GetType().Name}: {exception.Message.ReplaceLineEndings(" ")})")}");
            }

            if (provider._render)
            {
                var length = formatter(state, exception).Length;
                if (state is IReadOnlyList<KeyValuePair<string, object?>> fields)
                {
                    foreach (var field in fields)
                    {
                        length += field.Value?.ToString()?.Length ?? 0;
                    }
                }

                GC.KeepAlive(length);
            }
        }
    }
}
