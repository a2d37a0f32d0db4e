using FunctionsRouter.Gateway.Usage;

namespace FunctionsRouter.Gateway.Tests.Usage;

public sealed class TableConnectionStringTests
{
    [Fact]
    public void Parse_DevelopmentStorage_AzuriteTableEndpointAndWellKnownAccount()
    {
        var parsed = TableConnectionString.Parse("UseDevelopmentStorage=true");

        Assert.Equal(new Uri("http://127.0.0.1:10002/devstoreaccount1"), parsed.TableEndpoint);
        Assert.Equal("devstoreaccount1", parsed.AccountName);
        Assert.NotNull(parsed.AccountKey);
    }

    [Fact]
    public void Parse_AccountAndSuffix_TableEndpointOfTheAccount()
    {
        var parsed = TableConnectionString.Parse("DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=a2V5;EndpointSuffix=core.chinacloudapi.cn");

        Assert.Equal(new Uri("https://acct.table.core.chinacloudapi.cn"), parsed.TableEndpoint);
        Assert.Equal("a2V5", parsed.AccountKey);
    }

    [Fact]
    public void Parse_SasWithTableEndpoint_KeepsTheSasWithoutItsQuestionMark()
    {
        var parsed = TableConnectionString.Parse("TableEndpoint=https://acct.table.core.windows.net/;SharedAccessSignature=?sv=2022&sig=abc%3D");

        Assert.Equal(new Uri("https://acct.table.core.windows.net/"), parsed.TableEndpoint);
        Assert.Null(parsed.AccountKey);
        Assert.Equal("sv=2022&sig=abc%3D", parsed.SharedAccessSignature);
    }

    [Fact]
    public void Parse_NeitherEndpointNorAccount_Throws()
    {
        Assert.Throws<FormatException>(() => TableConnectionString.Parse("AccountKey=a2V5"));
    }
}
