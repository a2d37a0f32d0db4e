using System.Globalization;
using Azure.Data.Tables;

namespace FunctionsRouter.Gateway.Aliases;

/// <summary>
/// Reads an alias table row. Lenient about column types, because rows edited by hand (Storage Explorer, the portal)
/// often hold numbers and booleans as strings; strict about meaning: a row it cannot use is reported, not guessed.
/// </summary>
internal static class AliasRowReader
{
    public const string DeploymentColumn = "Deployment";
    public const string EndpointColumn = "Endpoint";
    public const string EnabledColumn = "Enabled";
    public const string PriorityColumn = "Priority";
    public const string WeightColumn = "Weight";
    public const string InputPriceColumn = "InputPricePerMillion";
    public const string CachedInputPriceColumn = "CachedInputPricePerMillion";
    public const string OutputPriceColumn = "OutputPricePerMillion";
    public const string DefaultEndpoint = "default";

    /// <summary>
    /// The RowKey of an alias's version row: written by the management API in the same transaction as every change to the
    /// alias, so its ETag is the alias's ETag. Never a target (<c>$</c> is not allowed in a target name); the catalog skips it.
    /// </summary>
    public const string VersionRowKey = "$version";

    /// <summary>Whether the row is an alias's version row rather than a target.</summary>
    public static bool IsVersionRow(TableEntity row) => row.RowKey == VersionRowKey;

    /// <summary>Turns a row into a target, or says why it cannot.</summary>
    public static bool TryRead(TableEntity row, out AliasTarget? target, out string? problem)
    {
        target = null;
        problem = null;
        var deployment = row.TryGetValue(DeploymentColumn, out var d) ? Convert.ToString(d, CultureInfo.InvariantCulture)?.Trim() : null;
        if (string.IsNullOrEmpty(deployment))
        {
            problem = "the Deployment column is missing or empty";
            return false;
        }

        var endpoint = row.TryGetValue(EndpointColumn, out var e) ? Convert.ToString(e, CultureInfo.InvariantCulture)?.Trim() : null;
        if (string.IsNullOrEmpty(endpoint))
        {
            endpoint = DefaultEndpoint;
        }

        if (!TryReadBool(row, EnabledColumn, true, out var enabled))
        {
            problem = "the Enabled column is not a boolean";
            return false;
        }

        if (!TryReadInt(row, PriorityColumn, 0, out var priority))
        {
            problem = "the Priority column is not a whole number";
            return false;
        }

        if (!TryReadInt(row, WeightColumn, 1, out var weight) || weight < 0)
        {
            problem = "the Weight column is not a whole number of zero or more";
            return false;
        }

        if (!TryReadPrice(row, out var price, out problem))
        {
            return false;
        }

        target = new AliasTarget(row.PartitionKey, row.RowKey, deployment, endpoint, enabled, priority, weight) { Price = price };
        return true;
    }

    /// <summary>
    /// The three price columns are set together or not at all: a row with none has no price (its requests carry no
    /// cost); a row with only some would force a guess at the others, so it is reported, like a negative or unreadable one.
    /// </summary>
    private static bool TryReadPrice(TableEntity row, out TargetPrice? price, out string? problem)
    {
        price = null;
        problem = null;
        string[] columns = [InputPriceColumn, CachedInputPriceColumn, OutputPriceColumn];
        var values = new decimal?[columns.Length];
        for (var i = 0; i < columns.Length; i++)
        {
            if (!TryReadPriceColumn(row, columns[i], out values[i]))
            {
                problem = $"the {columns[i]} column is not a price (a number from 0 to 1000000 per million tokens)";
                return false;
            }
        }

        if (Array.TrueForAll(values, v => v is null))
        {
            return true;
        }

        var missing = columns.Where((_, i) => values[i] is null).ToArray();
        if (missing.Length > 0)
        {
            problem = $"the price columns {string.Join(", ", columns)} must be set together (missing: {string.Join(", ", missing)})";
            return false;
        }

        price = new TargetPrice(values[0]!.Value, values[1]!.Value, values[2]!.Value);
        return true;
    }

    private static bool TryReadPriceColumn(TableEntity row, string column, out decimal? value)
    {
        value = null;
        if (!row.TryGetValue(column, out var raw) || raw is null)
        {
            return true;
        }

        double number;
        switch (raw)
        {
            case double dbl:
                number = dbl;
                break;
            case int i:
                number = i;
                break;
            case long l:
                number = l;
                break;
            case string s when string.IsNullOrWhiteSpace(s):
                return true;
            case string s when double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed):
                number = parsed;
                break;
            default:
                return false;
        }

        // Prices are far below a million a million tokens; the bound also keeps the decimal conversion from overflowing.
        if (!double.IsFinite(number) || number is < 0 or > 1_000_000)
        {
            return false;
        }

        value = (decimal)number;
        return true;
    }

    private static bool TryReadBool(TableEntity row, string column, bool fallback, out bool value)
    {
        value = fallback;
        if (!row.TryGetValue(column, out var raw) || raw is null)
        {
            return true;
        }

        switch (raw)
        {
            case bool b:
                value = b;
                return true;
            case string s when string.IsNullOrWhiteSpace(s):
                return true;
            case string s when bool.TryParse(s.Trim(), out var parsed):
                value = parsed;
                return true;
            case string s when s.Trim() is "0" or "1":
                value = s.Trim() == "1";
                return true;
            case int i when i is 0 or 1:
                value = i == 1;
                return true;
            default:
                return false;
        }
    }

    private static bool TryReadInt(TableEntity row, string column, int fallback, out int value)
    {
        value = fallback;
        if (!row.TryGetValue(column, out var raw) || raw is null)
        {
            return true;
        }

        switch (raw)
        {
            case int i:
                value = i;
                return true;
            case long l when l is >= int.MinValue and <= int.MaxValue:
                value = (int)l;
                return true;
            case double dbl when dbl == Math.Floor(dbl) && dbl is >= int.MinValue and <= int.MaxValue:
                value = (int)dbl;
                return true;
            case string s when string.IsNullOrWhiteSpace(s):
                return true;
            case string s when int.TryParse(s.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed):
                value = parsed;
                return true;
            default:
                return false;
        }
    }
}
