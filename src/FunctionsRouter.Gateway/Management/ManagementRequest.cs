using System.Text.Json;
using FunctionsRouter.Gateway.Callers;
using Microsoft.AspNetCore.Http;

namespace FunctionsRouter.Gateway.Management;

/// <summary>An admitted management call: the admin, who the audit trail names, the JSON body (when the route takes one), and its bounded cancellation.</summary>
internal sealed record ManagementRequest(HttpContext Context, CallerIdentity Caller, ManagementActor Actor, JsonElement Body, CancellationToken CancellationToken)
{
    /// <summary>The conditions of <c>If-Match</c> and <c>If-None-Match: *</c>.</summary>
    public WriteCondition Condition
    {
        get
        {
            var headers = Context.Request.Headers;
            var ifMatch = headers.IfMatch.Count == 1 ? headers.IfMatch.ToString().Trim() : null;
            var ifNoneMatch = headers.IfNoneMatch.Count == 1 && headers.IfNoneMatch.ToString().Trim() == "*";
            return new WriteCondition(string.IsNullOrEmpty(ifMatch) ? null : ifMatch, ifNoneMatch);
        }
    }

    /// <summary>A query parameter, or null.</summary>
    public string? Query(string name) => Context.Request.Query.TryGetValue(name, out var value) && value.Count == 1 ? value.ToString() : null;
}
