namespace FunctionsRouter.Gateway.Management;

/// <summary>The optional body of <c>POST /api/manage/callers/{id}/rotate</c> (read by <see cref="CallerBodyReader"/>; here for the OpenAPI document).</summary>
/// <param name="GraceSeconds">How long the earlier keys keep working, 0 to 31536000 seconds; default 0 (they stop at once).</param>
public sealed record CallerRotateRequest(long GraceSeconds = 0);
