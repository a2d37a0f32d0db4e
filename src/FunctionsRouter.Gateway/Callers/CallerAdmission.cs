using FunctionsRouter.Gateway.Caching;
using FunctionsRouter.Gateway.Configuration;
using FunctionsRouter.Gateway.Cors;
using FunctionsRouter.Gateway.Diagnostics;
using FunctionsRouter.Gateway.Errors;
using FunctionsRouter.Gateway.Requests;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FunctionsRouter.Gateway.Callers;

/// <summary>
/// The one admission point of every caller route: CORS, then who is calling (a gateway key in <c>api-key</c> or
/// <c>Authorization: Bearer</c>, or a Microsoft Entra ID access token in <c>Authorization: Bearer</c>), then whether they
/// may use the alias they name. A refused request is answered here (after its body is drained, as the Functions host
/// requires) and never reaches routing, the upstream or the usage ledger. Headers that claim an identity without proof
/// (<c>X-MS-CLIENT-PRINCIPAL</c> and the like) are never read.
/// </summary>
public sealed class CallerAdmission
{
    internal const string ApiKeyHeader = "api-key";
    private const string Realm = "Bearer realm=\"FunctionsRouter\"";

    private readonly StaleWhileRevalidateCache<KeyHash, CallerKeyRecord> _keys;
    private readonly StaleWhileRevalidateCache<string, RegisteredCaller> _callers;
    private readonly EntraTokenValidator? _tokens;
    private readonly CorsHeaders _cors;
    private readonly GatewayTelemetry _telemetry;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly bool _allowAnonymous;
    private readonly string _adminRole;

    internal CallerAdmission(
        ICallerStore store,
        EntraTokenValidator? tokens,
        CorsHeaders cors,
        GatewayTelemetry telemetry,
        IOptions<RouterOptions> options,
        TimeProvider time,
        ILogger<CallerAdmission> logger)
    {
        var settings = options.Value;
        // Keys, callers, principals and roles: served from memory whatever their age (up to Router__MaxStaleness) while
        // re-read in the background; only a row never read (or too old) waits, at most Router__CallerLookupTimeout.
        var timings = CacheTimings.From(settings, settings.CallerCacheTtl, settings.CallerLookupTimeout);
        _keys = new StaleWhileRevalidateCache<KeyHash, CallerKeyRecord>("caller key", store.GetKeyAsync, timings, time, logger);
        _callers = new StaleWhileRevalidateCache<string, RegisteredCaller>(
            "caller row",
            async (id, ct) => await store.GetCallerAsync(id, ct).ConfigureAwait(false) is { } row ? new RegisteredCaller(row) : null,
            timings,
            time,
            logger);
        _tokens = tokens;
        _cors = cors;
        _telemetry = telemetry;
        _time = time;
        _logger = logger;
        _allowAnonymous = settings.AllowAnonymous;
        _adminRole = settings.Entra.AdminRole;
    }

    /// <summary>
    /// Admits the request or answers it: a CORS preflight (204), or a refusal in the gateway's error shape.
    /// </summary>
    /// <returns>The caller; <see langword="null"/> when the request has been answered and nothing else is to be done.</returns>
    public ValueTask<CallerIdentity?> AdmitAsync(HttpContext context) => AdmitAsync(context, _allowAnonymous);

    /// <summary>
    /// Admission of a management route (<c>/api/manage/…</c>): the same checks, then the caller must be an admin (its
    /// caller row or an app-role grant says <c>Admin</c>, or its token carries <c>Router__Entra__AdminRole</c>). No
    /// credential is 401 even where anonymous callers are allowed; a caller that is not an admin, 403
    /// <c>admin_required</c>. An admitted call is logged with the caller id.
    /// </summary>
    /// <returns>The admin; <see langword="null"/> when the request has been answered and nothing else is to be done.</returns>
    public async ValueTask<CallerIdentity?> AdmitAdminAsync(HttpContext context)
    {
        var caller = await AdmitAsync(context, allowAnonymous: false).ConfigureAwait(false);
        if (caller is null)
        {
            return null;
        }

        if (!caller.IsAdmin)
        {
            return await RefuseAsync(context, AdminRequired, caller.Id).ConfigureAwait(false);
        }

        GatewayLog.AdminCallAdmitted(_logger, caller.Id, context.Request.Method, context.Request.Path.Value ?? string.Empty);
        return caller;
    }

    /// <summary>
    /// A write of this instance changed caller <paramref name="callerId"/> (its row, or its keys): its row and its keys are
    /// read again before the next request of theirs is admitted here (at most <c>Router__CallerLookupTimeout</c>), so a
    /// caller disabled, narrowed, rotated or deleted through the management API is refused by this instance at once.
    /// Other instances see the change within <c>Router__CallerCacheTtl</c>.
    /// </summary>
    internal void CallerChanged(string callerId)
    {
        _callers.Invalidate(callerId);
        _keys.InvalidateWhere(key => key.CallerId == callerId);
    }

