namespace FunctionsRouter.Gateway.Errors;

/// <summary>
/// Every error the gateway itself answers with: a closed set, each naming where it failed.
/// <see cref="GatewayErrors"/> maps each to its status, wire code and type in one place.
/// </summary>
public enum GatewayErrorCode
{
    /// <summary>The body is not JSON, or not a JSON object. 400.</summary>
    InvalidJson,

    /// <summary>A field the gateway reads has the wrong type (<c>model</c>, <c>messages</c>, <c>stream</c>, <c>stream_options</c>). 400.</summary>
    InvalidFieldType,

    /// <summary>A field the operation cannot do without is absent (<c>messages</c>). 400.</summary>
    MissingField,

    /// <summary>A header the gateway forwards (<c>extra-parameters</c>, <c>x-request-id</c>) holds more than printable ASCII. 400.</summary>
    InvalidHeader,

    /// <summary>Neither the body's <c>model</c> nor the <c>azureml-model-deployment</c> header names a model. 400.</summary>
    NoModelName,

    /// <summary>The body is larger than <c>Router__MaxRequestBodyBytes</c>. 413.</summary>
    RequestTooLarge,

    /// <summary>No alias of that name. 404, as the inference service answers for a name with no deployment.</summary>
    UnknownModel,

    /// <summary>The alias cannot do what the route asks: a Responses call to an alias with no <c>openai</c>-kind target. 400.</summary>
    OperationNotSupported,

    /// <summary>
    /// A response id (in the path, or as <c>previous_response_id</c>) the gateway never relayed for this caller, or
    /// whose 30 days are over. 404, with no upstream call.
    /// </summary>
    ResponseNotFound,

    /// <summary>The response-affinity table could not be read in time, so the response's deployment is unknown. 503.</summary>
    ResponseStoreUnavailable,

    /// <summary>The alias exists but has no enabled target. 503.</summary>
    NoEnabledTarget,

    /// <summary>Every enabled deployment of the alias is cooling down; <c>Retry-After</c> says when the first comes back. 429.</summary>
    AllDeploymentsBusy,

    /// <summary>The alias table could not be read and nothing is cached yet. 503.</summary>
    AliasCatalogUnavailable,

    /// <summary>The upstream could not be reached (connection refused, DNS, TLS, reset before a response). 502.</summary>
    UpstreamUnreachable,

    /// <summary>The upstream stayed silent longer than <c>Router__UpstreamIdleTimeout</c>. 504.</summary>
    UpstreamTimeout,

    /// <summary>The upstream failed after the response had started; reported in-band on a stream. 502.</summary>
    UpstreamStreamFailed,

    /// <summary>No credential: neither <c>api-key</c> nor <c>Authorization: Bearer</c>. 401.</summary>
    MissingCredentials,

    /// <summary>
    /// A key that is unknown, disabled, expired or of a disabled caller, or a token that fails validation: one answer for
    /// each, so keys cannot be probed. 401.
    /// </summary>
    InvalidCredentials,

    /// <summary>A valid Entra token whose principal has no caller row, neither for its object id nor for an app role. 403.</summary>
    CallerNotRegistered,

    /// <summary>The caller may not use the alias it named. 403.</summary>
    ModelNotAllowed,

    /// <summary>The caller table could not be read within its bound and nothing is cached for this credential. 503.</summary>
    CallerStoreUnavailable,

    /// <summary>The token issuer's OpenID Connect metadata or keys could not be fetched and none are cached. 503.</summary>
    IdentityProviderUnavailable,

    /// <summary>
    /// The caller is over one of its per-minute limits (requests or tokens); <c>Retry-After</c> says when it would be
    /// admitted. Also a request whose token estimate alone is over its tokens-per-minute limit (no <c>Retry-After</c>). 429.
    /// </summary>
    RateLimitExceeded,

    /// <summary>The caller's daily or monthly token quota is spent (OpenAI's own code); <c>Retry-After</c> until it resets. 429.</summary>
    QuotaExceeded,

    /// <summary>The caller went away before the answer was complete (usage records only; nobody is left to answer). 499.</summary>
    ClientClosedRequest,

    /// <summary>A management route (<c>/api/manage/…</c>) called by a caller that is not an admin. 403.</summary>
    AdminRequired,

    /// <summary>An <c>If-Match</c> or <c>If-None-Match</c> condition does not hold: someone changed the entity meanwhile. 412.</summary>
    PreconditionFailed,

    /// <summary>An alias definition that fails validation; the message names every bad field. 400.</summary>
    InvalidAlias,

    /// <summary>A caller change that fails validation (a bad name, alias list, expiry; a key operation on an Entra grant). 400.</summary>
    InvalidCaller,

    /// <summary>No caller has the id given (management routes). 404.</summary>
    CallerNotFound,

    /// <summary>No alias of that name in the alias table (management routes). 404.</summary>
    AliasNotFound,

    /// <summary>
    /// The stored rows do not allow the change: the entity already exists, changed while the change ran, or holds a
    /// row that cannot be read. 409.
    /// </summary>
    Conflict,

    /// <summary>A management table could not be read or written in time. 503.</summary>
    ManagementStoreUnavailable,

    /// <summary>A usage report asked with bad input (a date that is not <c>yyyy-MM-dd</c>, a range past 92 days, an unknown grouping or format); the message names every problem. 400.</summary>
    InvalidUsageQuery,
}
