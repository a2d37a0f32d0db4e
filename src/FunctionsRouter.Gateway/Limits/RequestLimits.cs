using FunctionsRouter.Gateway.Callers;
using FunctionsRouter.Gateway.Configuration;
using FunctionsRouter.Gateway.Diagnostics;
using FunctionsRouter.Gateway.Errors;
using FunctionsRouter.Gateway.Requests;
using FunctionsRouter.Gateway.Usage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FunctionsRouter.Gateway.Limits;

/// <summary>
/// The limits stage, beside admission: once a caller is admitted and its alias known, checks and counts the request
/// against the caller's limits (<see cref="CallerIdentity.Limits"/>) from this instance's memory, answers the caller's
/// headers, and when the answer ends replaces the token estimate with the real usage. No table I/O here:
/// <see cref="LimitCountSync"/> exchanges the counts with the other instances in the background. A caller without limits
/// costs one null check.
/// </summary>
public sealed class RequestLimits
{
    private readonly LimitCounts _counts;
    private readonly GatewayTelemetry _telemetry;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly long _defaultOutputTokens;

    internal RequestLimits(LimitCounts counts, GatewayTelemetry telemetry, IOptions<RouterOptions> options, TimeProvider time, ILogger<RequestLimits> logger)
    {
        _counts = counts;
        _telemetry = telemetry;
        _time = time;
        _logger = logger;
        _defaultOutputTokens = options.Value.Limits.DefaultOutputTokens;
    }

    /// <summary>
    /// Checks the request against every limit that binds it and counts it if all allow. Either way the response gets the
    /// rate-limit headers; a refusal also gets <c>Retry-After</c> and <c>retry-after-ms</c> (not for a request too large
    /// ever to fit).
    /// </summary>
    /// <returns>The 429 to answer with, or <see langword="null"/> when the request is admitted.</returns>
    internal GatewayError? Admit(HttpContext context, CallerIdentity caller, string alias, ReadOnlySpan<byte> body, GatewayOperation operation, out LimitTicket ticket)
    {
        if (caller.Limits is not { } budgets)
        {
            ticket = default;
            return null;
        }

        var now = new LimitInstant(_time.GetUtcNow());
        var countsTokens = false;
        foreach (var budget in budgets)
        {
            countsTokens |= budget.Limits.CountsTokens(alias);
        }

        var tokens = countsTokens ? TokenEstimate.Of(body, operation, _defaultOutputTokens) : 0;
        var reserved = 0;
        LimitRefusal refusal = default;
        var admitted = true;
        for (var i = 0; i < budgets.Length * 2 && admitted; i++)
        {
            if (CounterAt(budgets, i, alias, out var set) is { } counter)
            {
                admitted = counter.TryReserve(now, set!, tokens, out refusal);
            }

            reserved = admitted ? i + 1 : i;
        }

        if (!admitted)
        {
            for (var i = 0; i < reserved; i++)
            {
                CounterAt(budgets, i, alias, out _)?.Adjust(now, -1, -tokens);
            }
        }

        WriteHeaders(context.Response.Headers, budgets, alias, now);
        if (admitted)
        {
            ticket = new LimitTicket(budgets, alias, now, tokens, countsTokens);
            return null;
        }

        ticket = default;
        return Refuse(context, caller, refusal, tokens, now);
    }

    /// <summary>
    /// Replaces the estimate with the tokens the answer really used: the upstream's exact count when it gave one; none when
    /// nothing was generated (an error answer, the gateway's own or the upstream's); otherwise (a stream cut off, a
    /// caller gone) the estimate stays.
    /// </summary>
    internal void Settle(in LimitTicket ticket, UsageRecord record)
    {
        if (ticket.Budgets is not { } budgets || !ticket.CountsTokens)
        {
            return;
        }

        long used;
        var tokens = record.Tokens;
        if (record.UsageExact && (tokens.TotalTokens ?? (tokens.PromptTokens + tokens.CompletionTokens)) is { } total)
        {
            used = total;
        }
        else if (record.UsageExact && tokens.IsEmpty && record.HttpStatus >= 400 && record.HttpStatus != StatusCodes.Status499ClientClosedRequest)
        {
            used = 0;
        }
        else
        {
            return;
        }

        var change = used - ticket.Estimate;
        if (change == 0)
        {
            return;
        }

        for (var i = 0; i < budgets.Length * 2; i++)
        {
            CounterAt(budgets, i, ticket.Alias, out _)?.Adjust(ticket.Admitted, 0, change);
        }
    }

