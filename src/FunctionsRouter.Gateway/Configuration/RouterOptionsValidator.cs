using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace FunctionsRouter.Gateway.Configuration;

/// <summary>
/// Checks what data annotations cannot: every endpoint, and that table storage can be reached. Messages name the app
/// setting to fix, in the <c>Router__…</c> form that <c>local.settings.json</c> and the portal use.
/// </summary>
internal sealed class RouterOptionsValidator(IConfiguration configuration) : IValidateOptions<RouterOptions>
{
    public ValidateOptionsResult Validate(string? name, RouterOptions options)
    {
        var failures = new List<string>();
        if (options.Endpoints.Count == 0)
        {
            failures.Add("No model endpoint is configured: set Router__Endpoints__default__Url (and __Api, __Key or Entra ID access).");
        }

        foreach (var (endpointName, endpoint) in options.Endpoints)
        {
            var prefix = $"Router__Endpoints__{endpointName}__";
            if (string.IsNullOrWhiteSpace(endpoint.Url))
            {
                failures.Add($"{prefix}Url is missing.");
            }
            else if (!Uri.TryCreate(endpoint.Url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            {
                failures.Add($"{prefix}Url '{endpoint.Url}' is not an absolute http(s) URL.");
            }
            else if (!string.IsNullOrEmpty(uri.Query))
            {
                failures.Add($"{prefix}Url '{endpoint.Url}' must not carry a query; set {prefix}ApiVersion instead.");
            }

            if (!UpstreamApiKinds.TryParse(endpoint.Api, out _))
            {
                failures.Add($"{prefix}Api '{endpoint.Api}' is not one of: models, openai.");
            }

            if (string.IsNullOrWhiteSpace(endpoint.ApiVersion))
            {
                failures.Add($"{prefix}ApiVersion is empty.");
            }
        }

        ValidateEntra(options.Entra, failures);
        ValidateCors(options.Cors, failures);
        ValidateLimits(options.Limits, failures);

        if (options.TableWaitTimeout > options.TableOperationTimeout)
        {
            failures.Add($"Router__TableWaitTimeout ({options.TableWaitTimeout}) must not be longer than Router__TableOperationTimeout ({options.TableOperationTimeout}).");
        }

        if (options.MaxStaleness < options.CallerCacheTtl || options.MaxStaleness < options.AliasCacheTtl)
        {
            failures.Add($"Router__MaxStaleness ({options.MaxStaleness}) must not be shorter than Router__CallerCacheTtl ({options.CallerCacheTtl}) or Router__AliasCacheTtl ({options.AliasCacheTtl}).");
        }

        if (options.CircuitBreakerProbeInterval > options.CircuitBreakerDuration)
        {
            failures.Add($"Router__CircuitBreakerProbeInterval ({options.CircuitBreakerProbeInterval}) must not be longer than Router__CircuitBreakerDuration ({options.CircuitBreakerDuration}).");
        }

        if (!TableStorageLocation.TryResolve(options.Storage, configuration, out _, out var storageError))
        {
            failures.Add(storageError);
        }
        else if (!TableStorageLocation.TryResolveUsage(options, configuration, out _, out var usageStorageError))
        {
            failures.Add(usageStorageError);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateEntra(EntraOptions entra, List<string> failures)
    {
        if (!entra.IsEnabled)
        {
            if (entra.Audiences.Count > 0)
            {
                failures.Add("Router__Entra__Audience is set but Router__Entra__TenantId is not: set the tenant whose tokens are accepted.");
            }

            return;
        }

        if (!Guid.TryParse(entra.TenantId, out _))
        {
            failures.Add($"Router__Entra__TenantId '{entra.TenantId}' is not a directory (tenant) id (a GUID).");
        }

        if (entra.Audiences.Count == 0)
        {
            failures.Add("Router__Entra__Audience is missing: set the gateway app registration's client id and/or application id URI.");
        }

        if (!Uri.TryCreate(entra.ResolvedAuthority, UriKind.Absolute, out var authority) ||
            !(authority.Scheme == Uri.UriSchemeHttps || (authority.Scheme == Uri.UriSchemeHttp && authority.IsLoopback)))
        {
            failures.Add($"Router__Entra__Authority '{entra.Authority}' is not an https URL (plain http is accepted only for a loopback host).");
        }

        if (entra.ClockSkew < TimeSpan.Zero || entra.ClockSkew > TimeSpan.FromMinutes(5))
        {
            failures.Add("Router__Entra__ClockSkew must be between 00:00:00 and 00:05:00.");
        }

        if (!Callers.CallerTable.IsValidRole(entra.AdminRole))
        {
            failures.Add($"Router__Entra__AdminRole '{entra.AdminRole}' is not an app role value (1 to {Callers.CallerTable.MaxRoleLength} letters, digits, '-', '_' or '.').");
        }
    }

    private static void ValidateCors(CorsOptions cors, List<string> failures)
    {
        foreach (var origin in cors.Origins)
        {
            if (origin == "*")
            {
                continue;
            }

            if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp) ||
                uri.AbsolutePath != "/" || origin.EndsWith('/') || !string.IsNullOrEmpty(uri.Query))
            {
                failures.Add($"Router__Cors__AllowedOrigins: '{origin}' is not an origin (scheme://host[:port], no path or trailing slash).");
            }
        }

        if (cors.MaxAge < TimeSpan.Zero || cors.MaxAge > TimeSpan.FromDays(1))
        {
            failures.Add("Router__Cors__MaxAge must be between 00:00:00 and 1.00:00:00.");
        }
    }

    private static void ValidateLimits(LimitsOptions limits, List<string> failures)
    {
        if (limits.SyncInterval < TimeSpan.FromMilliseconds(100) || limits.SyncInterval > TimeSpan.FromMinutes(1))
        {
            failures.Add($"Router__Limits__SyncInterval ({limits.SyncInterval}) must be from 100 milliseconds to 1 minute.");
        }

        if (limits.DefaultOutputTokens is < 0 or > 1_000_000)
        {
            failures.Add($"Router__Limits__DefaultOutputTokens ({limits.DefaultOutputTokens}) must be from 0 to 1000000.");
        }

        if (!System.Text.RegularExpressions.Regex.IsMatch(limits.CountTable ?? string.Empty, "^[A-Za-z][A-Za-z0-9]{2,62}$"))
        {
            failures.Add("Router__Limits__CountTable must be 3-63 letters and digits, starting with a letter.");
        }
    }
}
