using Azure;

namespace FunctionsRouter.Cli.Callers;

/// <summary>A row as read, with the ETag a later change must match.</summary>
internal sealed record Stored<T>(T Value, ETag ETag);
