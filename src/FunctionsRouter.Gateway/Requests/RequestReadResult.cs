using FunctionsRouter.Gateway.Errors;

namespace FunctionsRouter.Gateway.Requests;

/// <summary>What reading a request gave: its body, or the error to answer with, or neither when the caller left.</summary>
internal readonly record struct RequestReadResult(PooledBuffer? Body, GatewayError? Error);
