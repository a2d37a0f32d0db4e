using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using FunctionsRouter.Cli.CommandLine;
using FunctionsRouter.Gateway.Management;
using Microsoft.Extensions.Configuration;

namespace FunctionsRouter.Cli.Aliases;

/// <summary>
/// The <c>aliases</c> commands: <c>seed</c>, and <c>list</c>, <c>show</c>, <c>set</c>, <c>delete</c>, <c>history</c>,
/// which run the gateway's own <see cref="AliasOperations"/> (the <c>/api/manage/aliases</c> routes run the same).
/// </summary>
internal static class AliasesCommand
{
    /// <summary>The endpoint names an alias may use, when the gateway's settings are not in the environment.</summary>
    public const string EndpointsKey = "ROUTER_ENDPOINTS";

    private delegate Func<AliasOperations, CancellationToken, Task<CommandOutput>>? PrepareAliases(ParseResult parse, List<string> problems);

    public static Command Create(CliContext context, GlobalOptions options)
    {
        var aliases = new Command("aliases", "Model aliases in the alias table (default ModelAliases).")
        {
            SeedAliasesCommand.Create(context, options),
        };
        var endpoints = new Option<string?>("--endpoints")
        {
            Description = $"The endpoint names of the gateway's settings, comma-separated, to check targets against. Default: ${EndpointsKey}, else the Router__Endpoints__<name>__Url variables; with neither, endpoint names are not checked.",
            HelpName = "a,b",
            Recursive = true,
        };
        aliases.Options.Add(endpoints);

        void Add(Command command, PrepareAliases prepare)
        {
            command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(
                context,
                options,
                parse,
                (SeedAliasesSettings.TableNameKey, SeedAliasesSettings.DefaultTableName),
                [(endpoints, EndpointsKey)],
                (invocation, problems) => prepare(parse, problems) is { } run
                    ? (tables, ct) => run(
                        new AliasOperations(
                            new AliasRowStore(tables.Table),
                            tables.Audit(invocation.Settings),
                            Endpoints(invocation, context.Error),
                            catalog: null,
                            context.Time,
                            new NotesLogger(context.Error)),
                        ct)
                    : null,
                cancellationToken));
            aliases.Subcommands.Add(command);
        }

        Add(new Command("list", "List every alias with its targets (and rows the gateway cannot use)."), (_, _) =>
            async (ops, ct) => AliasOutputs.List(await ops.ListAsync(ct), ops.TableName));

        {
            var alias = AliasArgument();
            Add(new Command("show", "Show one alias: its targets, its etag, and rows the gateway cannot use.") { alias }, (parse, _) =>
                async (ops, ct) => AliasOutputs.Shown(await ops.GetAsync(parse.GetValue(alias)!, ct)));
        }

        {
            var alias = AliasArgument();
            var target = new Option<string[]>("--target")
            {
                Description = "A target, repeated for each: name=<n>,deployment=<d>[,endpoint=<e>][,priority=<p>][,weight=<w>][,enabled=true|false][,inputPerMillion=<x>,cachedInputPerMillion=<y>,outputPerMillion=<z>].",
                HelpName = "key=value,…",
                AllowMultipleArgumentsPerToken = false,
            };
            var file = new Option<string?>("--file") { Description = "A JSON file holding the whole definition, as PUT /api/manage/aliases/{alias} takes it: {\"targets\":[…]}.", HelpName = "path" };
            var ifMatch = IfMatchOption();
            Add(new Command("set", "Replace an alias's whole target list in one transaction (or create the alias).") { alias, target, file, ifMatch }, (parse, problems) =>
            {
                var targets = parse.GetValue(target) ?? [];
                var path = parse.GetValue(file);
                JsonElement? definition = null;
                if ((targets.Length > 0) == (path is not null))
                {
                    problems.Add("Give the targets either as --target (repeated) or as --file <json>, not both and not neither.");
                }
                else if (path is not null)
                {
                    definition = ReadFile(path, problems);
                }
                else
                {
                    var list = new JsonArray();
                    for (var i = 0; i < targets.Length; i++)
                    {
                        if (AliasTargetSpec.Read(targets[i], i, problems) is { } node)
                        {
                            list.Add(node);
                        }
                    }

                    definition = JsonSerializer.SerializeToElement(new JsonObject { ["targets"] = list }, ManagementJsonContext.Default.JsonObject);
                }

                var condition = new WriteCondition(parse.GetValue(ifMatch), IfNoneMatchAny: false);
                return definition is not { } body || problems.Count > 0 ? null : async (ops, ct) =>
                {
                    var (view, created) = await ops.SetAsync(parse.GetValue(alias)!, body, condition, CliActor.Create(), ct);
                    return AliasOutputs.Set(view, created);
                };
            });
        }

        {
            var alias = AliasArgument();
            var ifMatch = IfMatchOption();
            Add(new Command("delete", "Delete an alias and all its targets in one transaction.") { alias, ifMatch }, (parse, _) =>
                async (ops, ct) => AliasOutputs.Deleted(await ops.DeleteAsync(parse.GetValue(alias)!, new WriteCondition(parse.GetValue(ifMatch), false), CliActor.Create(), ct)));
        }

        {
            var alias = AliasArgument();
            var pageSize = new Option<int>("--page-size") { Description = $"Entries per page, 1 to {AuditStore.MaxPageSize}. Default {AuditStore.DefaultPageSize}.", DefaultValueFactory = _ => AuditStore.DefaultPageSize };
            var continuation = new Option<string?>("--continuation-token") { Description = "The token the previous page ended with.", HelpName = "token" };
            Add(new Command("history", "The alias's recorded changes, newest first: who, when, the request id, the targets before and after.") { alias, pageSize, continuation }, (parse, problems) =>
            {
                var size = parse.GetValue(pageSize);
                if (size is < 1 or > AuditStore.MaxPageSize)
                {
                    problems.Add($"--page-size must be 1 to {AuditStore.MaxPageSize}; got {size}.");
                    return null;
                }

                return async (ops, ct) => AliasOutputs.History(parse.GetValue(alias)!, await ops.HistoryAsync(parse.GetValue(alias)!, size, parse.GetValue(continuation), ct));
            });
        }

        return aliases;
    }

    private static Argument<string> AliasArgument() => new("alias") { Description = "The alias (see `aliases list`)." };

    private static Option<string?> IfMatchOption() => new("--if-match")
    {
        Description = "Change the alias only if its etag is still this one (as `aliases show` printed it); * for any existing alias.",
        HelpName = "etag",
    };

    private static JsonElement? ReadFile(string path, List<string> problems)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            return document.RootElement.Clone();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            problems.Add($"--file '{path}' could not be read as JSON: {ex.Message}");
            return null;
        }
    }

    /// <summary>The endpoint names to check targets against, or null (with a note) when none are known.</summary>
    private static IReadOnlyCollection<string>? Endpoints(CommandInvocation invocation, TextWriter notes)
    {
        if (invocation.Settings[EndpointsKey] is { Length: > 0 } list)
        {
            return list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        }

        var configured = invocation.Settings.GetSection("Router:Endpoints").GetChildren().Select(section => section.Key).ToList();
        if (configured.Count > 0)
        {
            return configured;
        }

        notes.WriteLine($"Endpoint names are not checked: give --endpoints (or ${EndpointsKey}) with the gateway's endpoint names.");
        return null;
    }
}
