namespace FunctionsRouter.LoadHarness;

/// <summary>
/// One kind of request a phase sends over and over: where, what body, whether the answer is a stream, and the gateway
/// key it carries (the gateway admits only known callers; the direct and YARP requests carry none).
/// </summary>
internal sealed record LoadRequest(Uri Uri, byte[] Body, bool Streamed, string? ApiKey = null);
