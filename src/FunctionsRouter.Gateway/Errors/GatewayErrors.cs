using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace FunctionsRouter.Gateway.Errors;

/// <summary>
/// The one place that maps a <see cref="GatewayErrorCode"/> to status, wire code and type, and renders the JSON shape
/// both SDK families read: <c>{"error":{"code","message","type","param","status"}}</c>.
/// </summary>
public static class GatewayErrors
{
    /// <summary>The alias table cannot be read and nothing is cached: the same answer from every route that needs it.</summary>
    public static GatewayError AliasCatalogUnavailable { get; } =
        new(GatewayErrorCode.AliasCatalogUnavailable, "The alias catalog is not available; try again shortly.");

    /// <summary>No alias of that name; the message repeats at most the first 256 characters of it, then <c>…</c>.</summary>
    public static GatewayError UnknownModel(string alias) =>
        new(GatewayErrorCode.UnknownModel, "Unknown model: " + Aliases.AliasNames.Shown(alias), "model");

    public static int StatusOf(GatewayErrorCode code) => code switch
    {
        GatewayErrorCode.InvalidJson or GatewayErrorCode.InvalidFieldType or GatewayErrorCode.MissingField or GatewayErrorCode.NoModelName
            or GatewayErrorCode.InvalidHeader or GatewayErrorCode.OperationNotSupported
            or GatewayErrorCode.InvalidAlias or GatewayErrorCode.InvalidCaller or GatewayErrorCode.InvalidUsageQuery => StatusCodes.Status400BadRequest,
        GatewayErrorCode.UnknownModel or GatewayErrorCode.ResponseNotFound
            or GatewayErrorCode.CallerNotFound or GatewayErrorCode.AliasNotFound => StatusCodes.Status404NotFound,
        GatewayErrorCode.AdminRequired => StatusCodes.Status403Forbidden,
        GatewayErrorCode.PreconditionFailed => StatusCodes.Status412PreconditionFailed,
        GatewayErrorCode.Conflict => StatusCodes.Status409Conflict,
        GatewayErrorCode.ManagementStoreUnavailable => StatusCodes.Status503ServiceUnavailable,
        GatewayErrorCode.MissingCredentials or GatewayErrorCode.InvalidCredentials => StatusCodes.Status401Unauthorized,
        GatewayErrorCode.CallerNotRegistered or GatewayErrorCode.ModelNotAllowed => StatusCodes.Status403Forbidden,
        GatewayErrorCode.CallerStoreUnavailable or GatewayErrorCode.IdentityProviderUnavailable => StatusCodes.Status503ServiceUnavailable,
        GatewayErrorCode.AllDeploymentsBusy or GatewayErrorCode.RateLimitExceeded or GatewayErrorCode.QuotaExceeded => StatusCodes.Status429TooManyRequests,
        GatewayErrorCode.RequestTooLarge => StatusCodes.Status413PayloadTooLarge,
        GatewayErrorCode.NoEnabledTarget or GatewayErrorCode.AliasCatalogUnavailable or GatewayErrorCode.ResponseStoreUnavailable => StatusCodes.Status503ServiceUnavailable,
        GatewayErrorCode.UpstreamUnreachable or GatewayErrorCode.UpstreamStreamFailed => StatusCodes.Status502BadGateway,
        GatewayErrorCode.UpstreamTimeout => StatusCodes.Status504GatewayTimeout,
        GatewayErrorCode.ClientClosedRequest => StatusCodes.Status499ClientClosedRequest,
        _ => throw new ArgumentOutOfRangeException(nameof(code), code, null),
    };

