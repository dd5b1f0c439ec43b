using System.Net;
using System.Net.Http.Json;
using Grassroots.Web.Tests.Infrastructure;

namespace Grassroots.Web.Tests;

public abstract class SmokeTests(GrassrootsApp app)
{
    [Fact]
    public async Task Health_AnswersHealthy()
    {
        var response = await app.AnonymousClient().GetAsync("/health", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task PeopleList_ForPulanCounty_ListsPulanPeopleOnly()
    {
        var client = await app.ClientAsAsync("pulan.county");
        var page = await client.GetFromJsonAsync<PageDto>("/api/people", TestContext.Current.CancellationToken);
        Assert.NotNull(page);
        Assert.Equal([app.Data.PulanCadre.Name, app.Data.PulanTownCadre.Name], page.Items.Select(i => i.Name).Order().ToArray());
        Assert.Equal(2, page.Total);
    }

    public sealed record PageDto(List<ItemDto> Items, int Total, int Page, int PageSize);

    public sealed record ItemDto(Guid Id, string Name, string Kind, string RegionCode, string IdNumber);
}

public sealed class SmokeTestsSqlite(SqliteApp app) : SmokeTests(app), IClassFixture<SqliteApp>;

public sealed class SmokeTestsPostgres(PostgresApp app) : SmokeTests(app), IClassFixture<PostgresApp>;
