using System.Text.Json;
using FunctionsRouter.Gateway.Errors;
using Microsoft.AspNetCore.Http;

namespace FunctionsRouter.Gateway.Tests.Errors;

public sealed class GatewayErrorsTests
{
    public static TheoryData<GatewayErrorCode, int, string, string> Codes => new()
    {
        { GatewayErrorCode.InvalidJson, 400, "invalid_json", "invalid_request_error" },
        { GatewayErrorCode.InvalidFieldType, 400, "invalid_type", "invalid_request_error" },
        { GatewayErrorCode.MissingField, 400, "missing_required_parameter", "invalid_request_error" },
        { GatewayErrorCode.NoModelName, 400, "no_model_name", "invalid_request_error" },
        { GatewayErrorCode.InvalidHeader, 400, "invalid_header", "invalid_request_error" },
        { GatewayErrorCode.RequestTooLarge, 413, "request_too_large", "invalid_request_error" },
        { GatewayErrorCode.UnknownModel, 404, "unknown_model", "invalid_request_error" },
        { GatewayErrorCode.OperationNotSupported, 400, "operation_not_supported", "invalid_request_error" },
        { GatewayErrorCode.ResponseNotFound, 404, "response_not_found", "invalid_request_error" },
        { GatewayErrorCode.ResponseStoreUnavailable, 503, "response_store_unavailable", "server_error" },
        { GatewayErrorCode.NoEnabledTarget, 503, "no_enabled_deployment", "server_error" },
        { GatewayErrorCode.AllDeploymentsBusy, 429, "all_deployments_busy", "rate_limit_error" },
        { GatewayErrorCode.AliasCatalogUnavailable, 503, "alias_catalog_unavailable", "server_error" },
        { GatewayErrorCode.UpstreamUnreachable, 502, "upstream_unreachable", "server_error" },
        { GatewayErrorCode.UpstreamTimeout, 504, "upstream_timeout", "server_error" },
        { GatewayErrorCode.UpstreamStreamFailed, 502, "upstream_stream_failed", "server_error" },
        { GatewayErrorCode.ClientClosedRequest, 499, "client_closed_request", "invalid_request_error" },
        { GatewayErrorCode.MissingCredentials, 401, "missing_credentials", "invalid_request_error" },
        { GatewayErrorCode.InvalidCredentials, 401, "invalid_credentials", "invalid_request_error" },
        { GatewayErrorCode.CallerNotRegistered, 403, "caller_not_registered", "invalid_request_error" },
        { GatewayErrorCode.ModelNotAllowed, 403, "model_not_allowed", "invalid_request_error" },
        { GatewayErrorCode.CallerStoreUnavailable, 503, "caller_store_unavailable", "server_error" },
        { GatewayErrorCode.IdentityProviderUnavailable, 503, "identity_provider_unavailable", "server_error" },
        { GatewayErrorCode.AdminRequired, 403, "admin_required", "invalid_request_error" },
        { GatewayErrorCode.PreconditionFailed, 412, "precondition_failed", "invalid_request_error" },
        { GatewayErrorCode.InvalidAlias, 400, "invalid_alias", "invalid_request_error" },
        { GatewayErrorCode.InvalidCaller, 400, "invalid_caller", "invalid_request_error" },
        { GatewayErrorCode.InvalidUsageQuery, 400, "invalid_usage_query", "invalid_request_error" },
        { GatewayErrorCode.CallerNotFound, 404, "caller_not_found", "invalid_request_error" },
        { GatewayErrorCode.AliasNotFound, 404, "alias_not_found", "invalid_request_error" },
        { GatewayErrorCode.Conflict, 409, "conflict", "invalid_request_error" },
        { GatewayErrorCode.ManagementStoreUnavailable, 503, "management_store_unavailable", "server_error" },
        { GatewayErrorCode.RateLimitExceeded, 429, "rate_limit_exceeded", "rate_limit_error" },
        { GatewayErrorCode.QuotaExceeded, 429, "insufficient_quota", "insufficient_quota" },
    };

    [Fact]
    public void UnknownModel_LongName_MessageRepeatsFirst256CharactersThenEllipsis()
    {
        var alias = new string('a', 256) + new string('b', 1_000_000);

        var error = GatewayErrors.UnknownModel(alias);

        Assert.Equal("Unknown model: " + new string('a', 256) + "…", error.Message);
        Assert.Equal("Unknown model: short", GatewayErrors.UnknownModel("short").Message);
    }

