using Microsoft.Extensions.Logging;

namespace FunctionsRouter.LoadHarness;

/// <summary>
/// Stands in for the Functions worker's log channel in the gateway process. With <c>render</c> on, every event is
/// rendered (message and structured fields, as an exporter does) and discarded, so logging costs what formatting
/// costs without a console or a pipe; with it off, events are only counted. Either way it counts the usage records
/// the table writer takes off the queue (event 3001) and those a full queue refused (event 3002), which tells the
/// harness when the writer has caught up.
/// </summary>
internal sealed class UsageEventLoggerProvider(bool render) : ILoggerProvider
{
    private const string UsageCategory = "FunctionsRouter.Usage";
    private const int UsageRecordedEvent = 3001;
    private const int UsageQueueFullEvent = 3002;

    private readonly bool _render = render;
    private long _usageEvents;
    private long _usageDropped;

    public long UsageEvents => Interlocked.Read(ref _usageEvents);

    public long UsageDropped => Interlocked.Read(ref _usageDropped);

    public ILogger CreateLogger(string categoryName) => new RenderingLogger(this, categoryName == UsageCategory);

    public void Dispose()
    {
    }

    private sealed class RenderingLogger(UsageEventLoggerProvider provider, bool isUsageCategory) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
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

            if (isUsageCategory && eventId.Id == UsageRecordedEvent)
            {
                Interlocked.Increment(ref provider._usageEvents);
            }
            else if (eventId.Id == UsageQueueFullEvent)
            {
                Interlocked.Increment(ref provider._usageDropped);
            }
        }
    }
}
