using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Grassroots.Data;
using Grassroots.Dispatch;
using Grassroots.Manage;
using Grassroots.Regions;
using Grassroots.Security;
using Grassroots.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Grassroots.Web.Tests.Manage;

/// <summary>
/// The management dashboard on a small known data set, on 2026-11-27 (the test clock), in Pulan county (542521) and
/// Zanda (542522). In 普兰镇's village: A on post today (a flagged check-in: poor accuracy) and on 1 and 2 November (the
/// first at 00:10 China time, i.e. 31 October in UTC) and on 31 October at 23:30 (October, not November); B on leave
/// 25–29 November; C without a check-in. In 巴嘎乡's village: D checked in today outside the fence; E on leave 10–20
/// November and not back (an overdue return). In Zanda: F on post today. A Pulan key period runs 26–28 November; an open
/// follow-up in 巴嘎乡 is past its deadline, one in 普兰镇 is due in two days, one is closed.
/// </summary>
public abstract class DashboardTests(GrassrootsApp app)
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;
    static readonly DateOnly Today = new(2026, 11, 27);
    const string Pulan = "542521";
    const string PulanTown = "542521100";
    const string Bage = "542521200";
    const string Zanda = "542522";

    /// <summary>The data set, made once per database (xUnit makes a new instance of the class for each test).</summary>
    static readonly System.Runtime.CompilerServices.ConditionalWeakTable<GrassrootsApp, Lazy<Task<Cast>>> Casts = [];

    sealed record Cast(StationedCadre A, StationedCadre B, StationedCadre C, StationedCadre D, StationedCadre E, StationedCadre F);

    Task<Cast> CastAsync() => Casts.GetValue(app, _ => new Lazy<Task<Cast>>(MakeAsync)).Value;

    static DateTime China(DateOnly d, int hour, int minute = 0) => new DateTimeOffset(d.ToDateTime(new TimeOnly(hour, minute)), TimeSpan.FromHours(8)).UtcDateTime;

    static CheckInSubmission Submission(StationedCadre c, DateTime at, double metresNorth, double accuracy = 15, string? reason = null, string? key = null)
    {
        var (lat, lon) = ManageKit.North(metresNorth);
        return new CheckInSubmission(c.PersonId, null, c.UserName, "127.0.0.1",
            new CheckInPayload(key ?? Guid.NewGuid().ToString("N"), at, lat, lon, accuracy, reason), at.AddSeconds(5));
    }

    async Task<IReadOnlyList<CheckInOutcome>> WriteAsync(params CheckInSubmission[] batch)
    {
        using var scope = app.Services.CreateScope();
        scope.ServiceProvider.GetRequiredService<CurrentUser>().ActAsSystem("test");
        return await scope.ServiceProvider.GetRequiredService<CheckInBatchWriter>().WriteAsync(batch, Ct);
    }

    async Task<Cast> MakeAsync()
    {
        var zandaVillage = ManageKit.ZandaVillage;
        var c = new Cast(
            await ManageKit.NewCadreAsync(app, ManageKit.PulanTownVillage, PostingRole.FirstSecretary),
            await ManageKit.NewCadreAsync(app, ManageKit.PulanTownVillage),
            await ManageKit.NewCadreAsync(app, ManageKit.PulanTownVillage),
            await ManageKit.NewCadreAsync(app, ManageKit.BageVillage, PostingRole.FirstSecretary),
            await ManageKit.NewCadreAsync(app, ManageKit.BageVillage),
            await ManageKit.NewCadreAsync(app, zandaVillage, PostingRole.FirstSecretary));

        // Through the real writer, which keeps the month summaries.
        var written = await WriteAsync(
            Submission(c.A, China(new DateOnly(2026, 10, 31), 23, 30), 120),
            Submission(c.A, China(new DateOnly(2026, 11, 1), 0, 10), 140),
            Submission(c.A, China(new DateOnly(2026, 11, 2), 9, 0), 90),
            Submission(c.A, China(Today, 8, 30), 60, accuracy: 500, key: "a-today"),
            Submission(c.D, China(Today, 9, 0), 12_000, reason: "到县城参加驻村干部培训"),
            Submission(c.F, China(Today, 8, 45), 200));
        Assert.All(written, o => Assert.Equal(CheckInOutcomeKind.Created, o.Kind));

        await app.WithSystemDbAsync(async db =>
        {
            LeaveRequest Leave(StationedCadre who, DateOnly from, DateOnly to) => new()
            {
                PersonId = who.PersonId, PostingId = db.Postings.IgnoreQueryFilters().Single(p => p.PersonId == who.PersonId).Id, VillageId = who.Village.Id,
                RegionPath = who.Village.RegionPath, Kind = LeaveKind.Personal, StartDate = from, EndDate = to, Days = to.DayNumber - from.DayNumber + 1,
                Reason = "家中有事", Level = ApprovalLevel.CountyOffice, Status = LeaveStatus.Approved, RequestedAtUtc = China(from.AddDays(-3), 9),
                DecidedAtUtc = China(from.AddDays(-2), 9), DecidedBy = "普兰县委组织部",
            };
            db.LeaveRequests.AddRange(Leave(c.B, new DateOnly(2026, 11, 25), new DateOnly(2026, 11, 29)), Leave(c.E, new DateOnly(2026, 11, 10), new DateOnly(2026, 11, 20)));

            var county = RegionCatalog.Embedded.Find(Pulan)!;
            db.KeyPeriods.Add(new KeyPeriod { Name = "冬季安全值守", StartDate = new DateOnly(2026, 11, 26), EndDate = new DateOnly(2026, 11, 28), RegionCode = county.Code, RegionPath = county.Path, CreatedBy = "test" });

            FollowUp FollowUp(StationedCadre at, Guid inspection, DateOnly deadline, FollowUpStatus status) => new()
            {
                InspectionId = inspection, VillageId = at.Village.Id, RegionPath = at.Village.RegionPath, Kind = FollowUpKind.Remind, Text = "限期补齐驻村日志",
                IssuedOn = new DateOnly(2026, 11, 5), Deadline = deadline, Status = status, IssuedBy = "test",
            };
            Inspection Inspected(StationedCadre at) => new()
            {
                VillageId = at.Village.Id, RegionPath = at.Village.RegionPath, PlannedDate = new DateOnly(2026, 11, 5), Status = InspectionStatus.Done,
                Date = new DateOnly(2026, 11, 5), Methods = InspectionMethods.Check, Inspectors = "张明", CreatedBy = "test",
            };
            var bage = Inspected(c.D);
            var town = Inspected(c.A);
            db.Inspections.AddRange(bage, town);
            db.FollowUps.AddRange(
                FollowUp(c.D, bage.Id, new DateOnly(2026, 11, 20), FollowUpStatus.Open),
                FollowUp(c.A, town.Id, Today.AddDays(2), FollowUpStatus.Open),
                FollowUp(c.A, town.Id, new DateOnly(2026, 11, 15), FollowUpStatus.Closed));
            await db.SaveChangesAsync(Ct);
        });
        return c;
    }

    static async Task<JsonElement> OkJsonAsync(HttpResponseMessage r)
    {
        var body = await r.Content.ReadAsStringAsync(Ct);
        Assert.True(r.StatusCode == HttpStatusCode.OK, $"{(int)r.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    static void AssertFigures(JsonElement f, int stationed, int onPost, int onLeave, int offPost, int missing)
    {
        Assert.Equal(stationed, f.GetProperty("stationed").GetInt32());
        Assert.Equal(onPost, f.GetProperty("onPost").GetInt32());
        Assert.Equal(onLeave, f.GetProperty("onLeave").GetInt32());
        Assert.Equal(offPost, f.GetProperty("offPost").GetInt32());
        Assert.Equal(missing, f.GetProperty("missing").GetInt32());
    }

    static JsonElement Row(JsonElement board, string code) => board.GetProperty("rows").EnumerateArray().Single(r => r.GetProperty("code").GetString() == code);

    [Fact]
    public async Task County_SeesTodaysFigures_ByTownship_WithLeaveMissingOffPostAndTheRate()
    {
        await CastAsync();
        var county = await app.ClientAsAsync("pulan.county");
        var board = await OkJsonAsync(await county.GetAsync("/api/manage/dashboard", Ct));

        Assert.Equal(Pulan, board.GetProperty("regionCode").GetString());
        Assert.Equal("2026-11-27", board.GetProperty("date").GetString());
        var total = board.GetProperty("total");
        AssertFigures(total.GetProperty("day"), stationed: 5, onPost: 1, onLeave: 1, offPost: 1, missing: 2);
        Assert.Equal(0.25, total.GetProperty("day").GetProperty("rate").GetDouble(), 6); // 1 on post ÷ (5 stationed − 1 on leave)
        AssertFigures(Row(board, PulanTown).GetProperty("day"), stationed: 3, onPost: 1, onLeave: 1, offPost: 0, missing: 1);
        AssertFigures(Row(board, Bage).GetProperty("day"), stationed: 2, onPost: 0, onLeave: 0, offPost: 1, missing: 1);
        Assert.Equal(0, Row(board, Bage).GetProperty("day").GetProperty("rate").GetDouble());
        // Every township of the county has its line; those without cadres show zeros.
        Assert.Equal(RegionCatalog.Embedded.ChildrenOf(Pulan).Count, board.GetProperty("rows").GetArrayLength());
        AssertFigures(Row(board, "542521201").GetProperty("day"), 0, 0, 0, 0, 0);

        Assert.Equal(1, total.GetProperty("offPostCheckIns").GetInt32());
        Assert.Equal(1, total.GetProperty("flaggedCheckIns").GetInt32());
        Assert.Equal(1, total.GetProperty("overdueReturns").GetInt32());
        Assert.Equal(1, Row(board, Bage).GetProperty("overdueReturns").GetInt32());
        Assert.Equal(1, total.GetProperty("followUpsOverdue").GetInt32());
        Assert.Equal(1, Row(board, Bage).GetProperty("followUpsOverdue").GetInt32());
        Assert.Equal(1, total.GetProperty("followUpsDueSoon").GetInt32());
        Assert.Equal(1, Row(board, PulanTown).GetProperty("followUpsDueSoon").GetInt32());
        Assert.Equal(0, total.GetProperty("requestsOpen").GetInt32());
    }

    [Fact]
    public async Task MonthToDate_CountsCadreDays_AndTheMonthEdgeFollowsChinaTime()
    {
        await CastAsync();
        var county = await app.ClientAsAsync("pulan.county");
        var board = await OkJsonAsync(await county.GetAsync("/api/manage/dashboard?date=2026-11-27", Ct));
        // 5 cadres × 27 days. A: on post on the 1st (00:10 China time), the 2nd and the 27th (not 31 October);
        // B: leave 25–27; E: leave 10–20 (11 days, then missing); D: off post on the 27th.
        var month = board.GetProperty("total").GetProperty("month");
        AssertFigures(month, stationed: 135, onPost: 3, onLeave: 14, offPost: 1, missing: 117);
        Assert.Equal(3.0 / 121, month.GetProperty("rate").GetDouble(), 6);
        Assert.Equal("2026-11-01", board.GetProperty("monthStart").GetString());

        // 31 October: A's check-in at 23:30 China time is that day's, and October's month.
        var october = await OkJsonAsync(await county.GetAsync("/api/manage/dashboard?date=2026-10-31", Ct));
        AssertFigures(october.GetProperty("total").GetProperty("day"), stationed: 5, onPost: 1, onLeave: 0, offPost: 0, missing: 4);
        Assert.Equal(1, october.GetProperty("total").GetProperty("month").GetProperty("onPost").GetInt32());
        Assert.Equal(5 * 31, october.GetProperty("total").GetProperty("month").GetProperty("stationed").GetInt32());

        // The 1st of November: a month of one day.
        var first = await OkJsonAsync(await county.GetAsync("/api/manage/dashboard?date=2026-11-01", Ct));
        AssertFigures(first.GetProperty("total").GetProperty("month"), stationed: 5, onPost: 1, onLeave: 0, offPost: 0, missing: 4);
    }

    [Fact]
    public async Task KeyPeriod_ListsEveryoneOffPost_AndOnlyWhereItApplies()
    {
        var c = await CastAsync();
        var county = await app.ClientAsAsync("pulan.county");
        var board = await OkJsonAsync(await county.GetAsync("/api/manage/dashboard", Ct));
        Assert.Equal("冬季安全值守", board.GetProperty("keyPeriods")[0].GetProperty("name").GetString());
        AssertFigures(board.GetProperty("keyPeriodDay"), stationed: 5, onPost: 1, onLeave: 1, offPost: 1, missing: 2);
        Assert.Equal(4, board.GetProperty("total").GetProperty("keyPeriodAbsent").GetInt32());

        var absent = await OkJsonAsync(await county.GetAsync("/api/manage/dashboard/cadres?status=notOnPost&keyPeriod=true", Ct));
        Assert.Equal(new[] { c.B.PersonId, c.C.PersonId, c.D.PersonId, c.E.PersonId }.Order(),
            absent.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("personId").GetGuid()).Order());
        Assert.All(absent.GetProperty("items").EnumerateArray(), i => Assert.True(i.GetProperty("inKeyPeriod").GetBoolean()));

        // Zanda has no key period: its dashboard lists nobody, and the period is not shown.
        var zanda = await OkJsonAsync(await (await app.ClientAsAsync("zanda.county")).GetAsync("/api/manage/dashboard", Ct));
        Assert.Equal(0, zanda.GetProperty("keyPeriods").GetArrayLength());
        Assert.Equal(0, zanda.GetProperty("keyPeriodDay").GetProperty("stationed").GetInt32());
        // The day before the period, nobody is under it.
        var before = await OkJsonAsync(await county.GetAsync("/api/manage/dashboard?date=2026-11-25", Ct));
        Assert.Equal(0, before.GetProperty("keyPeriods").GetArrayLength());
    }

    [Fact]
    public async Task Scope_CountySeesOnlyItsOwn_ThePrefectureAll_TheTownshipItsVillages_OtherRegionsAreNotFound()
    {
        var c = await CastAsync();
        var zanda = await app.ClientAsAsync("zanda.county");
        var zb = await OkJsonAsync(await zanda.GetAsync("/api/manage/dashboard", Ct));
        AssertFigures(zb.GetProperty("total").GetProperty("day"), stationed: 1, onPost: 1, onLeave: 0, offPost: 0, missing: 0);
        Assert.Equal(0, zb.GetProperty("total").GetProperty("overdueReturns").GetInt32());
        Assert.Equal(0, zb.GetProperty("total").GetProperty("followUpsOverdue").GetInt32());
        Assert.Equal(0, zb.GetProperty("total").GetProperty("offPostCheckIns").GetInt32());
        var zandaList = await OkJsonAsync(await zanda.GetAsync("/api/manage/dashboard/cadres?pageSize=200", Ct));
        Assert.Equal([c.F.PersonId], zandaList.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("personId").GetGuid()));
        foreach (var url in new[] { $"/api/manage/dashboard?region={Pulan}", $"/api/manage/dashboard?region={Bage}", "/api/manage/dashboard?region=542500",
                     $"/api/manage/dashboard/cadres?region={Pulan}", $"/api/leave?view=overdue&region={Bage}", $"/api/follow-ups?view=overdue&region={Bage}",
                     $"/api/checkins?view=offPost&region={Bage}", $"/api/on-post?region={Pulan}", $"/api/requests?region={Pulan}" })
            Assert.True((await zanda.GetAsync(url, Ct)).StatusCode == HttpStatusCode.NotFound, url);

        var prefecture = await OkJsonAsync(await (await app.ClientAsAsync("ali.prefecture")).GetAsync("/api/manage/dashboard", Ct));
        Assert.Equal("542500", prefecture.GetProperty("regionCode").GetString());
        AssertFigures(prefecture.GetProperty("total").GetProperty("day"), stationed: 6, onPost: 2, onLeave: 1, offPost: 1, missing: 2);
        Assert.Equal(5, Row(prefecture, Pulan).GetProperty("day").GetProperty("stationed").GetInt32());
        Assert.Equal(1, Row(prefecture, Zanda).GetProperty("day").GetProperty("stationed").GetInt32());
        Assert.Equal(7, prefecture.GetProperty("rows").GetArrayLength());
        var drilled = await OkJsonAsync(await (await app.ClientAsAsync("ali.prefecture")).GetAsync($"/api/manage/dashboard?region={Pulan}", Ct));
        Assert.Equal(["542500"], drilled.GetProperty("trail").EnumerateArray().Select(t => t.GetProperty("code").GetString()));

        var township = await app.ClientAsAsync("pulan.township");
        var tb = await OkJsonAsync(await township.GetAsync("/api/manage/dashboard", Ct));
        AssertFigures(tb.GetProperty("total").GetProperty("day"), stationed: 3, onPost: 1, onLeave: 1, offPost: 0, missing: 1);
        Assert.Equal(ManageKit.PulanTownVillage, Row(tb, ManageKit.PulanTownVillage).GetProperty("code").GetString());
        Assert.Equal(0, tb.GetProperty("trail").GetArrayLength());
        Assert.Equal(HttpStatusCode.NotFound, (await township.GetAsync($"/api/manage/dashboard?region={Bage}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await township.GetAsync($"/api/manage/dashboard?region={Pulan}", Ct)).StatusCode);
    }

    [Fact]
    public async Task RolesWithoutManagement_Are403_AndBadInput_Is400()
    {
        var c = await CastAsync();
        foreach (var client in new[] { await app.ClientAsAsync("auditor"), await app.ClientAsAsync("dayu.civil"), c.A.Client })
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/manage/dashboard", Ct)).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/manage/dashboard/cadres", Ct)).StatusCode);
        }
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.AnonymousClient().GetAsync("/api/manage/dashboard", Ct)).StatusCode);
        var county = await app.ClientAsAsync("pulan.county");
        foreach (var url in new[] { "/api/manage/dashboard?date=2026-11-28", "/api/manage/dashboard?region=54252", $"/api/manage/dashboard?region={ManageKit.PulanTownVillage}",
                     "/api/manage/dashboard/cadres?status=asleep", "/api/manage/dashboard/cadres?sort=age" })
            Assert.True((await county.GetAsync(url, Ct)).StatusCode == HttpStatusCode.BadRequest, url);
        Assert.Equal(HttpStatusCode.NotFound, (await county.GetAsync("/api/manage/dashboard?region=542599", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.ClientAsAsync("auditor")).GetAsync("/manage/dashboard", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await (await app.ClientAsAsync("zanda.county")).GetAsync($"/manage/dashboard?region={Pulan}", Ct)).StatusCode);
    }

    [Fact]
    public async Task EachFigure_OpensTheRecordsItCounts()
    {
        var c = await CastAsync();
        var county = await app.ClientAsAsync("pulan.county");
        var board = await OkJsonAsync(await county.GetAsync("/api/manage/dashboard", Ct));
        var total = board.GetProperty("total");

        async Task<List<Guid>> People(string url, string id = "personId") =>
            [.. (await OkJsonAsync(await county.GetAsync(url, Ct))).GetProperty("items").EnumerateArray().Select(i => i.GetProperty(id).GetGuid())];
        async Task<int> Total(string url) => (await OkJsonAsync(await county.GetAsync(url, Ct))).GetProperty("total").GetInt32();

        Assert.Equal([c.A.PersonId], await People("/api/manage/dashboard/cadres?status=onPost"));
        Assert.Equal([c.B.PersonId], await People("/api/manage/dashboard/cadres?status=leave"));
        Assert.Equal([c.D.PersonId], await People("/api/manage/dashboard/cadres?status=offPost"));
        Assert.Equal(new[] { c.C.PersonId, c.E.PersonId }.Order(), (await People("/api/manage/dashboard/cadres?status=missing")).Order());
        Assert.Equal([c.E.PersonId], await People($"/api/manage/dashboard/cadres?status=missing&region={Bage}"));
        Assert.Equal(total.GetProperty("day").GetProperty("stationed").GetInt32(), await Total("/api/manage/dashboard/cadres"));

        Assert.Equal(total.GetProperty("offPostCheckIns").GetInt32(), await Total("/api/checkins?view=offPost&date=2026-11-27"));
        Assert.Equal([c.D.PersonId], await People($"/api/checkins?view=offPost&date=2026-11-27&region={Bage}"));
        Assert.Equal(0, await Total($"/api/checkins?view=offPost&date=2026-11-27&region={PulanTown}"));
        Assert.Equal([c.A.PersonId], await People($"/api/checkins?view=flagged&date=2026-11-27&region={PulanTown}"));
        Assert.Equal([c.E.PersonId], await People($"/api/leave?view=overdue&region={Bage}"));
        Assert.Equal(0, await Total($"/api/leave?view=overdue&region={PulanTown}"));
        Assert.Equal(1, await Total($"/api/follow-ups?view=overdue&region={Bage}"));
        Assert.Equal(0, await Total($"/api/follow-ups?view=overdue&region={PulanTown}"));
        Assert.Equal(1, await Total($"/api/follow-ups?view=dueSoon&region={PulanTown}"));
        Assert.Equal(3, (await OkJsonAsync(await county.GetAsync($"/api/on-post?region={PulanTown}&month=2026-11", Ct))).GetProperty("total").GetInt32());

        // The page shows the same figures with links to those lists.
        var html = WebUtility.HtmlDecode(await county.GetStringAsync("/manage/dashboard", Ct));
        Assert.Contains("普兰县管理看板", html, StringComparison.Ordinal);
        Assert.Contains("25.0%", html, StringComparison.Ordinal);
        Assert.Contains($"/manage/dashboard/cadres?region={Bage}&date=2026-11-27&status=missing", html, StringComparison.Ordinal);
        Assert.Contains($"/manage/leave?view=overdue&region={Bage}", html, StringComparison.Ordinal);
        Assert.Contains($"/follow-ups?view=overdue&region={Bage}", html, StringComparison.Ordinal);
        Assert.Contains($"/manage/checkins?view=flagged&date=2026-11-27&region={Pulan}", html, StringComparison.Ordinal);
        Assert.Contains($"/manage/dashboard?region={PulanTown}", html, StringComparison.Ordinal);
        var list = WebUtility.HtmlDecode(await county.GetStringAsync($"/manage/dashboard/cadres?region={Bage}&date=2026-11-27&status=missing", Ct));
        Assert.Contains($"/people/{c.E.PersonId}", list, StringComparison.Ordinal);
        Assert.DoesNotContain($"/people/{c.C.PersonId}", list, StringComparison.Ordinal);
        Assert.Contains("巴嘎乡驻村干部在岗情况", list, StringComparison.Ordinal);
        var leave = WebUtility.HtmlDecode(await county.GetStringAsync($"/manage/leave?view=overdue&region={Bage}", Ct));
        Assert.Contains("巴嘎乡请销假", leave, StringComparison.Ordinal);
        Assert.Contains("逾期", leave, StringComparison.Ordinal);
        var empty = WebUtility.HtmlDecode(await county.GetStringAsync($"/manage/dashboard/cadres?region={PulanTown}&status=offPost", Ct));
        Assert.Contains("没有符合条件的驻村干部。", empty, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CadreList_SortsAndPages()
    {
        var c = await CastAsync();
        var county = await app.ClientAsAsync("pulan.county");
        var byMonth = await OkJsonAsync(await county.GetAsync("/api/manage/dashboard/cadres?sort=-month&pageSize=2", Ct));
        Assert.Equal(5, byMonth.GetProperty("total").GetInt32());
        Assert.Equal(2, byMonth.GetProperty("items").GetArrayLength());
        Assert.Equal(c.A.PersonId, byMonth.GetProperty("items")[0].GetProperty("personId").GetGuid());
        Assert.Equal(3, byMonth.GetProperty("items")[0].GetProperty("monthOnPostDays").GetInt32());
        Assert.Equal(27, byMonth.GetProperty("items")[0].GetProperty("monthDueDays").GetInt32());
        var page3 = await OkJsonAsync(await county.GetAsync("/api/manage/dashboard/cadres?sort=-month&pageSize=2&page=3", Ct));
        Assert.Equal(1, page3.GetProperty("items").GetArrayLength());
        var byVillage = await OkJsonAsync(await county.GetAsync("/api/manage/dashboard/cadres", Ct));
        var villages = byVillage.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("villageCode").GetString()!).ToList();
        Assert.Equal(villages.Order(StringComparer.Ordinal), villages);
        Assert.Equal("missing", byVillage.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("personId").GetGuid() == c.C.PersonId).GetProperty("statusKey").GetString());
        Assert.Equal(5, (await OkJsonAsync(await county.GetAsync("/api/manage/dashboard/cadres?sort=name", Ct))).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task MonthSummaries_KeptByTheWriter_MatchARebuildFromTheCheckIns_AndAResendChangesNothing()
    {
        var c = await CastAsync();
        var again = await WriteAsync(Submission(c.A, China(Today, 8, 30), 60, accuracy: 500, key: "a-today"));
        Assert.Equal(CheckInOutcomeKind.Replayed, again[0].Kind);

        static async Task<List<(Guid, DateOnly, string, int, int)>> Snapshot(GrassrootsDb db) =>
            [.. (await db.CheckInMonths.AsNoTracking().OrderBy(m => m.PersonId).ThenBy(m => m.Month)
                .Select(m => new { m.PersonId, m.Month, m.RegionPath, m.CheckInDays, m.OnPostDays }).ToListAsync(Ct))
                .Select(m => (m.PersonId, m.Month, m.RegionPath, m.CheckInDays, m.OnPostDays))];
        var kept = await app.WithSystemDbAsync(Snapshot);
        var a = kept.Where(m => m.Item1 == c.A.PersonId).ToList();
        Assert.Equal([(new DateOnly(2026, 10, 1), 1 << 30), (new DateOnly(2026, 11, 1), 1 | 2 | 1 << 26)], a.Select(m => (m.Item2, m.Item5)));
        var d = kept.Single(m => m.Item1 == c.D.PersonId);
        Assert.Equal((1 << 26, 0), (d.Item4, d.Item5));

        var rebuilt = await app.WithSystemDbAsync(async db =>
        {
            await CheckInMonths.RebuildAsync(db, Ct);
            return await Snapshot(db);
        });
        Assert.Equal(kept, rebuilt);
    }
}

public sealed class DashboardTestsSqlite(SqliteApp app) : DashboardTests(app), IClassFixture<SqliteApp>;

public sealed class DashboardTestsPostgres(PostgresApp app) : DashboardTests(app), IClassFixture<PostgresApp>;
