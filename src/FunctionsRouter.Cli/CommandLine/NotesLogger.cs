using Microsoft.Extensions.Logging;

namespace FunctionsRouter.Cli.CommandLine;

/// <summary>
/// The gateway library's warnings (a caller row left behind, say), printed as notes on stderr: the command line's
/// equivalent of the gateway's log. Debug and information events are not printed.
/// </summary>
internal sealed class NotesLogger(TextWriter notes) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel))
        {
            notes.WriteLine(formatter(state, exception));
        }
    }
}
