using Azure;

namespace FunctionsRouter.Gateway.Management;

/// <summary>A row as read, with the ETag a later change must match.</summary>
internal sealed record StoredRow<T>(T Value, ETag ETag);