    [Fact]
    public void Codes_CoverEveryGatewayErrorCode()
    {
        var covered = Codes.Select(row => (GatewayErrorCode)row[0]).ToHashSet();

        Assert.Equal(Enum.GetValues<GatewayErrorCode>().ToHashSet(), covered);
    }

    [Fact]
    public void WireCodeOf_EveryCode_IsDistinct()
    {
        var wireCodes = Enum.GetValues<GatewayErrorCode>().Select(GatewayErrors.WireCodeOf).ToList();

        Assert.Equal(wireCodes.Count, wireCodes.Distinct(StringComparer.Ordinal).Count());
    }

    [Theory]
    [MemberData(nameof(Codes))]
    public void StatusOfWireCodeOfTypeOf_EveryCode_MapsAsDocumented(GatewayErrorCode code, int status, string wireCode, string type)
    {
        Assert.Equal(status, GatewayErrors.StatusOf(code));
        Assert.Equal(wireCode, GatewayErrors.WireCodeOf(code));
        Assert.Equal(type, GatewayErrors.TypeOf(code));

        var error = new GatewayError(code, "m");
        Assert.Equal(status, error.Status);
        Assert.Equal(wireCode, error.WireCode);
    }

    [Fact]
    public void StatusOf_UndefinedCode_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => GatewayErrors.StatusOf((GatewayErrorCode)999));
        Assert.Throws<ArgumentOutOfRangeException>(() => GatewayErrors.WireCodeOf((GatewayErrorCode)999));
    }

    [Theory]
    [MemberData(nameof(Codes))]
    public void ToJson_EveryCode_HasTheErrorShape(GatewayErrorCode code, int status, string wireCode, string type)
    {
        var json = GatewayErrors.ToJson(new GatewayError(code, "Something \"quoted\" went wrong.", "messages"));

        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        Assert.Equal(["error"], root.EnumerateObject().Select(p => p.Name));
        var error = root.GetProperty("error");
        Assert.Equal(["code", "message", "type", "param", "status"], error.EnumerateObject().Select(p => p.Name));
        Assert.Equal(wireCode, error.GetProperty("code").GetString());
        Assert.Equal("Something \"quoted\" went wrong.", error.GetProperty("message").GetString());
        Assert.Equal(type, error.GetProperty("type").GetString());
        Assert.Equal("messages", error.GetProperty("param").GetString());
        Assert.Equal(status, error.GetProperty("status").GetInt32());
    }

    [Fact]
    public void ToJson_NoParam_ParamIsJsonNull()
    {
        var json = GatewayErrors.ToJson(new GatewayError(GatewayErrorCode.UpstreamTimeout, "slow"));

        Assert.Equal("""{"error":{"code":"upstream_timeout","message":"slow","type":"server_error","param":null,"status":504}}""", System.Text.Encoding.UTF8.GetString(json));
    }

    [Theory]
    [InlineData(GatewayErrorCode.NoModelName, 400)]
    [InlineData(GatewayErrorCode.UnknownModel, 404)]
    [InlineData(GatewayErrorCode.RequestTooLarge, 413)]
    [InlineData(GatewayErrorCode.NoEnabledTarget, 503)]
    [InlineData(GatewayErrorCode.UpstreamUnreachable, 502)]
    [InlineData(GatewayErrorCode.UpstreamTimeout, 504)]
    public async Task WriteResponseAsync_Error_SetsStatusContentTypeHeaderAndBody(GatewayErrorCode code, int status)
    {
        var context = new DefaultHttpContext();
        var body = new MemoryStream();
        context.Response.Body = body;
        var error = new GatewayError(code, "Unknown model: fast", "model");

        await GatewayErrors.WriteResponseAsync(context.Response, error);

        Assert.Equal(status, context.Response.StatusCode);
        Assert.Equal("application/json", context.Response.ContentType);
        Assert.Equal(body.Length, context.Response.ContentLength);
        Assert.Equal(GatewayErrors.WireCodeOf(code), context.Response.Headers["x-ms-error-code"].ToString());
        Assert.Equal(GatewayErrors.ToJson(error), body.ToArray());
    }
}