    private async ValueTask<CallerIdentity?> AdmitAsync(HttpContext context, bool allowAnonymous)
    {
        if (_cors.Apply(context))
        {
            return null; // A preflight, answered.
        }

        var headers = context.Request.Headers;
        var apiKey = headers[ApiKeyHeader];
        if (apiKey.Count > 0)
        {
            return apiKey.Count == 1
                ? await AdmitKeyAsync(context, apiKey.ToString().AsMemory()).ConfigureAwait(false)
                : await RefuseAsync(context, Invalid, "(several api-key headers)").ConfigureAwait(false);
        }

        var authorization = headers.Authorization;
        if (authorization.Count == 0)
        {
            return allowAnonymous
                ? CallerIdentity.Anonymous
                : await RefuseAsync(context, Missing, "(no credential)").ConfigureAwait(false);
        }

        var value = authorization.Count == 1 ? authorization.ToString() : string.Empty;
        if (!value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return await RefuseAsync(context, Invalid, "(not a bearer credential)").ConfigureAwait(false);
        }

        // A slice, not a copy: a token is a kilobyte or two, and a cached one must cost no allocation.
        var credential = value.AsMemory(7).Trim();
        return credential.Span.StartsWith(CallerKeys.Prefix, StringComparison.Ordinal)
            ? await AdmitKeyAsync(context, credential).ConfigureAwait(false)
            : await AdmitTokenAsync(context, credential).ConfigureAwait(false);
    }

    /// <summary>The second half of admission, once the alias is known: 403 <c>model_not_allowed</c> if it is not granted.</summary>
    /// <returns>The refusal to answer with, or <see langword="null"/> when the caller may use the alias.</returns>
    public GatewayError? Authorize(HttpContext context, CallerIdentity caller, string alias)
    {
        if (caller.Access.Allows(alias))
        {
            return null;
        }

        Count(context, GatewayErrorCode.ModelNotAllowed, caller.Id);
        return new GatewayError(GatewayErrorCode.ModelNotAllowed, $"The caller may not use model '{Aliases.AliasNames.Shown(alias)}'.", "model");
    }

    private static Refusal Missing { get; } = new(
        new GatewayError(GatewayErrorCode.MissingCredentials, "No credential: send a gateway key in the api-key header or as 'Authorization: Bearer <key>', or a Microsoft Entra ID access token as 'Authorization: Bearer <token>'."),
        Realm);

    private static Refusal Invalid { get; } = new(
        new GatewayError(GatewayErrorCode.InvalidCredentials, "The credential is not valid."),
        Realm + ", error=\"invalid_token\"");

    private static Refusal AdminRequired { get; } = new(
        new GatewayError(GatewayErrorCode.AdminRequired, "Only an admin of the gateway may use the management routes: a caller made an admin (`callers admin <id> --on`), or a token carrying the admin app role."),
        null);

    private static Refusal StoreUnavailable { get; } = new(
        new GatewayError(GatewayErrorCode.CallerStoreUnavailable, "Callers cannot be looked up right now; try again shortly."),
        null);

    private static Refusal KeysUnavailable { get; } = new(
        new GatewayError(GatewayErrorCode.IdentityProviderUnavailable, "The token issuer's signing keys cannot be fetched right now; try again shortly."),
        null);

    private async ValueTask<CallerIdentity?> AdmitKeyAsync(HttpContext context, ReadOnlyMemory<char> key)
    {
        if (!CallerKeys.IsWellFormed(key.Span))
        {
            return await RefuseAsync(context, Invalid, CallerKeys.DisplayPrefix(key.Span)).ConfigureAwait(false);
        }

        var cancellationToken = context.RequestAborted;
        var (row, keysAvailable) = await _keys.GetAsync(CallerKeys.Hash(key.Span), cancellationToken).ConfigureAwait(false);
        if (!keysAvailable)
        {
            return await RefuseAsync(context, StoreUnavailable, CallerKeys.DisplayPrefix(key.Span)).ConfigureAwait(false);
        }

        var now = _time.GetUtcNow();
        if (row is null || !row.IsActive(now))
        {
            return await RefuseAsync(context, Invalid, CallerKeys.DisplayPrefix(key.Span)).ConfigureAwait(false);
        }

        var (caller, callersAvailable) = await _callers.GetAsync(row.CallerId, cancellationToken).ConfigureAwait(false);
        if (!callersAvailable)
        {
            return await RefuseAsync(context, StoreUnavailable, "key:" + row.CallerId).ConfigureAwait(false);
        }

        if (caller is null || caller.Record.Kind != CallerKind.Key || !caller.Record.IsActive(now))
        {
            return await RefuseAsync(context, Invalid, "key:" + row.CallerId).ConfigureAwait(false);
        }

        return caller.Identity;
    }

