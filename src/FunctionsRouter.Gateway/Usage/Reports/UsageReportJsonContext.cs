using System.Text.Json.Serialization;

namespace FunctionsRouter.Gateway.Usage.Reports;

/// <summary>The usage report as JSON, source-generated: camelCase, absent rather than null. Shared by the HTTP route and the command line.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(UsageReportView))]
public sealed partial class UsageReportJsonContext : JsonSerializerContext;
