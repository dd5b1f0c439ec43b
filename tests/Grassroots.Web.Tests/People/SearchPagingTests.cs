using System.Net.Http.Json;
using Grassroots.Web.Tests.Infrastructure;

namespace Grassroots.Web.Tests.People;

/// <summary>
/// A name search reads the matching ids in order and fetches the page by key: its pages must follow the requested
/// order, count every match, and together hold each match once.
/// </summary>
public abstract class SearchPagingTests(GrassrootsApp app)
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    async Task<SmokeTests.PageDto> ListAsync(HttpClient client, string query) =>
        (await client.GetFromJsonAsync<SmokeTests.PageDto>("/api/people?" + query, Ct))!;

    [Theory]
    [InlineData("stroke")]
    [InlineData("-stroke")]
    [InlineData("birth")]
    public async Task NameSearch_PagedOneByOne_FollowsTheOrder_AndCountsEveryMatch(string sort)
    {
        var client = await app.ClientAsAsync("pulan.county");
        var q = "q=" + Uri.EscapeDataString("次仁") + "&sort=" + sort;

        var whole = await ListAsync(client, q);
        var first = await ListAsync(client, q + "&pageSize=1&page=1");
        var second = await ListAsync(client, q + "&pageSize=1&page=2");

        // 扎西次仁 (扎 4 strokes, born 1988) and 次仁旺堆 (次 6 strokes, born 1992) — both in Pulan.
        var expected = sort == "-stroke"
            ? new[] { app.Data.PulanTownCadre.Id, app.Data.PulanCadre.Id }
            : new[] { app.Data.PulanCadre.Id, app.Data.PulanTownCadre.Id };
        Assert.Equal(expected, whole.Items.Select(i => i.Id).ToArray());
        Assert.Equal(2, first.Total);
        Assert.Equal(2, second.Total);
        Assert.Equal(expected, first.Items.Concat(second.Items).Select(i => i.Id).ToArray());
        Assert.Empty((await ListAsync(client, q + "&pageSize=1&page=3")).Items);
    }
}

public sealed class SearchPagingTestsSqlite(SqliteApp app) : SearchPagingTests(app), IClassFixture<SqliteApp>;

public sealed class SearchPagingTestsPostgres(PostgresApp app) : SearchPagingTests(app), IClassFixture<PostgresApp>;
