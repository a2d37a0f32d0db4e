using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace FunctionsRouter.Gateway.Management;

/// <summary>
/// The alias routes of the management API, each one call of <see cref="AliasOperations"/> (the command line's
/// <c>aliases …</c> run the same): <c>GET /api/manage/aliases</c>, <c>GET|PUT|DELETE /api/manage/aliases/{alias}</c>,
/// <c>GET /api/manage/aliases/{alias}/history</c>.
/// </summary>
public sealed class AliasManagementHandler
{
    private readonly ManagementExchange _exchange;
    private readonly AliasOperations _aliases;

    internal AliasManagementHandler(ManagementExchange exchange, AliasOperations aliases)
    {
        _exchange = exchange;
        _aliases = aliases;
    }

    public Task ListAsync(HttpContext context) => _exchange.RunAsync(context, readsBody: false, async request =>
        ManagementReply.Create(await _aliases.ListAsync(request.CancellationToken).ConfigureAwait(false), ManagementJsonContext.Default.AliasListView));

    public Task GetAsync(HttpContext context, string alias) => _exchange.RunAsync(context, readsBody: false, async request =>
    {
        var view = await _aliases.GetAsync(alias, request.CancellationToken).ConfigureAwait(false);
        return ManagementReply.Create(view, ManagementJsonContext.Default.AliasView, etag: view.ETag);
    });

    /// <summary>Replaces the alias's whole target list (body <see cref="AliasDefinition"/>): 201 when new, else 200.</summary>
    public Task PutAsync(HttpContext context, string alias) => _exchange.RunAsync(context, readsBody: true, async request =>
    {
        var (view, created) = await _aliases.SetAsync(alias, request.Body, request.Condition, request.Actor, request.CancellationToken).ConfigureAwait(false);
        return ManagementReply.Create(view, ManagementJsonContext.Default.AliasView, created ? StatusCodes.Status201Created : StatusCodes.Status200OK, view.ETag);
    });

    public Task DeleteAsync(HttpContext context, string alias) => _exchange.RunAsync(context, readsBody: false, async request =>
        ManagementReply.Create(
            await _aliases.DeleteAsync(alias, request.Condition, request.Actor, request.CancellationToken).ConfigureAwait(false),
            ManagementJsonContext.Default.DeletedAliasView));

    /// <summary>The alias's changes, newest first: <c>?pageSize=</c> (1 to 100, default 20), <c>?continuationToken=</c>.</summary>
    public Task HistoryAsync(HttpContext context, string alias) => _exchange.RunAsync(context, readsBody: false, async request =>
        ManagementReply.Create(
            await _aliases.HistoryAsync(alias, PageSize(request), request.Query("continuationToken"), request.CancellationToken).ConfigureAwait(false),
            ManagementJsonContext.Default.AuditPageView));

    internal static int PageSize(ManagementRequest request)
    {
        var text = request.Query("pageSize");
        if (text is null)
        {
            return AuditStore.DefaultPageSize;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var size) && size is >= 1 and <= AuditStore.MaxPageSize
            ? size
            : throw new ManagementException(Errors.GatewayErrorCode.InvalidFieldType, $"pageSize must be a whole number from 1 to {AuditStore.MaxPageSize}.", "pageSize");
    }
}
