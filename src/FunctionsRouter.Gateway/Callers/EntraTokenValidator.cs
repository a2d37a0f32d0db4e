using System.Buffers;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using FunctionsRouter.Gateway.Configuration;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace FunctionsRouter.Gateway.Callers;

/// <summary>
/// Validates Microsoft Entra ID access tokens with Microsoft.IdentityModel: signature against the issuer's published
/// keys (never <c>alg: none</c>: unsigned tokens are refused), issuer (the tenant's v1 and v2 issuers), audience,
/// lifetime with a small skew, and the <c>tid</c> claim. A valid token's outcome is cached, keyed by the token's SHA-256
/// (never the token), until the token expires, so a browser's repeated calls cost one hash and one lookup.
/// </summary>
internal sealed class EntraTokenValidator
{
    /// <summary>Longer tokens are refused unread (Entra tokens are a few kilobytes even with many claims).</summary>
    internal const int MaxTokenLength = 16 * 1024;

    /// <summary>Valid tokens remembered at most; expired ones are swept when full, then new ones are not cached.</summary>
    internal const int MaxCachedTokens = 10_000;

    private static readonly string[] Algorithms =
    [
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
        SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
    ];

    private readonly ConcurrentDictionary<KeyHash, EntraPrincipal> _validated = new();
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly OpenIdConfigurationCache _keys;
    private readonly EntraOptions _options;
    private readonly string _tenantId;
    private readonly TimeProvider _time;

    public EntraTokenValidator(EntraOptions options, OpenIdConfigurationCache keys, TimeProvider time)
    {
        _options = options;
        _tenantId = options.TenantId!.Trim().ToLowerInvariant();
        _keys = keys;
        _time = time;
    }

    /// <summary>Valid tokens cached now (for tests).</summary>
    internal int CachedCount => _validated.Count;

    public async ValueTask<TokenCheck> ValidateAsync(ReadOnlyMemory<char> token, CancellationToken cancellationToken)
    {
        if (token.Length > MaxTokenLength)
        {
            return TokenCheck.Invalid("The token is too long.");
        }

        var hash = Hash(token.Span);
        var now = _time.GetUtcNow();
        if (_validated.TryGetValue(hash, out var known))
        {
            if (known.ExpiresAt > now)
            {
                return TokenCheck.Valid(known);
            }

            _validated.TryRemove(new KeyValuePair<KeyHash, EntraPrincipal>(hash, known));
        }

        JsonWebToken jwt;
        try
        {
            jwt = new JsonWebToken(token.ToString());
        }
        catch (ArgumentException)
        {
            return TokenCheck.Invalid("The token is malformed.");
        }

        var configuration = await _keys.GetAsync(cancellationToken).ConfigureAwait(false);
        if (configuration is null)
        {
            return TokenCheck.KeysUnavailable;
        }

        if (jwt.Kid is { Length: > 0 } kid && !configuration.SigningKeys.Any(k => k.KeyId == kid))
        {
            // A key id the cached set lacks: the issuer may have rolled its keys since they were read.
            configuration = await _keys.RefreshForUnknownKeyAsync(cancellationToken).ConfigureAwait(false) ?? configuration;
        }

        var result = await _handler.ValidateTokenAsync(jwt, Parameters(configuration)).ConfigureAwait(false);
        if (!result.IsValid)
        {
            return TokenCheck.Invalid(Describe(result.Exception));
        }

        if (!jwt.TryGetPayloadValue<string>("tid", out var tid) || !string.Equals(tid, _tenantId, StringComparison.OrdinalIgnoreCase))
        {
            return TokenCheck.Invalid("The token is from another tenant.");
        }

        if (!jwt.TryGetPayloadValue<string>("oid", out var oidText) || !Guid.TryParse(oidText, out var oid))
        {
            return TokenCheck.Invalid("The token has no object id (oid) claim.");
        }

        var principal = new EntraPrincipal(oid, _tenantId, Roles(jwt), new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero));
        Remember(hash, principal, now);
        return TokenCheck.Valid(principal);
    }

    private TokenValidationParameters Parameters(OpenIdConnectConfiguration configuration)
    {
        var issuers = new List<string>(3)
        {
            $"https://login.microsoftonline.com/{_tenantId}/v2.0",
            $"https://sts.windows.net/{_tenantId}/",
        };
        if (!string.IsNullOrEmpty(configuration.Issuer))
        {
            issuers.Add(configuration.Issuer.Replace("{tenantid}", _tenantId, StringComparison.OrdinalIgnoreCase));
        }

        return new TokenValidationParameters
        {
            ValidIssuers = issuers,
            ValidAudiences = _options.Audiences,
            IssuerSigningKeys = configuration.SigningKeys,
            ValidAlgorithms = Algorithms,
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ValidateLifetime = true,
            ValidateIssuer = true,
            ValidateAudience = true,
            ValidateIssuerSigningKey = true,
            ClockSkew = _options.ClockSkew,
        };
    }

    private static string[] Roles(JsonWebToken jwt)
    {
        if (jwt.TryGetPayloadValue<string[]>("roles", out var roles) && roles is not null)
        {
            return roles;
        }

        return jwt.TryGetPayloadValue<string>("roles", out var role) && !string.IsNullOrEmpty(role) ? [role] : [];
    }

    private void Remember(KeyHash hash, EntraPrincipal principal, DateTimeOffset now)
    {
        if (_validated.Count >= MaxCachedTokens)
        {
            foreach (var (key, value) in _validated)
            {
                if (value.ExpiresAt <= now)
                {
                    _validated.TryRemove(new KeyValuePair<KeyHash, EntraPrincipal>(key, value));
                }
            }

            if (_validated.Count >= MaxCachedTokens)
            {
                return; // Still full of live tokens: validate this one again next time rather than grow.
            }
        }

        _validated[hash] = principal;
    }

    private static KeyHash Hash(ReadOnlySpan<char> token)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(token.Length * 3);
        try
        {
            var length = System.Text.Encoding.UTF8.GetBytes(token, buffer);
            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(buffer.AsSpan(0, length), hash);
            return KeyHash.From(hash);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Why, in words fit for <c>WWW-Authenticate: Bearer error_description</c>: no claim values, no token.</summary>
    private static string Describe(Exception? exception) => exception switch
    {
        SecurityTokenExpiredException => "The token has expired.",
        SecurityTokenNotYetValidException => "The token is not valid yet.",
        SecurityTokenNoExpirationException => "The token has no expiry.",
        SecurityTokenInvalidAudienceException => "The token's audience is not accepted.",
        SecurityTokenInvalidIssuerException => "The token's issuer is not accepted.",
        SecurityTokenInvalidAlgorithmException => "The token's signing algorithm is not accepted.",
        SecurityTokenInvalidSignatureException or SecurityTokenSignatureKeyNotFoundException => "The token's signature is not valid.",
        SecurityTokenMalformedException or ArgumentException => "The token is malformed.",
        _ => "The token is not valid.",
    };
}
