using System.Net;
using System.Text.Json.Nodes;
using Grassroots.People;
using Grassroots.Web.Tests.Infrastructure;
using static Grassroots.Web.Tests.Security.SecurityKit;

namespace Grassroots.Web.Tests.Security;

/// <summary>
/// Requests that try to widen their scope or slip in fields: extra JSON properties, another county's unit,
/// scope in the query or a header, SQL and LIKE meta-characters in filters. None of them changes what a user
/// may see or edit; none gives a 500.
/// </summary>
public abstract class TamperingTests(GrassrootsApp app)
{
    // ---- Mass assignment -------------------------------------------------------------------------------

    public static TheoryData<string, string> ExtraFields() => new()
    {
        { "regionCode", "\"542522\"" },
        { "regionPath", "\"/\"" },
        { "scope", "\"/\"" },
        { "scopeCode", "\"542500\"" },
        { "userId", "\"0195f1a2-7c1e-7a52-9f0e-2f6d3c4b5a69\"" },
        { "params[dataScope]", "\"1\"" },
        { "params", "{\"dataScope\":\"1\"}" },
        { "id", "\"0195f1a2-7c1e-7a52-9f0e-2f6d3c4b5a70\"" },
        { "createdAtUtc", "\"2020-01-01T00:00:00Z\"" },
        { "status", "\"approved\"" },
    };

