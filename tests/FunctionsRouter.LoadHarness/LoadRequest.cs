namespace FunctionsRouter.LoadHarness;

/// <summary>One kind of request a phase sends over and over: where, what body, and whether the answer is a stream.</summary>
internal sealed record LoadRequest(Uri Uri, byte[] Body, bool Streamed);
