using FunctionsRouter.Gateway.Callers;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace FunctionsRouter.Gateway.Management;

/// <summary>
/// The caller routes of the management API, each one call of <see cref="CallerOperations"/> (the command line's
/// <c>callers …</c> run the same): list, create (the key in the answer, once), get (never a key or a hash), update,
/// disable, enable, rotate, delete, history.
/// </summary>
public sealed class CallerManagementHandler
{
    private readonly ManagementExchange _exchange;
    private readonly CallerRowStore _store;
    private readonly AuditStore _audit;
    private readonly CallerAdmission _admission;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    internal CallerManagementHandler(ManagementExchange exchange, CallerRowStore store, AuditStore audit, CallerAdmission admission, TimeProvider time, ILogger<CallerManagementHandler> logger)
    {
        _exchange = exchange;
        _store = store;
        _audit = audit;
        _admission = admission;
        _time = time;
        _logger = logger;
    }

    public Task ListAsync(HttpContext context) => Run(context, false, async (ops, request) =>
        ManagementReply.Create(await ops.ListAsync(request.CancellationToken).ConfigureAwait(false), ManagementJsonContext.Default.CallerListView));

    /// <summary>A new key caller: 201 with its key, shown this once.</summary>
    public Task CreateAsync(HttpContext context) => Run(context, true, async (ops, request) =>
    {
        var (name, aliases, expires, admin) = CallerBodyReader.ReadCreate(request.Body);
        var issued = await ops.CreateAsync(name, aliases, expires, admin, request.CancellationToken).ConfigureAwait(false);
        return ManagementReply.Create(issued, ManagementJsonContext.Default.IssuedKeyView, StatusCodes.Status201Created);
    });

    public Task GetAsync(HttpContext context, string id) => Run(context, false, async (ops, request) =>
    {
        CallerBodyReader.CheckId(id);
        return ManagementReply.Create(await ops.GetAsync(id, request.CancellationToken).ConfigureAwait(false), ManagementJsonContext.Default.CallerView);
    });

    /// <summary>Changes the fields given (<see cref="CallerChange"/>), only if the row is unchanged since it was read.</summary>
    public Task UpdateAsync(HttpContext context, string id) => Run(context, true, async (ops, request) =>
    {
        CallerBodyReader.CheckId(id);
        var change = CallerBodyReader.ReadUpdate(request.Body);
        return ManagementReply.Create(await ops.UpdateAsync(id, change.ApplyTo, request.CancellationToken).ConfigureAwait(false), ManagementJsonContext.Default.CallerView);
    });

    public Task SetEnabledAsync(HttpContext context, string id, bool enabled) => Run(context, false, async (ops, request) =>
    {
        CallerBodyReader.CheckId(id);
        return ManagementReply.Create(await ops.SetEnabledAsync(id, enabled, request.CancellationToken).ConfigureAwait(false), ManagementJsonContext.Default.CallerView);
    });

    /// <summary>A new key (in the answer, once); the earlier keys stop at once or after <c>graceSeconds</c>.</summary>
    public Task RotateAsync(HttpContext context, string id) => Run(context, true, async (ops, request) =>
    {
        CallerBodyReader.CheckId(id);
        var grace = CallerBodyReader.ReadRotate(request.Body);
        return ManagementReply.Create(await ops.RotateAsync(id, grace, request.CancellationToken).ConfigureAwait(false), ManagementJsonContext.Default.IssuedKeyView);
    });

    public Task DeleteAsync(HttpContext context, string id) => Run(context, false, async (ops, request) =>
    {
        CallerBodyReader.CheckId(id);
        return ManagementReply.Create(await ops.DeleteAsync(id, request.CancellationToken).ConfigureAwait(false), ManagementJsonContext.Default.DeletedCallerView);
    });

    public Task HistoryAsync(HttpContext context, string id) => Run(context, false, async (ops, request) =>
    {
        CallerBodyReader.CheckId(id);
        var page = await ops.HistoryAsync(id, AliasManagementHandler.PageSize(request), request.Query("continuationToken"), request.CancellationToken).ConfigureAwait(false);
        return ManagementReply.Create(page, ManagementJsonContext.Default.AuditPageView);
    });

    private Task Run(HttpContext context, bool readsBody, Func<CallerOperations, ManagementRequest, Task<ManagementReply>> operation) =>
        _exchange.RunAsync(context, readsBody, request => operation(new CallerOperations(_store, _audit, request.Actor, _time, _logger, _admission.CallerChanged), request));
}