    public static string WireCodeOf(GatewayErrorCode code) => code switch
    {
        GatewayErrorCode.InvalidJson => "invalid_json",
        GatewayErrorCode.InvalidFieldType => "invalid_type",
        GatewayErrorCode.MissingField => "missing_required_parameter",
        GatewayErrorCode.NoModelName => "no_model_name",
        GatewayErrorCode.InvalidHeader => "invalid_header",
        GatewayErrorCode.RequestTooLarge => "request_too_large",
        GatewayErrorCode.UnknownModel => "unknown_model",
        GatewayErrorCode.OperationNotSupported => "operation_not_supported",
        GatewayErrorCode.ResponseNotFound => "response_not_found",
        GatewayErrorCode.ResponseStoreUnavailable => "response_store_unavailable",
        GatewayErrorCode.NoEnabledTarget => "no_enabled_deployment",
        GatewayErrorCode.AllDeploymentsBusy => "all_deployments_busy",
        GatewayErrorCode.AliasCatalogUnavailable => "alias_catalog_unavailable",
        GatewayErrorCode.UpstreamUnreachable => "upstream_unreachable",
        GatewayErrorCode.UpstreamTimeout => "upstream_timeout",
        GatewayErrorCode.UpstreamStreamFailed => "upstream_stream_failed",
        GatewayErrorCode.ClientClosedRequest => "client_closed_request",
        GatewayErrorCode.MissingCredentials => "missing_credentials",
        GatewayErrorCode.InvalidCredentials => "invalid_credentials",
        GatewayErrorCode.CallerNotRegistered => "caller_not_registered",
        GatewayErrorCode.ModelNotAllowed => "model_not_allowed",
        GatewayErrorCode.CallerStoreUnavailable => "caller_store_unavailable",
        GatewayErrorCode.IdentityProviderUnavailable => "identity_provider_unavailable",
        GatewayErrorCode.AdminRequired => "admin_required",
        GatewayErrorCode.PreconditionFailed => "precondition_failed",
        GatewayErrorCode.InvalidAlias => "invalid_alias",
        GatewayErrorCode.InvalidCaller => "invalid_caller",
        GatewayErrorCode.CallerNotFound => "caller_not_found",
        GatewayErrorCode.AliasNotFound => "alias_not_found",
        GatewayErrorCode.Conflict => "conflict",
        GatewayErrorCode.ManagementStoreUnavailable => "management_store_unavailable",
        GatewayErrorCode.InvalidUsageQuery => "invalid_usage_query",
        GatewayErrorCode.RateLimitExceeded => "rate_limit_exceeded",
        GatewayErrorCode.QuotaExceeded => "insufficient_quota",
        _ => throw new ArgumentOutOfRangeException(nameof(code), code, null),
    };

    /// <summary>The OpenAI-style <c>type</c>: whose fault it is.</summary>
    public static string TypeOf(GatewayErrorCode code) => code == GatewayErrorCode.QuotaExceeded ? "insufficient_quota" : StatusOf(code) switch
    {
        StatusCodes.Status429TooManyRequests => "rate_limit_error",
        >= 500 => "server_error",
        _ => "invalid_request_error",
    };

    /// <summary>The error as UTF-8 JSON.</summary>
    public static byte[] ToJson(GatewayError error)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteJson(writer, error);
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static void WriteJson(Utf8JsonWriter writer, GatewayError error)
    {
        writer.WriteStartObject();
        writer.WriteStartObject("error");
        writer.WriteString("code", error.WireCode);
        writer.WriteString("message", error.Message);
        writer.WriteString("type", TypeOf(error.Code));
        writer.WriteString("param", error.Param); // JSON null when there is none.

        writer.WriteNumber("status", error.Status);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>
    /// The server-sent event that ends a Responses API stream the gateway cannot finish, in that API's own shape (its
    /// SDKs reject anything else): <c>event: error</c>, data <c>{"type":"error","code","message","param","sequence_number"}</c>.
    /// </summary>
    public static byte[] ToResponsesErrorEvent(GatewayError error, long sequenceNumber)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        buffer.Write("event: error\ndata: "u8);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type", "error");
            writer.WriteString("code", error.WireCode);
            writer.WriteString("message", error.Message);
            writer.WriteString("param", error.Param);

            writer.WriteNumber("sequence_number", sequenceNumber);
            writer.WriteEndObject();
        }

        buffer.Write("\n\n"u8);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The server-sent event that ends a chat stream the gateway cannot finish: <c>data: {"error":{…}}</c>.</summary>
    public static byte[] ToChatErrorEvent(GatewayError error)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        buffer.Write("data: "u8);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteJson(writer, error);
        }

        buffer.Write("\n\n"u8);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Answers the request with <paramref name="error"/>. The response must not have started.</summary>
    public static Task WriteResponseAsync(HttpResponse response, GatewayError error, CancellationToken cancellationToken = default)
    {
        var body = ToJson(error);
        response.StatusCode = error.Status;
        response.ContentType = "application/json";
        response.ContentLength = body.Length;
        response.Headers["x-ms-error-code"] = error.WireCode;
        return response.Body.WriteAsync(body, cancellationToken).AsTask();
    }
}
