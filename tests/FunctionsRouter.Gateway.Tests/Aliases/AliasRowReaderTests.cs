using Azure.Data.Tables;
using FunctionsRouter.Gateway.Aliases;

namespace FunctionsRouter.Gateway.Tests.Aliases;

public sealed class AliasRowReaderTests
{
    [Fact]
    public void TryRead_OnlyDeployment_UsesDefaults()
    {
        var row = Row(("Deployment", "gpt-4o-2024-11-20"));

        Assert.True(AliasRowReader.TryRead(row, out var target, out var problem));

        Assert.Null(problem);
        AssertTarget(target, "gpt-4o-2024-11-20", "default", enabled: true, priority: 0, weight: 1);
    }

    [Fact]
    public void TryRead_AllColumnsTyped_ReadsThem()
    {
        var row = Row(("Deployment", " dep "), ("Endpoint", " eastus "), ("Enabled", false), ("Priority", 3), ("Weight", 0));

        Assert.True(AliasRowReader.TryRead(row, out var target, out _));

        AssertTarget(target, "dep", "eastus", enabled: false, priority: 3, weight: 0);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void TryRead_EndpointBlank_Default(string? endpoint)
    {
        var row = Row(("Deployment", "d"), ("Endpoint", endpoint));

        Assert.True(AliasRowReader.TryRead(row, out var target, out _));

        Assert.Equal("default", target!.Endpoint);
    }

    public static TheoryData<object?, int> Numbers => new()
    {
        { 5, 5 },
        { 5L, 5 },
        { 5.0, 5 },
        { -2, -2 },
        { "7", 7 },
        { " 8 ", 8 },
        { "-1", -1 },
        { (long)int.MaxValue, int.MaxValue },
    };

    [Theory]
    [MemberData(nameof(Numbers))]
    public void TryRead_PriorityAsNumberOrString_Accepted(object? value, int expected)
    {
        var row = Row(("Deployment", "d"), ("Priority", value));

        Assert.True(AliasRowReader.TryRead(row, out var target, out var problem), problem);

        Assert.Equal(expected, target!.Priority);
    }

    [Theory]
    [InlineData(5, 5)]
    [InlineData(5L, 5)]
    [InlineData(5.0, 5)]
    [InlineData("7", 7)]
    [InlineData("0", 0)]
    public void TryRead_WeightAsNumberOrString_Accepted(object value, int expected)
    {
        var row = Row(("Deployment", "d"), ("Weight", value));

        Assert.True(AliasRowReader.TryRead(row, out var target, out var problem), problem);

        Assert.Equal(expected, target!.Weight);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" ")]
    public void TryRead_NumbersBlank_Defaults(string? value)
    {
        var row = Row(("Deployment", "d"), ("Priority", value), ("Weight", value));

        Assert.True(AliasRowReader.TryRead(row, out var target, out _));

        Assert.Equal(0, target!.Priority);
        Assert.Equal(1, target.Weight);
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("false", false)]
    [InlineData("True", true)]
    [InlineData(" FALSE ", false)]
    [InlineData("1", true)]
    [InlineData("0", false)]
    [InlineData(true, true)]
    [InlineData(false, false)]
    [InlineData(1, true)]
    [InlineData(0, false)]
    [InlineData("", true)]
    public void TryRead_Enabled_Accepted(object value, bool expected)
    {
        var row = Row(("Deployment", "d"), ("Enabled", value));

        Assert.True(AliasRowReader.TryRead(row, out var target, out var problem), problem);

        Assert.Equal(expected, target!.Enabled);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void TryRead_DeploymentMissingOrBlank_Rejected(string? deployment)
    {
        var row = Row(("Deployment", deployment), ("Priority", 1));

        Assert.False(AliasRowReader.TryRead(row, out var target, out var problem));

        Assert.Null(target);
        Assert.Contains("Deployment", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void TryRead_NoDeploymentColumn_Rejected()
    {
        var row = Row(("Endpoint", "default"));

        Assert.False(AliasRowReader.TryRead(row, out var target, out var problem));

        Assert.Null(target);
        Assert.Contains("Deployment", problem, StringComparison.Ordinal);
    }

    public static TheoryData<object> BadNumbers => new()
    {
        "high",
        "1.5",
        "1e3",
        1.5,
        double.NaN,
        double.PositiveInfinity,
        3_000_000_000L,
        1e12,
        true,
    };

    [Theory]
    [MemberData(nameof(BadNumbers))]
    public void TryRead_BadPriority_Rejected(object value)
    {
        var row = Row(("Deployment", "d"), ("Priority", value));

        Assert.False(AliasRowReader.TryRead(row, out var target, out var problem));

        Assert.Null(target);
        Assert.Contains("Priority", problem, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(BadNumbers))]
    public void TryRead_BadWeight_Rejected(object value)
    {
        var row = Row(("Deployment", "d"), ("Weight", value));

        Assert.False(AliasRowReader.TryRead(row, out var target, out var problem));

        Assert.Null(target);
        Assert.Contains("Weight", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData("-5")]
    public void TryRead_NegativeWeight_Rejected(object value)
    {
        var row = Row(("Deployment", "d"), ("Weight", value));

        Assert.False(AliasRowReader.TryRead(row, out _, out var problem));

        Assert.Contains("Weight", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("yes")]
    [InlineData("2")]
    [InlineData(2)]
    [InlineData(1.0)]
    public void TryRead_BadEnabled_Rejected(object value)
    {
        var row = Row(("Deployment", "d"), ("Enabled", value));

        Assert.False(AliasRowReader.TryRead(row, out var target, out var problem));

        Assert.Null(target);
        Assert.Contains("Enabled", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void TryRead_NoPriceColumns_NoPrice()
    {
        var row = Row(("Deployment", "d"));

        Assert.True(AliasRowReader.TryRead(row, out var target, out _));

        Assert.Null(target!.Price);
    }

    [Fact]
    public void TryRead_PriceColumnsAsDoubles_ReadsPrice()
    {
        var row = Row(("Deployment", "d"), ("InputPricePerMillion", 2.5), ("CachedInputPricePerMillion", 1.25), ("OutputPricePerMillion", 10.0));

        Assert.True(AliasRowReader.TryRead(row, out var target, out var problem), problem);

        Assert.Equal(new TargetPrice(2.5m, 1.25m, 10m), target!.Price);
    }

    [Fact]
    public void TryRead_PriceColumnsAsStringsAndWholeNumbers_ReadsPrice()
    {
        var row = Row(("Deployment", "d"), ("InputPricePerMillion", " 0.15 "), ("CachedInputPricePerMillion", 0), ("OutputPricePerMillion", 6L));

        Assert.True(AliasRowReader.TryRead(row, out var target, out var problem), problem);

        Assert.Equal(new TargetPrice(0.15m, 0m, 6m), target!.Price);
    }

    [Fact]
    public void TryRead_PriceColumnsBlank_NoPrice()
    {
        var row = Row(("Deployment", "d"), ("InputPricePerMillion", ""), ("CachedInputPricePerMillion", " "), ("OutputPricePerMillion", null));

        Assert.True(AliasRowReader.TryRead(row, out var target, out var problem), problem);

        Assert.Null(target!.Price);
    }

    public static TheoryData<object> BadPrices => new()
    {
        -0.5,
        "-1",
        "cheap",
        "1,5",
        double.NaN,
        double.PositiveInfinity,
        2e6,
        true,
    };

    [Theory]
    [MemberData(nameof(BadPrices))]
    public void TryRead_BadOutputPrice_Rejected(object value)
    {
        var row = Row(("Deployment", "d"), ("InputPricePerMillion", 1.0), ("CachedInputPricePerMillion", 0.5), ("OutputPricePerMillion", value));

        Assert.False(AliasRowReader.TryRead(row, out var target, out var problem));

        Assert.Null(target);
        Assert.Contains("OutputPricePerMillion", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void TryRead_NegativeInputPrice_Rejected()
    {
        var row = Row(("Deployment", "d"), ("InputPricePerMillion", -1.0), ("CachedInputPricePerMillion", 0.5), ("OutputPricePerMillion", 2.0));

        Assert.False(AliasRowReader.TryRead(row, out _, out var problem));

        Assert.Contains("InputPricePerMillion", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void TryRead_SomePriceColumnsMissing_RejectedNamingThem()
    {
        var row = Row(("Deployment", "d"), ("InputPricePerMillion", 1.0), ("OutputPricePerMillion", 2.0));

        Assert.False(AliasRowReader.TryRead(row, out var target, out var problem));

        Assert.Null(target);
        Assert.Contains("missing: CachedInputPricePerMillion", problem, StringComparison.Ordinal);
    }

    // Compared field by field: AliasTarget's record equality also compares its DeploymentJson array by reference.
    private static void AssertTarget(AliasTarget? target, string deployment, string endpoint, bool enabled, int priority, int weight)
    {
        Assert.NotNull(target);
        Assert.Equal(
            ("fast", "primary", deployment, endpoint, enabled, priority, weight),
            (target.Alias, target.Name, target.Deployment, target.Endpoint, target.Enabled, target.Priority, target.Weight));
    }

    private static TableEntity Row(params (string Name, object? Value)[] columns)
    {
        var row = new TableEntity("fast", "primary");
        foreach (var (name, value) in columns)
        {
            row[name] = value;
        }

        return row;
    }
}
