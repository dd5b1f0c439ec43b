using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Grassroots.Manage;
using Grassroots.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Grassroots.Web.Tests.Manage;

/// <summary>Leave and return over HTTP (S-MNG-2, S-MNG-4, S-MNG-7): routing, key periods, two-level approval, return and overdue, concurrency.</summary>
public abstract class LeaveTests(GrassrootsApp app)
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    DateOnly Today => new(2026, 11, 27);

    static async Task<JsonElement> JsonAsync(HttpResponseMessage r) => JsonDocument.Parse(await r.Content.ReadAsStringAsync(Ct)).RootElement.Clone();

    static async Task<JsonElement> AskAsync(StationedCadre cadre, DateOnly start, DateOnly end, string kind = "personal")
    {
        var response = await cadre.Client.PostAsJsonAsync("/api/leave", new { kind, startDate = start, endDate = end, reason = "家中有事", destination = "拉萨" }, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await JsonAsync(response);
    }

    [Theory]
    [InlineData(3, "Township", "乡镇")]
    [InlineData(4, "CountyOffice", "县驻村办")]
    [InlineData(7, "CountyOffice", "县驻村办")]
    [InlineData(8, "CountyOrg", "县委组织部")]
    public async Task Ask_IsRoutedByLength(int days, string level, string levelName)
    {
        var cadre = await ManageKit.NewCadreAsync(app);
        var leave = await AskAsync(cadre, Today.AddDays(5), Today.AddDays(4 + days));
        Assert.Equal(level, leave.GetProperty("level").GetString());
        Assert.Equal(levelName, leave.GetProperty("levelName").GetString());
        Assert.Equal(days, leave.GetProperty("days").GetInt32());
        Assert.Equal("Pending", leave.GetProperty("status").GetString());
    }

    [Fact]
    public async Task ShortLeave_IsApprovedByTheTownship_NotByTheCounty()
    {
        var cadre = await ManageKit.NewCadreAsync(app);
        var leave = await AskAsync(cadre, Today.AddDays(2), Today.AddDays(4));
        var id = leave.GetProperty("id").GetGuid();

        var county = await app.ClientAsAsync("pulan.county");
        Assert.Equal(HttpStatusCode.Forbidden, (await county.PostAsJsonAsync($"/api/leave/{id}/approve", new { }, Ct)).StatusCode);
        var township = await app.ClientAsAsync("pulan.township");
        var approved = await township.PostAsJsonAsync($"/api/leave/{id}/approve", new { note = "同意" }, Ct);

        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        var json = await JsonAsync(approved);
        Assert.Equal("Approved", json.GetProperty("status").GetString());
        Assert.Equal("普兰镇", json.GetProperty("decidedBy").GetString());
    }

    [Fact]
    public async Task LongerLeave_IsApprovedByTheCounty_NotByTheTownship()
    {
        var cadre = await ManageKit.NewCadreAsync(app);
        var id = (await AskAsync(cadre, Today.AddDays(2), Today.AddDays(7))).GetProperty("id").GetGuid();

        var township = await app.ClientAsAsync("pulan.township");
        var refused = await township.PostAsJsonAsync($"/api/leave/{id}/approve", new { }, Ct);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("县驻村办", (await JsonAsync(refused)).GetProperty("title").GetString());

        var county = await app.ClientAsAsync("pulan.county");
        Assert.Equal(HttpStatusCode.OK, (await county.PostAsJsonAsync($"/api/leave/{id}/approve", new { }, Ct)).StatusCode);
    }

    [Fact]
    public async Task KeyPeriod_SendsEvenShortLeaveToTheCountyOrganisationDepartment()
    {
        var county = await app.ClientAsAsync("pulan.county");
        var period = await county.PostAsJsonAsync("/api/key-periods", new { name = "藏历新年", startDate = Today.AddDays(40), endDate = Today.AddDays(50) }, Ct);
        Assert.Equal(HttpStatusCode.Created, period.StatusCode);
        var cadre = await ManageKit.NewCadreAsync(app);

        var leave = await AskAsync(cadre, Today.AddDays(49), Today.AddDays(50));
        Assert.Equal("CountyOrg", leave.GetProperty("level").GetString());
        Assert.Equal("藏历新年", leave.GetProperty("keyPeriodName").GetString());
        var id = leave.GetProperty("id").GetGuid();

        var township = await app.ClientAsAsync("pulan.township");
        var refused = await township.PostAsJsonAsync($"/api/leave/{id}/approve", new { }, Ct);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("重要时间节点", (await JsonAsync(refused)).GetProperty("title").GetString());
        Assert.Equal(HttpStatusCode.OK, (await county.PostAsJsonAsync($"/api/leave/{id}/approve", new { }, Ct)).StatusCode);

        // Leave outside the period keeps its ordinary route.
        Assert.Equal("Township", (await AskAsync(cadre, Today.AddDays(52), Today.AddDays(53))).GetProperty("level").GetString());
    }

    [Fact]
    public async Task KeyPeriod_OfAnotherCounty_DoesNotApply_AndItsEditorIsScoped()
    {
        var zanda = await app.ClientAsAsync("zanda.county");
        var created = await JsonAsync(await zanda.PostAsJsonAsync("/api/key-periods", new { name = "札达节点", startDate = Today.AddDays(60), endDate = Today.AddDays(62) }, Ct));
        var cadre = await ManageKit.NewCadreAsync(app);

        Assert.Equal("Township", (await AskAsync(cadre, Today.AddDays(60), Today.AddDays(61))).GetProperty("level").GetString());
        var pulan = await app.ClientAsAsync("pulan.county");
        var periods = await pulan.GetFromJsonAsync<JsonElement>("/api/key-periods", Ct);
        Assert.DoesNotContain(periods.EnumerateArray(), p => p.GetProperty("name").GetString() == "札达节点");
        Assert.Equal(HttpStatusCode.NotFound, (await pulan.DeleteAsync($"/api/key-periods/{created.GetProperty("id").GetGuid()}", Ct)).StatusCode);
        var township = await app.ClientAsAsync("pulan.township");
        Assert.Equal(HttpStatusCode.Forbidden, (await township.PostAsJsonAsync("/api/key-periods", new { name = "x", startDate = Today, endDate = Today }, Ct)).StatusCode);
    }

    [Fact]
    public async Task KeyPeriod_OfThePrefecture_AppliesToEveryCounty_AndCountiesSeeItReadOnly()
    {
        var prefecture = await app.ClientAsAsync("ali.prefecture");
        var created = await JsonAsync(await prefecture.PostAsJsonAsync("/api/key-periods", new { name = "全区节点", startDate = Today.AddDays(70), endDate = Today.AddDays(72) }, Ct));
        var cadre = await ManageKit.NewCadreAsync(app, ManageKit.BageVillage);

        Assert.Equal("CountyOrg", (await AskAsync(cadre, Today.AddDays(72), Today.AddDays(72))).GetProperty("level").GetString());
        var county = await app.ClientAsAsync("pulan.county");
        var seen = (await county.GetFromJsonAsync<JsonElement>("/api/key-periods", Ct)).EnumerateArray().Single(p => p.GetProperty("name").GetString() == "全区节点");
        Assert.False(seen.GetProperty("canEdit").GetBoolean());
        Assert.Equal(HttpStatusCode.NotFound, (await county.DeleteAsync($"/api/key-periods/{created.GetProperty("id").GetGuid()}", Ct)).StatusCode);
    }

    [Fact]
    public async Task Return_RecordsTheDayBack_AndOnlyAfterApproval()
    {
        var cadre = await ManageKit.NewCadreAsync(app);
        var id = (await AskAsync(cadre, Today.AddDays(-3), Today.AddDays(-1))).GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.Conflict, (await cadre.Client.PostAsJsonAsync($"/api/leave/{id}/return", new { }, Ct)).StatusCode);

        var township = await app.ClientAsAsync("pulan.township");
        await township.PostAsJsonAsync($"/api/leave/{id}/approve", new { }, Ct);
        var back = await cadre.Client.PostAsJsonAsync($"/api/leave/{id}/return", new { returnedOn = Today.AddDays(-2) }, Ct);

        Assert.Equal(HttpStatusCode.OK, back.StatusCode);
        var json = await JsonAsync(back);
        Assert.Equal("Returned", json.GetProperty("status").GetString());
        Assert.Equal("2026-11-25", json.GetProperty("returnedOn").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await cadre.Client.PostAsJsonAsync($"/api/leave/{id}/return", new { }, Ct)).StatusCode);
    }

    [Fact]
    public async Task Return_InTheFutureOrBeforeTheLeave_IsRefused400()
    {
        var cadre = await ManageKit.NewCadreAsync(app);
        var id = (await AskAsync(cadre, Today.AddDays(-2), Today.AddDays(1))).GetProperty("id").GetGuid();
        await (await app.ClientAsAsync("pulan.county")).PostAsJsonAsync($"/api/leave/{id}/approve", new { }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, (await cadre.Client.PostAsJsonAsync($"/api/leave/{id}/return", new { returnedOn = Today.AddDays(1) }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await cadre.Client.PostAsJsonAsync($"/api/leave/{id}/return", new { returnedOn = Today.AddDays(-3) }, Ct)).StatusCode);
    }

    [Fact]
    public async Task OverdueReturn_IsListedForTheOffices_UntilTheCadreReturns()
    {
        var cadre = await ManageKit.NewCadreAsync(app);
        var id = (await AskAsync(cadre, Today.AddDays(-3), Today.AddDays(-2))).GetProperty("id").GetGuid();
        var township = await app.ClientAsAsync("pulan.township");
        await township.PostAsJsonAsync($"/api/leave/{id}/approve", new { }, Ct);

        var overdue = await township.GetFromJsonAsync<JsonElement>("/api/leave?view=overdue&pageSize=200", Ct);
        var row = overdue.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("id").GetGuid() == id);
        Assert.True(row.GetProperty("overdue").GetBoolean());
        Assert.Equal(2, row.GetProperty("overdueDays").GetInt32());
        var county = await app.ClientAsAsync("pulan.county");
        Assert.Contains((await county.GetFromJsonAsync<JsonElement>("/api/leave?view=overdue&pageSize=200", Ct)).GetProperty("items").EnumerateArray(), i => i.GetProperty("id").GetGuid() == id);

        await cadre.Client.PostAsJsonAsync($"/api/leave/{id}/return", new { }, Ct);
        overdue = await township.GetFromJsonAsync<JsonElement>("/api/leave?view=overdue&pageSize=200", Ct);
        Assert.DoesNotContain(overdue.GetProperty("items").EnumerateArray(), i => i.GetProperty("id").GetGuid() == id);
    }

    [Fact]
    public async Task TwoApproversAtOnce_OneWins_TheOtherGets409_AndNothingIsHalfApplied()
    {
        for (var round = 0; round < 3; round++)
        {
            var cadre = await ManageKit.NewCadreAsync(app);
            var leave = await AskAsync(cadre, Today.AddDays(10), Today.AddDays(11));
            var id = leave.GetProperty("id").GetGuid();
            var version = leave.GetProperty("version").GetGuid();
            var first = await app.ClientAsAsync("pulan.township");
            var second = await app.ClientAsAsync("pulan.township");

            using var start = new ManualResetEventSlim();
            var approve = Task.Run(async () => { start.Wait(Ct); return await first.PostAsJsonAsync($"/api/leave/{id}/approve", new { version, note = "同意" }, Ct); }, Ct);
            var reject = Task.Run(async () => { start.Wait(Ct); return await second.PostAsJsonAsync($"/api/leave/{id}/reject", new { version, note = "工作需要" }, Ct); }, Ct);
            start.Set();
            var results = await Task.WhenAll(approve, reject);

            Assert.Single(results, r => r.StatusCode == HttpStatusCode.OK);
            Assert.Single(results, r => r.StatusCode == HttpStatusCode.Conflict);
            var winner = await JsonAsync(results.Single(r => r.StatusCode == HttpStatusCode.OK));
            var stored = await app.WithSystemDbAsync(db => db.LeaveRequests.IgnoreQueryFilters().AsNoTracking().SingleAsync(l => l.Id == id));
            Assert.Equal(winner.GetProperty("status").GetString(), stored.Status.ToString());
            Assert.Equal(stored.Status == LeaveStatus.Approved ? "同意" : "工作需要", stored.DecisionNote);
            var decisions = await app.WithSystemDbAsync(db => db.AuditEntries.CountAsync(a => a.ObjectType == nameof(LeaveRequest) && a.ObjectId == id.ToString() && a.Event == "update"));
            Assert.Equal(1, decisions);
        }
    }

    [Fact]
    public async Task Decision_WithAStaleVersion_Is409()
    {
        var cadre = await ManageKit.NewCadreAsync(app);
        var id = (await AskAsync(cadre, Today.AddDays(3), Today.AddDays(3))).GetProperty("id").GetGuid();
        var township = await app.ClientAsAsync("pulan.township");
        Assert.Equal(HttpStatusCode.Conflict, (await township.PostAsJsonAsync($"/api/leave/{id}/approve", new { version = Guid.NewGuid() }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await township.PostAsJsonAsync($"/api/leave/{id}/reject", new { note = "不同意" }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await township.PostAsJsonAsync($"/api/leave/{id}/approve", new { }, Ct)).StatusCode);
    }

    [Fact]
    public async Task Reject_WithoutANote_Is400()
    {
        var cadre = await ManageKit.NewCadreAsync(app);
        var id = (await AskAsync(cadre, Today.AddDays(3), Today.AddDays(3))).GetProperty("id").GetGuid();
        var township = await app.ClientAsAsync("pulan.township");
        Assert.Equal(HttpStatusCode.BadRequest, (await township.PostAsJsonAsync($"/api/leave/{id}/reject", new { }, Ct)).StatusCode);
    }

    [Fact]
    public async Task Leave_IsInvisibleToTheSiblingCounty_AndToAnotherTownship()
    {
        var cadre = await ManageKit.NewCadreAsync(app, ManageKit.BageVillage);
        var id = (await AskAsync(cadre, Today.AddDays(3), Today.AddDays(3))).GetProperty("id").GetGuid();
        var zanda = await app.ClientAsAsync("zanda.county");
        Assert.Equal(HttpStatusCode.NotFound, (await zanda.GetAsync($"/api/leave/{id}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await zanda.PostAsJsonAsync($"/api/leave/{id}/approve", new { }, Ct)).StatusCode);
        // Bage is a township of Pulan county, not Pulan town.
        var pulanTown = await app.ClientAsAsync("pulan.township");
        Assert.Equal(HttpStatusCode.NotFound, (await pulanTown.PostAsJsonAsync($"/api/leave/{id}/approve", new { }, Ct)).StatusCode);
        var prefecture = await app.ClientAsAsync("ali.prefecture");
        Assert.Equal(HttpStatusCode.OK, (await prefecture.GetAsync($"/api/leave/{id}", Ct)).StatusCode);
    }

    [Fact]
    public async Task Ask_OverlappingAnotherRequest_Is422_AndBadDatesAre400()
    {
        var cadre = await ManageKit.NewCadreAsync(app);
        await AskAsync(cadre, Today.AddDays(5), Today.AddDays(6));
        var overlap = await cadre.Client.PostAsJsonAsync("/api/leave", new { kind = "sick", startDate = Today.AddDays(6), endDate = Today.AddDays(8), reason = "看病" }, Ct);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, overlap.StatusCode);
        Assert.Contains("重叠", (await JsonAsync(overlap)).GetProperty("title").GetString());

        var bad = await cadre.Client.PostAsJsonAsync("/api/leave", new { kind = "holiday", startDate = Today.AddDays(9), endDate = Today.AddDays(8), reason = "" }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = (await JsonAsync(bad)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("kind", out _));
        Assert.True(errors.TryGetProperty("endDate", out _));
        Assert.True(errors.TryGetProperty("reason", out _));
    }

    [Fact]
    public async Task Cancel_WithdrawsAPendingRequest_ByItsOwnerOnly()
    {
        var cadre = await ManageKit.NewCadreAsync(app);
        var other = await ManageKit.NewCadreAsync(app);
        var id = (await AskAsync(cadre, Today.AddDays(3), Today.AddDays(3))).GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.NotFound, (await other.Client.PostAsJsonAsync($"/api/leave/{id}/cancel", new { }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await cadre.Client.PostAsJsonAsync($"/api/leave/{id}/cancel", new { }, Ct)).StatusCode);
        var mine = await cadre.Client.GetFromJsonAsync<JsonElement>("/api/leave/mine", Ct);
        Assert.Equal("Cancelled", mine.EnumerateArray().Single().GetProperty("status").GetString());
    }

    [Fact]
    public async Task TodoList_ShowsTheRequestsThisAccountDecides()
    {
        var cadre = await ManageKit.NewCadreAsync(app);
        var shortId = (await AskAsync(cadre, Today.AddDays(20), Today.AddDays(21))).GetProperty("id").GetGuid();
        var longId = (await AskAsync(cadre, Today.AddDays(30), Today.AddDays(39))).GetProperty("id").GetGuid();
        var township = await app.ClientAsAsync("pulan.township");
        var county = await app.ClientAsAsync("pulan.county");

        var townshipTodo = (await township.GetFromJsonAsync<JsonElement>("/api/leave?pageSize=200", Ct)).GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()).ToList();
        var countyTodo = (await county.GetFromJsonAsync<JsonElement>("/api/leave?view=todo&pageSize=200", Ct)).GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()).ToList();
        Assert.Contains(shortId, townshipTodo);
        Assert.DoesNotContain(longId, townshipTodo);
        Assert.Contains(longId, countyTodo);
        Assert.DoesNotContain(shortId, countyTodo);
    }

    [Fact]
    public async Task OnPostDays_ForTheMonth_CountCheckInsAndLeave()
    {
        var cadre = await ManageKit.NewCadreAsync(app);
        // Yesterday and today on post; the day before yesterday on approved leave.
        await cadre.CheckInAsync(ManageKit.Body("d1", app.Clock.GetUtcNow().AddDays(-1), ManageKit.VillageLat, ManageKit.VillageLon));
        await cadre.CheckInAsync(ManageKit.Body("d2", app.Clock.GetUtcNow(), ManageKit.VillageLat, ManageKit.VillageLon));
        var id = (await AskAsync(cadre, Today.AddDays(-2), Today.AddDays(-2))).GetProperty("id").GetGuid();
        await (await app.ClientAsAsync("pulan.township")).PostAsJsonAsync($"/api/leave/{id}/approve", new { }, Ct);

        var mine = await cadre.Client.GetFromJsonAsync<JsonElement>("/api/on-post/mine?month=2026-11", Ct);
        Assert.Equal(2, mine.GetProperty("onPostDays").GetInt32());
        Assert.Equal(1, mine.GetProperty("leaveDays").GetInt32());
        Assert.Equal(27, mine.GetProperty("elapsedDays").GetInt32());
        Assert.Equal(20, mine.GetProperty("required").GetInt32());

        var township = await app.ClientAsAsync("pulan.township");
        var list = await township.GetFromJsonAsync<JsonElement>("/api/on-post?month=2026-11&pageSize=200", Ct);
        var row = list.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("personId").GetGuid() == cadre.PersonId);
        Assert.Equal(2, row.GetProperty("month").GetProperty("onPostDays").GetInt32());
        Assert.Equal(HttpStatusCode.BadRequest, (await township.GetAsync("/api/on-post?month=November", Ct)).StatusCode);
    }
}

public sealed class LeaveTestsSqlite(SqliteApp app) : LeaveTests(app), IClassFixture<SqliteApp>;

public sealed class LeaveTestsPostgres(PostgresApp app) : LeaveTests(app), IClassFixture<PostgresApp>;
