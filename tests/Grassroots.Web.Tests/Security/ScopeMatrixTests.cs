using System.Net;
using Grassroots.Web.Tests.Infrastructure;
using static Grassroots.Web.Tests.Security.SecurityKit;

namespace Grassroots.Web.Tests.Security;

/// <summary>
/// The scope matrix over HTTP: every business role against a record in its own area, a sibling county and the
/// other prefecture, for detail, list and update. Outside the scope is 404 (no existence leak) and nothing changes.
/// </summary>
public abstract class ScopeMatrixTests(GrassrootsApp app)
{
    /// <summary>Which test records each business role may see (Pulan 542521, Zanda 542522, the prefecture 542500, Pulan town 542521100, Dayu 360723).</summary>
    public static readonly Dictionary<string, string[]> Visible = new()
    {
        ["ali.prefecture"] = ["Pulan", "Zanda", "Prefecture", "PulanTown"],
        ["pulan.county"] = ["Pulan", "PulanTown"],
        ["zanda.county"] = ["Zanda"],
        ["pulan.township"] = ["PulanTown"],
        ["dayu.civil"] = ["Dayu"],
    };

    public static TheoryData<string, string, bool> Matrix()
    {
        var data = new TheoryData<string, string, bool>();
        foreach (var (role, visible) in Visible)
        {
            foreach (var record in new[] { "Pulan", "Zanda", "Prefecture", "PulanTown", "Dayu" })
                data.Add(role, record, visible.Contains(record));
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Detail_InScopeIs200_OutOfScopeIs404(string user, string record, bool inScope)
    {
        var client = await app.SharedClientAsync(user);
        var person = app.Data.Record(record);

        var response = await client.GetAsync($"/api/people/{person.Id}", Ct);

        Assert.Equal(inScope ? HttpStatusCode.OK : HttpStatusCode.NotFound, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync(Ct);
        if (!inScope) Assert.DoesNotContain(person.Name, body, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Update_InScopeIs200_OutOfScopeIs404AndLeavesTheRecordUnchanged(string user, string record, bool inScope)
    {
        var client = await app.SharedClientAsync(user);
        var person = app.Data.Record(record);
        var before = await app.StoredAsync(person.Id);
        var post = $"{user} 修改的职务";

        var response = await client.PutJsonAsync($"/api/people/{person.Id}", PersonBody(person, post));

        var after = await app.StoredAsync(person.Id);
        if (inScope)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(post, after.Post);
            Assert.NotEqual(before.Version, after.Version);
        }
        else
        {
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal(before.Post, after.Post);
            Assert.Equal(before.Version, after.Version);
            Assert.Equal(before.UpdatedAtUtc, after.UpdatedAtUtc);
        }
    }

    [Theory]
    [InlineData("ali.prefecture")]
    [InlineData("pulan.county")]
    [InlineData("zanda.county")]
    [InlineData("pulan.township")]
    [InlineData("dayu.civil")]
    public async Task List_ShowsExactlyTheRecordsInScope(string user)
    {
        var client = await app.SharedClientAsync(user);
        var expected = Visible[user].Select(k => app.Data.Record(k).Id).Order().ToArray();

        var page = await client.ListAsync("/api/people?pageSize=200");

        Assert.Equal(expected, page.Items.Select(i => i.Id).Order().ToArray());
        Assert.Equal(expected.Length, page.Total);
    }

    [Theory]
    [InlineData("pulan.county", "542522")] // sibling county
    [InlineData("pulan.county", "360723")] // the other prefecture
    [InlineData("zanda.county", "542521")]
    [InlineData("pulan.township", "542521")] // its own county is wider than its scope: only its township remains
    [InlineData("pulan.township", "542522")]
    [InlineData("dayu.civil", "542500")]
    [InlineData("ali.prefecture", "360723")]
    [InlineData("ali.prefecture", "360000")]
    public async Task List_FilteredByAnotherRegion_ShowsNothingOutsideScope(string user, string region)
    {
        var client = await app.SharedClientAsync(user);
        var allowed = Visible[user].Select(k => app.Data.Record(k).Id).ToHashSet();

        var page = await client.ListAsync($"/api/people?region={region}&pageSize=200");

        Assert.All(page.Items, i => Assert.Contains(i.Id, allowed));
        Assert.Equal(page.Items.Count, page.Total);
        var regionPeople = app.Data.AllRecords().Where(p => p.RegionPath.Contains($"/{region}/", StringComparison.Ordinal)).Select(p => p.Id);
        Assert.Equal(allowed.Intersect(regionPeople).Order(), page.Items.Select(i => i.Id).Order());
    }

    [Fact]
    public async Task List_ForPrefecture_SeesPulanAndZandaButNotDayu()
    {
        var client = await app.SharedClientAsync("ali.prefecture");

        var ids = (await client.ListAsync("/api/people?pageSize=200")).Items.Select(i => i.Id).ToList();

        Assert.Contains(app.Data.PulanCadre.Id, ids);
        Assert.Contains(app.Data.ZandaCadre.Id, ids);
        Assert.DoesNotContain(app.Data.DayuWorker.Id, ids);
    }

    [Fact]
    public async Task List_ForCivilAffairs_ShowsCommunityWorkersOnly()
    {
        var client = await app.SharedClientAsync("dayu.civil");

        var page = await client.ListAsync("/api/people?pageSize=200");
        var cadres = await client.ListAsync("/api/people?kind=cadre&pageSize=200");

        Assert.NotEmpty(page.Items);
        Assert.All(page.Items, i => Assert.Equal("communityWorker", i.Kind));
        Assert.Empty(cadres.Items);
        Assert.Equal(0, cadres.Total);
    }

    [Theory]
    [InlineData("sysadmin")]
    [InlineData("secadmin")]
    [InlineData("auditor")]
    public async Task AdminRoles_AreRefusedOnPeopleEndpoints_AndSeeNoCadreData(string user)
    {
        var client = await app.SharedClientAsync(user);
        var pulan = app.Data.PulanCadre;
        var before = await app.StoredAsync(pulan.Id);

        HttpResponseMessage[] responses =
        [
            await client.GetAsync("/api/people", Ct),
            await client.GetAsync("/api/people?region=542521", Ct),
            await client.GetAsync($"/api/people/{pulan.Id}", Ct),
            await client.PutJsonAsync($"/api/people/{pulan.Id}", PersonBody(pulan, "管理员改的职务")),
            await client.PostJsonAsync($"/api/people/{pulan.Id}/reveal", new System.Text.Json.Nodes.JsonObject { ["reason"] = "核对档案" }),
        ];

        foreach (var response in responses)
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            var body = await response.Content.ReadAsStringAsync(Ct);
            foreach (var p in app.Data.AllRecords())
            {
                Assert.DoesNotContain(p.Name, body, StringComparison.Ordinal);
                Assert.DoesNotContain(p.IdNumber.Value[..6] + "*", body, StringComparison.Ordinal);
            }
        }
        var after = await app.StoredAsync(pulan.Id);
        Assert.Equal(before.Version, after.Version);
    }
}

public sealed class ScopeMatrixTestsSqlite(SqliteApp app) : ScopeMatrixTests(app), IClassFixture<SqliteApp>;

public sealed class ScopeMatrixTestsPostgres(PostgresApp app) : ScopeMatrixTests(app), IClassFixture<PostgresApp>;
