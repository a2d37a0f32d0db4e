namespace FunctionsRouter.Gateway.Tests.Diagnostics;

/// <summary>
/// Tests that listen to the gateway's ActivitySource and Meter. Listeners are process-wide, so these run while no other
/// test does: a gateway serving requests in another test would add its spans and measurements to theirs.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryCollection
{
    public const string Name = "Telemetry";
}
