using System.Text.Json.Serialization;

namespace FunctionsRouter.LoadHarness;

/// <summary>Source-generated JSON for the admin route (the gateway process writes it, the harness reads it).</summary>
[JsonSerializable(typeof(ProcessCounters))]
internal sealed partial class HarnessJsonContext : JsonSerializerContext;