    [Theory]
    [MemberData(nameof(ExtraFields))]
    public async Task Update_WithAFieldClientsMayNotSet_Is400AndChangesNothing(string field, string json)
    {
        var client = await app.SharedClientAsync("pulan.county");
        var person = app.Data.PulanCadre;
        var before = await app.StoredAsync(person.Id);
        var body = PersonBody(person, "越权修改的职务");
        body[field] = JsonNode.Parse(json);

        var response = await client.PutJsonAsync($"/api/people/{person.Id}", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var after = await app.StoredAsync(person.Id);
        Assert.Equal(before.Version, after.Version);
        Assert.Equal(before.Post, after.Post);
        Assert.Equal(before.RegionCode, after.RegionCode);
        Assert.Equal(before.RegionPath, after.RegionPath);
    }

    [Theory]
    [MemberData(nameof(ExtraFields))]
    public async Task Create_WithAFieldClientsMayNotSet_Is400AndCreatesNothing(string field, string json)
    {
        var client = await app.SharedClientAsync("pulan.county");
        var count = await app.PeopleCountAsync();
        var body = NewCadreBody("格桑", TestData.MakeId("542521", new DateOnly(1991, 4, 5), 71), app.Data.PulanUnit);
        body[field] = JsonNode.Parse(json);

        var response = await client.PostJsonAsync("/api/people", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(count, await app.PeopleCountAsync());
    }

    [Fact]
    public async Task Update_WithAStaleOrMadeUpVersion_IsAConflictAndChangesNothing()
    {
        var client = await app.SharedClientAsync("pulan.county");
        var person = app.Data.PulanTownCadre;
        var before = await app.StoredAsync(person.Id);
        var body = PersonBody(person, "版本号篡改");
        body["version"] = Guid.NewGuid().ToString();

        var response = await client.PutJsonAsync($"/api/people/{person.Id}", body);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var after = await app.StoredAsync(person.Id);
        Assert.Equal(before.Version, after.Version);
        Assert.Equal(before.Post, after.Post);
    }

    [Fact]
    public async Task Update_NamingAnotherCountysUnit_Is400OnUnitIdAndChangesNothing()
    {
        var client = await app.SharedClientAsync("pulan.county");
        var person = app.Data.PulanCadre;
        var before = await app.StoredAsync(person.Id);
        var body = PersonBody(person);
        body["unitId"] = app.Data.ZandaUnit.Id.ToString();

        var response = await client.PutJsonAsync($"/api/people/{person.Id}", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.ProblemAsync();
        Assert.NotNull(problem.Errors);
        Assert.Contains("unitId", problem.Errors.Keys);
        var after = await app.StoredAsync(person.Id);
        Assert.Equal(before.UnitId, after.UnitId);
        Assert.Equal(before.RegionPath, after.RegionPath);
        Assert.Equal(before.Version, after.Version);
    }

    [Fact]
    public async Task Update_NamingACommunityOfAnotherPrefecture_Is400OnCommunityIdAndChangesNothing()
    {
        var client = await app.SharedClientAsync("pulan.county");
        var person = app.Data.PulanCadre;
        var before = await app.StoredAsync(person.Id);
        var body = PersonBody(person);
        body["kind"] = "communityWorker";
        body["unitId"] = null;
        body["communityId"] = app.Data.DayuCommunity.Id.ToString();

        var response = await client.PutJsonAsync($"/api/people/{person.Id}", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("communityId", (await response.ProblemAsync()).Errors!.Keys);
        var after = await app.StoredAsync(person.Id);
        Assert.Equal(before.Kind, after.Kind);
        Assert.Equal(before.RegionPath, after.RegionPath);
        Assert.Equal(before.Version, after.Version);
    }

    [Fact]
    public async Task Create_InAnotherCountysUnit_Is400OnUnitIdAndCreatesNothing()
    {
        var client = await app.SharedClientAsync("pulan.county");
        var count = await app.PeopleCountAsync();
        var body = NewCadreBody("索朗", TestData.MakeId("542522", new DateOnly(1993, 8, 8), 33), app.Data.ZandaUnit);

        var response = await client.PostJsonAsync("/api/people", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("unitId", (await response.ProblemAsync()).Errors!.Keys);
        Assert.Equal(count, await app.PeopleCountAsync());
    }

    [Fact]
    public async Task Update_WithABadIdNumberCheckDigit_Is400WithAClearMessageOnIdNumber()
    {
        var client = await app.SharedClientAsync("pulan.county");
        var person = app.Data.PulanCadre;
        var before = await app.StoredAsync(person.Id);
        var body = PersonBody(person);
        body["idNumber"] = "542521198803140011";

        var response = await client.PutJsonAsync($"/api/people/{person.Id}", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.ProblemAsync();
        Assert.NotNull(problem.Errors);
        Assert.Contains(problem.Errors["idNumber"], m => m.Contains("校验码", StringComparison.Ordinal));
        Assert.Equal(before.IdNumber, (await app.StoredAsync(person.Id)).IdNumber);
    }

    // ---- Scope from the request --------------------------------------------------------------------------

    [Theory]
    [InlineData("?scope=/")]
    [InlineData("?scope=%2F540000%2F")]
    [InlineData("?regionCode=542522")]
    [InlineData("?scopeCode=542500")]
    [InlineData("?params[dataScope]=1")]
    [InlineData("?dataScope=all")]
    [InlineData("?userId=00000000-0000-0000-0000-000000000000")]
    public async Task List_WithScopeInTheQuery_ChangesNothing(string query)
    {
        var client = await app.SharedClientAsync("pulan.county");
        var plain = await client.ListAsync("/api/people?pageSize=200");

        var tampered = await client.ListAsync("/api/people" + query + "&pageSize=200");

        Assert.Equal(plain.Items.Select(i => i.Id).Order(), tampered.Items.Select(i => i.Id).Order());
        Assert.Equal(plain.Total, tampered.Total);
        Assert.DoesNotContain(app.Data.ZandaCadre.Id, tampered.Items.Select(i => i.Id));
    }

    [Theory]
    [InlineData("X-Scope", "/")]
    [InlineData("X-Region-Code", "542522")]
    [InlineData("X-Data-Scope", "all")]
    [InlineData("X-Forwarded-User", "ali.prefecture")]
    public async Task Requests_WithScopeInAHeader_ChangeNothing(string header, string value)
    {
        var client = await app.ClientAsAsync("pulan.county");
        var plain = await client.ListAsync("/api/people?pageSize=200");
        client.DefaultRequestHeaders.Add(header, value);
        var zanda = app.Data.ZandaCadre;
        var before = await app.StoredAsync(zanda.Id);

        var list = await client.ListAsync("/api/people?pageSize=200");
        var detail = await client.GetAsync($"/api/people/{zanda.Id}?scope=/", Ct);
        var update = await client.PutJsonAsync($"/api/people/{zanda.Id}?scope=/&regionCode=542522", PersonBody(zanda, "越权修改"));

        Assert.Equal(plain.Items.Select(i => i.Id).Order(), list.Items.Select(i => i.Id).Order());
        Assert.DoesNotContain(zanda.Id, list.Items.Select(i => i.Id));
        Assert.Equal(HttpStatusCode.NotFound, detail.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, update.StatusCode);
        Assert.Equal(before.Version, (await app.StoredAsync(zanda.Id)).Version);
    }

    // ---- Injection payloads in filters ---------------------------------------------------------------------

    public static TheoryData<string, string> Payloads()
    {
        string[] values =
        [
            "' OR 1=1 --", "\" OR \"\"=\"", "1; DROP TABLE \"People\"; --", ";DROP TABLE People", "' UNION SELECT * FROM \"AspNetUsers\" --",
            "%", "_", "%%", "%_%", "\\", "\\%", "[a-z]", "*", "'", "\u0000", "扎西\u0000' OR 1=1", "\u202e次仁", "🙂", "ｚｘ", "542521%", "/",
            "../../etc/passwd", "<script>alert(1)</script>", new string('扎', 51),
        ];
        var data = new TheoryData<string, string>();
        foreach (var field in new[] { "q", "sort", "region", "kind", "line" })
        {
            foreach (var v in values) data.Add(field, v);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Payloads))]
    public async Task List_WithAnInjectionPayloadInAFilter_AnswersBadRequestOrAScopedResult_NeverAnError(string field, string payload)
    {
        var client = await app.SharedClientAsync("pulan.county");
        var allowed = new[] { app.Data.PulanCadre.Id, app.Data.PulanTownCadre.Id, (await PercentPersonAsync()).Id }.ToHashSet();
        var count = await app.PeopleCountAsync();

        var response = await client.GetAsync($"/api/people?{field}={Uri.EscapeDataString(payload)}&pageSize=200", Ct);

        Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.BadRequest, $"{field}={payload} gave {(int)response.StatusCode}");
        var body = await response.Content.ReadAsStringAsync(Ct);
        foreach (var outside in new[] { app.Data.ZandaCadre, app.Data.PrefectureCadre, app.Data.DayuWorker })
            Assert.DoesNotContain(outside.Name, body, StringComparison.Ordinal);
        if (response.StatusCode == HttpStatusCode.OK)
        {
            var page = System.Text.Json.JsonSerializer.Deserialize<PageDto>(body, System.Text.Json.JsonSerializerOptions.Web)!;
            Assert.All(page.Items, i => Assert.Contains(i.Id, allowed));
        }
        // The database is intact.
        Assert.Equal(count, await app.PeopleCountAsync());
    }

    [Theory]
    [InlineData("sort", "name; DROP TABLE People")]
    [InlineData("sort", "IdNumber")]
    [InlineData("sort", "-idNumber")]
    [InlineData("sort", "Phone")]
    [InlineData("sort", "stroke desc")]
    [InlineData("region", "542521' OR '1'='1")]
    [InlineData("region", "5425%")]
    [InlineData("region", "999999")]
    [InlineData("q", "扎西\t次仁")]
    [InlineData("q", "扎西\u0000")]
    [InlineData("unitId", "' OR 1=1 --")]
    [InlineData("page", "1 OR 1=1")]
    public async Task List_WithAMalformedSortOrFilter_Is400(string field, string payload)
    {
        var client = await app.SharedClientAsync("pulan.county");

        var response = await client.GetAsync($"/api/people?{field}={Uri.EscapeDataString(payload)}", Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.DoesNotContain(app.Data.PulanCadre.Name, body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("pulan.county", "/api/people?q=")]
    [InlineData("pulan.county", "/api/people?region=")]
    [InlineData("pulan.county", "/api/villages?q=")]
    [InlineData("pulan.county", "/api/units?q=")]
    [InlineData("dayu.civil", "/api/communities?q=")]
    [InlineData("auditor", "/api/audit?user=")]
    [InlineData("auditor", "/api/audit?objectId=")]
    public async Task Requests_WithANulCharacterInAQueryValue_Are400(string user, string url)
    {
        var client = await app.SharedClientAsync(user);

        var response = await client.GetAsync(url + "%00abc", Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData("%")]
    [InlineData("_")]
    [InlineData("100%")]
    [InlineData("_A组")]
    public async Task Search_TreatsLikeWildcardsLiterally(string q)
    {
        var client = await app.SharedClientAsync("pulan.county");
        var percent = await PercentPersonAsync();

        var page = await client.ListAsync($"/api/people?q={Uri.EscapeDataString(q)}");

        Assert.Equal([percent.Id], page.Items.Select(i => i.Id).ToArray());
        Assert.Equal(1, page.Total);
    }

    [Theory]
    [InlineData("%")]
    [InlineData("_")]
    public async Task Search_WithAWildcard_FindsNothingOutsideScope(string q)
    {
        var client = await app.SharedClientAsync("zanda.county");
        await PercentPersonAsync();

        var page = await client.ListAsync($"/api/people?q={Uri.EscapeDataString(q)}");

        Assert.Empty(page.Items);
        Assert.Equal(0, page.Total);
    }

    [Theory]
    [InlineData("扎西", "Pulan")]
    [InlineData("次仁", "Pulan,PulanTown")]
    [InlineData("卓玛", "")]
    [InlineData("zxcr", "Pulan")]
    public async Task Search_ByNameOrInitials_FindsOnlyWithinScope(string q, string expected)
    {
        var client = await app.SharedClientAsync("pulan.county");
        var ids = expected.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(k => app.Data.Record(k).Id).Order().ToArray();

        var page = await client.ListAsync($"/api/people?q={Uri.EscapeDataString(q)}");

        Assert.Equal(ids, page.Items.Select(i => i.Id).Order().ToArray());
    }

    /// <summary>A Pulan person whose post holds LIKE wildcards, so a search for % or _ has exactly one right answer.</summary>
    async Task<Person> PercentPersonAsync()
    {
        var id = TestData.MakeId("542521", new DateOnly(1987, 6, 6), 91);
        return await app.WithSystemDbAsync(async db =>
        {
            var existing = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.FirstOrDefaultAsync(db.People, p => p.IdNumber == id, Ct);
            if (existing is not null) return existing;
            // The unit's name carries the LIKE wildcards: the search matches people by name or by unit.
            var unit = new Unit { Name = "驻村工作队_A组（脱产100%）", Level = UnitLevel.County, Sector = "农牧", RegionCode = app.Data.PulanUnit.RegionCode, RegionPath = app.Data.PulanUnit.RegionPath };
            db.Units.Add(unit);
            var p = new Person
            {
                Kind = PersonKind.Cadre,
                Name = "洛桑",
                NameSortKey = Grassroots.Common.ChineseText.StrokeSortKey("洛桑"),
                NameInitials = Grassroots.Common.ChineseText.PinyinInitials("洛桑"),
                GenderCode = "1",
                EthnicCode = "01",
                BirthDate = id.BirthDate,
                IdNumber = id,
                PoliticalStatusCode = "13",
                EducationCode = "21",
                StaffStatus = StaffStatus.Established,
                UnitId = unit.Id,
                Post = "驻村队员",
                Line = CadreLine.Agriculture,
                RegionCode = unit.RegionCode,
                RegionPath = unit.RegionPath,
            };
            db.People.Add(p);
            await db.SaveChangesAsync(Ct);
            return p;
        });
    }
}

public sealed class TamperingTestsSqlite(SqliteApp app) : TamperingTests(app), IClassFixture<SqliteApp>;

public sealed class TamperingTestsPostgres(PostgresApp app) : TamperingTests(app), IClassFixture<PostgresApp>;
