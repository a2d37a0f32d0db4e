using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace FunctionsRouter.Gateway.Management;

/// <summary>A management route's successful answer: status, JSON body, and the entity's ETag when it has one.</summary>
internal sealed record ManagementReply(int Status, byte[] Json, string? ETag = null)
{
    public static ManagementReply Create<T>(T value, JsonTypeInfo<T> typeInfo, int status = 200, string? etag = null) =>
        new(status, JsonSerializer.SerializeToUtf8Bytes(value, typeInfo), etag);
}
