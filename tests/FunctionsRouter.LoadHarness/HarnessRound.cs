namespace FunctionsRouter.LoadHarness;

/// <summary>One round of every phase: direct, YARP and gateway, JSON and streamed at the latency concurrency, then YARP and gateway at saturation.</summary>
internal sealed record HarnessRound(
    int Number,
    PhaseResult DirectJson,
    PhaseResult YarpJson,
    PhaseResult GatewayJson,
    PhaseResult DirectStream,
    PhaseResult YarpStream,
    PhaseResult GatewayStream,
    PhaseResult YarpSaturation,
    PhaseResult GatewaySaturation)
{
    public IEnumerable<PhaseResult> Phases => [DirectJson, YarpJson, GatewayJson, DirectStream, YarpStream, GatewayStream, YarpSaturation, GatewaySaturation];
}