    private async ValueTask<CallerIdentity?> AdmitTokenAsync(HttpContext context, ReadOnlyMemory<char> token)
    {
        if (_tokens is null)
        {
            return await RefuseAsync(context, InvalidToken("This gateway does not accept Microsoft Entra ID tokens."), "(token)").ConfigureAwait(false);
        }

        var cancellationToken = context.RequestAborted;
        var check = await _tokens.ValidateAsync(token, cancellationToken).ConfigureAwait(false);
        if (check.Unavailable)
        {
            return await RefuseAsync(context, KeysUnavailable, "(token)").ConfigureAwait(false);
        }

        if (check.Principal is not { } principal)
        {
            return await RefuseAsync(context, InvalidToken(check.Problem!), "(token)").ConfigureAwait(false);
        }

        var now = _time.GetUtcNow();
        var (registered, available) = await _callers.GetAsync(principal.RowId, cancellationToken).ConfigureAwait(false);
        if (!available)
        {
            return await RefuseAsync(context, StoreUnavailable, principal.CallerId).ConfigureAwait(false);
        }

        var adminByRole = HasAdminRole(principal);
        if (registered is { Record.Kind: CallerKind.Principal })
        {
            if (!registered.Record.IsActive(now))
            {
                return await RefuseAsync(context, InvalidToken("The caller is disabled or expired."), principal.CallerId).ConfigureAwait(false);
            }

            return adminByRole && !registered.Identity.IsAdmin ? registered.Identity with { IsAdmin = true } : registered.Identity;
        }

        // No row for the principal itself: its app roles may be granted (every user with role Router.Chat, say).
        AliasAccess? access = null;
        string? name = null;
        List<Limits.LimitBudget>? budgets = null; // Each limited role row binds the principal, counted per principal.
        var admin = adminByRole;
        foreach (var role in principal.Roles)
        {
            if (!CallerTable.IsValidRole(role))
            {
                continue;
            }

            (registered, available) = await _callers.GetAsync(CallerTable.RoleId(role), cancellationToken).ConfigureAwait(false);
            if (!available)
            {
                return await RefuseAsync(context, StoreUnavailable, principal.CallerId).ConfigureAwait(false);
            }

            if (registered is { Record.Kind: CallerKind.Role } grant && grant.Record.IsActive(now))
            {
                access = access is null ? grant.Record.Aliases : access.Union(grant.Record.Aliases);
                name ??= grant.Record.Name;
                if (!grant.Record.Limits.IsEmpty)
                {
                    (budgets ??= []).Add(new Limits.LimitBudget(Limits.LimitBudget.ForRolePrincipal(grant.Record.Id, principal.CallerId), grant.Record.Limits));
                }

                admin |= grant.Record.IsAdmin;
            }
        }

        if (access is null && adminByRole)
        {
            // The admin app role alone: an admin of the gateway, with no alias of its own until one is granted.
            access = AliasAccess.None;
        }

        if (access is null)
        {
            var error = new GatewayError(GatewayErrorCode.CallerNotRegistered, "The token is valid, but its principal is not registered as a caller (neither its object id nor any of its app roles).");
            return await RefuseAsync(context, new Refusal(error, null), principal.CallerId).ConfigureAwait(false);
        }

        return new CallerIdentity(principal.CallerId, CallerIdentity.EntraKind) { Access = access, Name = name, IsAdmin = admin, Limits = budgets?.ToArray() };
    }

    private bool HasAdminRole(EntraPrincipal principal)
    {
        foreach (var role in principal.Roles)
        {
            if (string.Equals(role, _adminRole, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static Refusal InvalidToken(string problem) => new(
        new GatewayError(GatewayErrorCode.InvalidCredentials, "The credential is not valid: " + problem),
        $"{Realm}, error=\"invalid_token\", error_description=\"{problem.Replace("\"", "'", StringComparison.Ordinal)}\"");

    private async ValueTask<CallerIdentity?> RefuseAsync(HttpContext context, Refusal refusal, string who)
    {
        Count(context, refusal.Error.Code, who);
        var response = context.Response;
        var cancellationToken = context.RequestAborted;
        try
        {
            // The Functions host turns an answer sent before the body was read into a broken pipe and a 500.
            await RequestBodyReader.DrainAsync(context.Request.Body, cancellationToken).ConfigureAwait(false);
            if (refusal.Challenge is not null)
            {
                response.Headers.WWWAuthenticate = refusal.Challenge;
            }

            await GatewayErrors.WriteResponseAsync(response, refusal.Error, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or BadHttpRequestException)
        {
            // The caller left, or sent a body that cannot be read: nobody to answer.
        }

        return null;
    }

    private void Count(HttpContext context, GatewayErrorCode code, string who)
    {
        var wireCode = GatewayErrors.WireCodeOf(code);
        GatewayLog.CallerRefused(_logger, wireCode, who, context.Request.Path.Value ?? string.Empty);
        _telemetry.RecordRefusal(wireCode);
    }

    private sealed record Refusal(GatewayError Error, string? Challenge);
}
