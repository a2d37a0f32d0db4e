using System.Net;
using FunctionsRouter.Gateway.Callers;
using FunctionsRouter.Gateway.Tests.Callers;
using FunctionsRouter.Gateway.Tests.Integration;

namespace FunctionsRouter.Gateway.Tests.Limits;

/// <summary>A role row's limits bind each principal admitted through it, with the whole budget each.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class RoleLimitsTests(IntegrationFixture fixture) : IAsyncLifetime
{
    private TestTokenIssuer _issuer = null!;
    private LimitsHost _host = null!;

    public async Task InitializeAsync()
    {
        _issuer = await TestTokenIssuer.StartAsync();
        _host = await LimitsHost.StartAsync(fixture, LimitsHost.NewClock(), issuer: _issuer);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _issuer.DisposeAsync();
    }

    [Fact]
    public async Task RoleRowLimit_TwoPrincipals_EachGetsTheFullBudget()
    {
        await _host.Gateway.RegisterEntraAsync(CallerKind.Role, "Router.Limited");
        await _host.SetLimitsAsync(CallerTable.RoleId("Router.Limited"), """{"rpm":2}""");
        var tokens = new[] { Guid.NewGuid(), Guid.NewGuid() }.Select(oid => "Bearer " + _issuer.CreateToken(oid, roles: ["Router.Limited"])).ToArray();

        foreach (var token in tokens)
        {
            for (var i = 0; i < 2; i++)
            {
                using var admitted = await Send(token);
                Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
            }
        }

        foreach (var token in tokens)
        {
            using var refused = await Send(token);
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            Assert.Equal("rate_limit_exceeded", (await AdmissionHost.ErrorOf(refused)).GetProperty("code").GetString());
        }
    }

    private Task<HttpResponseMessage> Send(string authorization) =>
        _host.SendAsync(HttpMethod.Post, "/api/v1/chat/completions", """{"model":"fast","messages":[{"role":"user","content":"hi"}],"max_tokens":5}""", ("Authorization", authorization));
}
