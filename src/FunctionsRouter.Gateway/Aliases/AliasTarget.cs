using System.Text;
using System.Text.Json;
using FunctionsRouter.Gateway.Health;

namespace FunctionsRouter.Gateway.Aliases;

/// <summary>
/// One row of the alias table: a deployment on a named endpoint that serves an alias.
/// </summary>
/// <param name="Alias">The alias as written in the table (PartitionKey).</param>
/// <param name="Name">The target's name within the alias (RowKey).</param>
/// <param name="Deployment">The deployment name sent upstream as <c>model</c>.</param>
/// <param name="Endpoint">The name of an endpoint defined in settings.</param>
/// <param name="Enabled">Whether the target may serve.</param>
/// <param name="Priority">Lower serves first.</param>
/// <param name="Weight">Share within a priority group.</param>
public sealed record AliasTarget(string Alias, string Name, string Deployment, string Endpoint, bool Enabled, int Priority, int Weight)
{
    /// <summary>What the deployment charges per million tokens; <see langword="null"/> when the row names no price (no cost is computed).</summary>
    public TargetPrice? Price { get; init; }

    /// <summary>The deployment as a JSON string literal, quotes included, ready to splice into a request body.</summary>
    internal byte[] DeploymentJson { get; } = EncodeJsonString(Deployment);

    /// <summary>
    /// The deployment's identity for health: endpoint and deployment, lower case. Two aliases that share a deployment
    /// share its cooldowns, since the upstream's limits are per deployment.
    /// </summary>
    internal DeploymentKey HealthKey { get; } = DeploymentKey.Of(Endpoint, Deployment);

    private static byte[] EncodeJsonString(string value)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(value.Length + 2);
        // Relaxed: a name is written as the admin typed it ('+' stays '+'), still with quotes and controls escaped.
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStringValue(value);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <inheritdoc/>
    public override string ToString() => new StringBuilder().Append(Alias).Append('/').Append(Name).Append(" -> ").Append(Endpoint).Append('/').Append(Deployment).ToString();
}
