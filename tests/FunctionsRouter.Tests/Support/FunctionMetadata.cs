using System.Reflection;
using Microsoft.Azure.Functions.Worker;

namespace FunctionsRouter.Tests.Support;

/// <summary>Reads what the Functions host reads from a function class: its [Function] methods and their [HttpTrigger].</summary>
internal static class FunctionMetadata
{
    /// <summary>Function name → the HTTP trigger on its request parameter.</summary>
    public static IReadOnlyDictionary<string, HttpTriggerAttribute> HttpTriggers(Type functionClass) =>
        functionClass.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)
            .Select(m => (Function: m.GetCustomAttribute<FunctionAttribute>(), Method: m))
            .Where(f => f.Function is not null)
            .ToDictionary(
                f => f.Function!.Name,
                f => f.Method.GetParameters().Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).Single(a => a is not null)!,
                StringComparer.Ordinal);
}