    /// <summary>The rate-limit headers alone, for a route that is not counted (the model list).</summary>
    public void WriteHeaders(HttpContext context, CallerIdentity caller)
    {
        if (caller.Limits is { } budgets)
        {
            WriteHeaders(context.Response.Headers, budgets, alias: null, new LimitInstant(_time.GetUtcNow()));
        }
    }

    private void WriteHeaders(IHeaderDictionary headers, LimitBudget[] budgets, string? alias, in LimitInstant now)
    {
        var state = default(LimitHeaderState);
        for (var i = 0; i < budgets.Length * 2; i++)
        {
            if ((alias is not null || i % 2 == 0) && CounterAt(budgets, i, alias ?? string.Empty, out var set) is { } counter)
            {
                counter.Describe(now, set!, ref state);
            }
        }

        LimitHeaders.Write(headers, state);
    }

    /// <summary>
    /// The counters a request touches, in order: for each budget, its own (even <paramref name="i"/>) and its alias's
    /// (odd; none when that alias has no limits of its own).
    /// </summary>
    private LimitCounter? CounterAt(LimitBudget[] budgets, int i, string alias, out LimitSet? set)
    {
        var budget = budgets[i / 2];
        if (i % 2 == 0)
        {
            set = budget.Limits.Own;
            return set.IsEmpty ? null : _counts.For(budget.CountKey);
        }

        if (budget.Limits.Aliases.Count > 0 && budget.Limits.Aliases.TryGetValue(alias, out set))
        {
            return _counts.For(budget.CountKey, alias);
        }

        set = null;
        return null;
    }

    private GatewayError Refuse(HttpContext context, CallerIdentity caller, in LimitRefusal refusal, long tokens, in LimitInstant now)
    {
        var forAlias = refusal.Alias is null ? string.Empty : $" for model '{Aliases.AliasNames.Shown(refusal.Alias)}'";
        var seconds = LimitHeaders.RetryAfterSeconds(refusal.RetryAfter);
        GatewayError error;
        switch (refusal.Kind)
        {
            case LimitKind.RequestTooLarge:
                error = new GatewayError(
                    GatewayErrorCode.RateLimitExceeded,
                    $"Request too large: it is estimated at {tokens} tokens (prompt, plus max_tokens or the default of {_defaultOutputTokens} for the answer), more than the caller's limit of {refusal.Limit} tokens per minute{forAlias}. It can never be admitted: shorten the prompt or lower max_tokens.",
                    "messages");
                break;
            case LimitKind.Rpm or LimitKind.Tpm:
                var unit = refusal.Kind == LimitKind.Rpm ? "requests" : "tokens";
                error = new GatewayError(GatewayErrorCode.RateLimitExceeded, $"Rate limit reached: the caller's limit is {refusal.Limit} {unit} per minute{forAlias}. Retry after {seconds} s.");
                LimitHeaders.WriteRetryAfter(context.Response.Headers, refusal.RetryAfter);
                break;
            default:
                var (quota, resets) = refusal.Kind == LimitKind.TokensPerDay
                    ? ("daily", LimitWindows.NextDay(now.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture) + " (UTC midnight)")
                    : ("monthly", LimitWindows.NextMonth(now.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture) + " (the 1st of the month, UTC)");
                error = new GatewayError(GatewayErrorCode.QuotaExceeded, $"The caller's {quota} token quota of {refusal.Limit}{forAlias} is spent; it resets at {resets}.");
                LimitHeaders.WriteRetryAfter(context.Response.Headers, refusal.RetryAfter);
                break;
        }

        LimitLog.Limited(_logger, error.WireCode, caller.Id, refusal.Kind, refusal.Limit, refusal.Alias, refusal.Kind == LimitKind.RequestTooLarge ? 0 : seconds);
        _telemetry.RecordRefusal(error.WireCode);
        return error;
    }
}
