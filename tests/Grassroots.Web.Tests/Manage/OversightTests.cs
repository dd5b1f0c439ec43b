using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Grassroots.Dispatch;
using Grassroots.Manage;
using Grassroots.Regions;
using Grassroots.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Grassroots.Web.Tests.Manage;

/// <summary>
/// Supervision over HTTP (S-MNG-3, -5, -6, -7): random inspections drawn reproducibly and weighted by the on-post rate,
/// scope between sibling counties, findings and follow-ups with deadlines and closing, requests answered once under
/// concurrency, and roll-calls answered by check-ins at the edges of their time limit.
/// </summary>
public abstract class OversightTests(GrassrootsApp app)
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    DateTimeOffset Now => app.Clock.GetUtcNow();

    DateOnly Today => DateOnly.FromDateTime(Now.ToOffset(TimeSpan.FromHours(8)).DateTime);

    static async Task<JsonElement> JsonAsync(HttpResponseMessage r) => JsonDocument.Parse(await r.Content.ReadAsStringAsync(Ct)).RootElement.Clone();

    static async Task<JsonElement> OkJsonAsync(HttpResponseMessage r, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var body = await r.Content.ReadAsStringAsync(Ct);
        Assert.True(r.StatusCode == expected, $"{(int)r.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>A county's village-level units, in code order.</summary>
    static string[] Villages(string county) => [.. RegionCatalog.Embedded.All
        .Where(r => r.Level is RegionLevel.Village or RegionLevel.Community && r.Code.Value.StartsWith(county, StringComparison.Ordinal))
        .Select(r => r.Code.Value).Order(StringComparer.Ordinal)];

    /// <summary>Stations a first secretary in each of the first <paramref name="count"/> villages of <paramref name="county"/>
    /// that have no team yet (tests of one class share a database: each keeps to villages of its own).</summary>
    async Task<List<StationedCadre>> FreshTeamsAsync(string county, int count)
    {
        var staffed = await app.WithSystemDbAsync(db => db.Postings.IgnoreQueryFilters().Where(p => p.Status == PostingStatus.Active).Select(p => p.VillageCode).Distinct().ToListAsync());
        var result = new List<StationedCadre>();
        foreach (var code in Villages(county).Where(c => staffed.All(s => s.Value != c)).Take(count))
            result.Add(await ManageKit.NewCadreAsync(app, code, PostingRole.FirstSecretary));
        Assert.Equal(count, result.Count);
        return result;
    }

    /// <summary>At least <paramref name="count"/> staffed teams in Pulan (542521), for the draws.</summary>
    async Task EnsurePulanTeamsAsync(int count)
    {
        var staffed = await app.WithSystemDbAsync(db => db.Postings.IgnoreQueryFilters().Where(p => p.Status == PostingStatus.Active && p.RegionPath.Contains("/542521/")).Select(p => p.VillageId).Distinct().CountAsync());
        if (staffed < count) await FreshTeamsAsync("542521", count - staffed);
    }

    /// <summary>Writes on-post check-ins of <paramref name="cadre"/> on the given past days (straight into the table).</summary>
    Task CheckedInOnAsync(StationedCadre cadre, IEnumerable<DateOnly> days) => app.WithSystemDbAsync(async db =>
    {
        var posting = await db.Postings.IgnoreQueryFilters().SingleAsync(p => p.PersonId == cadre.PersonId && p.Status == PostingStatus.Active);
        foreach (var d in days)
        {
            var at = new DateTimeOffset(d.ToDateTime(new TimeOnly(9, 0)), TimeSpan.FromHours(8)).UtcDateTime;
            db.CheckIns.Add(new CheckIn
            {
                PersonId = cadre.PersonId, PostingId = posting.Id, VillageId = posting.VillageId, ClientKey = $"t-{d:yyyyMMdd}", PayloadHash = new string('0', 64),
                AtUtc = at, Date = d, ReceivedAtUtc = at, Latitude = ManageKit.VillageLat, Longitude = ManageKit.VillageLon, Accuracy = 10, OnPost = true, RegionPath = posting.RegionPath,
            });
        }
        await db.SaveChangesAsync();
    });

    [Fact]
    public async Task Draw_WithTheSameSeedOnTheSameInputs_DrawsTheSameTeamsAndInspectors_AndIsRecordedWithItsSeed()
    {
        await EnsurePulanTeamsAsync(6);
        var county = await app.ClientAsAsync("pulan.county");
        var body = new { count = 3, seed = 20261127, inspectors = new[] { "张明", "李华", "次仁", "王芳" }, inspectorsPerTeam = 2 };
        var first = await OkJsonAsync(await county.PostAsJsonAsync("/api/inspections/draws", body, Ct), HttpStatusCode.Created);
        var second = await OkJsonAsync(await county.PostAsJsonAsync("/api/inspections/draws", body, Ct), HttpStatusCode.Created);

        static List<string> Picked(JsonElement d) => [.. d.GetProperty("teams").EnumerateArray().Where(t => t.GetProperty("order").ValueKind == JsonValueKind.Number)
            .OrderBy(t => t.GetProperty("order").GetInt32()).Select(t => t.GetProperty("villageCode").GetString() + ":" + string.Join("、", t.GetProperty("inspectors").EnumerateArray().Select(i => i.GetString())))];
        Assert.Equal(3, Picked(first).Count);
        Assert.Equal(Picked(first), Picked(second));
        Assert.Equal(20261127, first.GetProperty("seed").GetInt32());
        Assert.True(first.GetProperty("reproduced").GetBoolean());
        Assert.All(Picked(first), p => Assert.Equal(2, p.Split(':')[1].Split('、').Length));

        // Read back later, the stored inputs and seed give the stored picks.
        var again = await OkJsonAsync(await county.GetAsync($"/api/inspections/draws/{first.GetProperty("id").GetGuid()}", Ct));
        Assert.True(again.GetProperty("reproduced").GetBoolean());
        Assert.Equal(Picked(first), Picked(again));
        var planned = await OkJsonAsync(await county.GetAsync($"/api/inspections?drawId={first.GetProperty("id").GetGuid()}", Ct));
        Assert.Equal(3, planned.GetProperty("total").GetInt32());

        // Without a seed, one is made and recorded.
        var fresh = await OkJsonAsync(await county.PostAsJsonAsync("/api/inspections/draws", new { count = 2 }, Ct), HttpStatusCode.Created);
        Assert.True(fresh.GetProperty("seed").GetInt32() > 0);
    }

    [Fact]
    public async Task Draw_WeighsTeamsByTheirOnPostRateOverTheLast30Days()
    {
        var teams = await FreshTeamsAsync("542523", 2);
        var (diligent, absent) = (teams[0], teams[1]);
        var window = Enumerable.Range(1, 30).Select(i => Today.AddDays(-i)).ToList();
        await CheckedInOnAsync(diligent, window);
        await CheckedInOnAsync(absent, window.Take(6));
        var prefecture = await app.ClientAsAsync("ali.prefecture");
        var candidates = await OkJsonAsync(await prefecture.GetAsync("/api/inspections/candidates?region=542523", Ct));
        JsonElement Of(StationedCadre c) => candidates.EnumerateArray().Single(t => t.GetProperty("villageId").GetGuid() == c.Village.Id);
        // The postings began on 1 March 2026: all 30 days are due.
        Assert.Equal(1.0, Of(diligent).GetProperty("onPostRate").GetDouble(), 3);
        Assert.Equal(0.2, Of(absent).GetProperty("onPostRate").GetDouble(), 3);
        Assert.Equal(1.0, Of(diligent).GetProperty("weight").GetDouble(), 3);
        Assert.Equal(1 + 4 * 0.8, Of(absent).GetProperty("weight").GetDouble(), 3);
        Assert.True(candidates[0].GetProperty("weight").GetDouble() >= candidates[candidates.GetArrayLength() - 1].GetProperty("weight").GetDouble());
    }

    [Fact]
    public async Task Inspections_OfPulan_AreNeverSeenByZanda_AndOnlyTheCountyOfficeDraws()
    {
        await EnsurePulanTeamsAsync(5);
        var pulan = await app.ClientAsAsync("pulan.county");
        var draw = await OkJsonAsync(await pulan.PostAsJsonAsync("/api/inspections/draws", new { count = 2, seed = 7 }, Ct), HttpStatusCode.Created);
        var drawId = draw.GetProperty("id").GetGuid();
        var inspectionId = draw.GetProperty("teams").EnumerateArray().First(t => t.GetProperty("inspectionId").ValueKind == JsonValueKind.String).GetProperty("inspectionId").GetGuid();

        var zanda = await app.ClientAsAsync("zanda.county");
        Assert.Equal(HttpStatusCode.NotFound, (await zanda.GetAsync($"/api/inspections/{inspectionId}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await zanda.GetAsync($"/api/inspections/draws/{drawId}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await zanda.PostAsJsonAsync($"/api/inspections/{inspectionId}/record", new { date = Today, methods = new[] { "check" }, inspectors = "某某", cadres = Array.Empty<object>() }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await zanda.PostAsJsonAsync("/api/inspections/draws", new { count = 1, region = "542521" }, Ct)).StatusCode);
        var zandaList = await OkJsonAsync(await zanda.GetAsync("/api/inspections?pageSize=200", Ct));
        Assert.DoesNotContain(zandaList.GetProperty("items").EnumerateArray(), i => i.GetProperty("id").GetGuid() == inspectionId);
        Assert.DoesNotContain(zandaList.GetProperty("items").EnumerateArray(), i => i.GetProperty("villageCode").GetString()!.StartsWith("542521", StringComparison.Ordinal));
        var zandaSummary = await OkJsonAsync(await zanda.GetAsync("/api/oversight/summary", Ct));
        var zandaPlanned = await OkJsonAsync(await zanda.GetAsync("/api/inspections?status=planned", Ct));
        Assert.Equal(zandaPlanned.GetProperty("total").GetInt32(), zandaSummary.GetProperty("inspectionsPlanned").GetInt32());

        // The prefecture sees it; the township of the village reads it; neither draws (S-MNG-7).
        var prefecture = await app.ClientAsAsync("ali.prefecture");
        Assert.Equal(HttpStatusCode.OK, (await prefecture.GetAsync($"/api/inspections/{inspectionId}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await prefecture.PostAsJsonAsync("/api/inspections/draws", new { count = 1, region = "542521" }, Ct)).StatusCode);
        var township = await app.ClientAsAsync("pulan.township");
        Assert.Equal(HttpStatusCode.Forbidden, (await township.PostAsJsonAsync("/api/inspections/draws", new { count = 1 }, Ct)).StatusCode);
        // A cadre's token against the office's routes: 403.
        var cadre = await ManageKit.NewCadreAsync(app, ManageKit.ZandaVillage);
        Assert.Equal(HttpStatusCode.Forbidden, (await cadre.Client.GetAsync("/api/inspections", Ct)).StatusCode);
    }

    /// <summary>Plans and records an inspection of a fresh Pulan team; returns the county client and the inspection's JSON.</summary>
    async Task<(HttpClient County, JsonElement Inspection, StationedCadre Cadre)> RecordedInspectionAsync()
    {
        var cadre = (await FreshTeamsAsync("542521", 1)).Single();
        var county = await app.ClientAsAsync("pulan.county");
        var planned = await OkJsonAsync(await county.PostAsJsonAsync("/api/inspections", new { villageCode = cadre.Village.Code.Value, plannedDate = Today }, Ct), HttpStatusCode.Created);
        var id = planned.GetProperty("row").GetProperty("id").GetGuid();
        var recorded = await OkJsonAsync(await county.PostAsJsonAsync($"/api/inspections/{id}/record", new
        {
            version = planned.GetProperty("version").GetGuid(), date = Today, methods = new[] { "check", "listen", "visit", "talk" }, inspectors = "张明、次仁",
            summary = "工作队在岗。", cadres = new[] { new { personId = cadre.PersonId, onPost = false, note = "外出未报备" } },
        }, Ct));
        return (county, recorded, cadre);
    }

    [Fact]
    public async Task Record_NeedsEveryCadreOfTheTeam_AndAMethod_AndHappensOnce()
    {
        var cadre = (await FreshTeamsAsync("542522", 1)).Single();
        var county = await app.ClientAsAsync("zanda.county");
        var planned = await OkJsonAsync(await county.PostAsJsonAsync("/api/inspections", new { villageCode = cadre.Village.Code.Value }, Ct), HttpStatusCode.Created);
        var id = planned.GetProperty("row").GetProperty("id").GetGuid();
        var bad = await county.PostAsJsonAsync($"/api/inspections/{id}/record", new { date = Today.AddDays(1), methods = Array.Empty<string>(), inspectors = "", cadres = Array.Empty<object>() }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = (await JsonAsync(bad)).GetProperty("errors");
        Assert.Contains("晚于今天", errors.GetProperty("date")[0].GetString());
        Assert.Contains("查、听、访、谈", errors.GetProperty("methods")[0].GetString());
        Assert.Contains("是否在岗", errors.GetProperty("cadres")[0].GetString());
        var absentWithoutNote = await county.PostAsJsonAsync($"/api/inspections/{id}/record", new { date = Today, methods = new[] { "查" }, inspectors = "张明", cadres = new[] { new { personId = cadre.PersonId, onPost = false } } }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, absentWithoutNote.StatusCode);

        var ok = await county.PostAsJsonAsync($"/api/inspections/{id}/record", new { date = Today, methods = new[] { "查", "talk" }, inspectors = "张明", cadres = new[] { new { personId = cadre.PersonId, onPost = true } } }, Ct);
        var detail = await OkJsonAsync(ok);
        Assert.Equal("查谈", detail.GetProperty("row").GetProperty("methodsName").GetString());
        Assert.Equal(1, detail.GetProperty("row").GetProperty("onPost").GetInt32());
        Assert.Equal(HttpStatusCode.Conflict, (await county.PostAsJsonAsync($"/api/inspections/{id}/record", new { date = Today, methods = new[] { "查" }, inspectors = "张明", cadres = new[] { new { personId = cadre.PersonId, onPost = true } } }, Ct)).StatusCode);
    }

    [Fact]
    public async Task FollowUp_HasADeadlineInRange_IsClosedOnce_AndIsListedOverdueOnlyWhileOpenPastItsDeadline()
    {
        var (county, inspection, cadre) = await RecordedInspectionAsync();
        var id = inspection.GetProperty("row").GetProperty("id").GetGuid();
        var withFinding = await OkJsonAsync(await county.PostAsJsonAsync($"/api/inspections/{id}/findings", new { weight = "earlySign", text = "驻村日志记录不全", personId = cadre.PersonId }, Ct));
        var finding = withFinding.GetProperty("findingList")[0];
        Assert.Equal("苗头性", finding.GetProperty("weightName").GetString());
        var findingId = finding.GetProperty("id").GetGuid();

        Assert.Equal(HttpStatusCode.BadRequest, (await county.PostAsJsonAsync($"/api/inspections/{id}/follow-ups", new { kind = "remind", text = "限期补齐", deadline = Today.AddDays(-1), findingId }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await county.PostAsJsonAsync($"/api/inspections/{id}/follow-ups", new { kind = "remind", text = "限期补齐", deadline = Today.AddDays(181), findingId }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await county.PostAsJsonAsync($"/api/inspections/{id}/follow-ups", new { kind = "scold", text = "限期补齐", deadline = Today, findingId }, Ct)).StatusCode);
        var issued = await OkJsonAsync(await county.PostAsJsonAsync($"/api/inspections/{id}/follow-ups", new { kind = "提醒", text = "限期补齐日志", deadline = Today, findingId }, Ct));
        var followUp = issued.GetProperty("followUps")[0];
        Assert.Equal("提醒", followUp.GetProperty("kindName").GetString());
        Assert.Equal(cadre.PersonId, followUp.GetProperty("personId").GetGuid());
        Assert.False(followUp.GetProperty("overdue").GetBoolean());
        var followUpId = followUp.GetProperty("id").GetGuid();

        // One whose deadline passed yesterday, still open: overdue. (Written directly: the API refuses past deadlines.)
        var late = await app.WithSystemDbAsync(async db =>
        {
            var source = await db.FollowUps.IgnoreQueryFilters().AsNoTracking().SingleAsync(f => f.Id == followUpId);
            var row = new FollowUp
            {
                InspectionId = source.InspectionId, VillageId = source.VillageId, RegionPath = source.RegionPath, Kind = FollowUpKind.Correct, Text = "纠正",
                IssuedOn = Today.AddDays(-10), Deadline = Today.AddDays(-1), IssuedBy = "test",
            };
            db.FollowUps.Add(row);
            await db.SaveChangesAsync();
            return row.Id;
        });
        var overdue = await OkJsonAsync(await county.GetAsync("/api/follow-ups?view=overdue&pageSize=200", Ct));
        var overdueIds = overdue.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()).ToList();
        Assert.Contains(late, overdueIds);
        Assert.DoesNotContain(followUpId, overdueIds); // due today: not yet overdue
        Assert.Equal(1, overdue.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("id").GetGuid() == late).GetProperty("overdueDays").GetInt32());

        Assert.Equal(HttpStatusCode.BadRequest, (await county.PostAsJsonAsync($"/api/follow-ups/{followUpId}/close", new { note = "" }, Ct)).StatusCode);
        var closed = await OkJsonAsync(await county.PostAsJsonAsync($"/api/follow-ups/{followUpId}/close", new { note = "已补齐日志" }, Ct));
        Assert.Equal("Closed", closed.GetProperty("status").GetString());
        Assert.Equal(Today, DateOnly.Parse(closed.GetProperty("closedOn").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(HttpStatusCode.Conflict, (await county.PostAsJsonAsync($"/api/follow-ups/{followUpId}/close", new { note = "再次办结" }, Ct)).StatusCode);
        var closeLate = await OkJsonAsync(await county.PostAsJsonAsync($"/api/follow-ups/{late}/close", new { note = "已纠正" }, Ct));
        Assert.False(closeLate.GetProperty("overdue").GetBoolean());
        overdue = await OkJsonAsync(await county.GetAsync("/api/follow-ups?view=overdue&pageSize=200", Ct));
        Assert.DoesNotContain(overdue.GetProperty("items").EnumerateArray(), i => i.GetProperty("id").GetGuid() == late);

        // The township reads the follow-ups of its villages but does not close them.
        var township = await app.ClientAsAsync("pulan.township");
        Assert.Equal(HttpStatusCode.Forbidden, (await township.PostAsJsonAsync($"/api/follow-ups/{late}/close", new { note = "x" }, Ct)).StatusCode);
        var zanda = await app.ClientAsAsync("zanda.county");
        Assert.Equal(HttpStatusCode.NotFound, (await zanda.GetAsync($"/api/follow-ups/{late}", Ct)).StatusCode);
    }

    [Fact]
    public async Task Request_TwoOfficesAnswerAtOnce_OneWins_TheOtherGets409_AndTheTrailShowsEachStep()
    {
        for (var round = 0; round < 3; round++)
        {
            var cadre = await ManageKit.NewCadreAsync(app);
            var asked = await OkJsonAsync(await cadre.Client.PostAsJsonAsync("/api/requests", new { kind = "request", subject = "关于修缮活动室的请示", text = "拟使用办实事经费修缮屋顶。" }, Ct), HttpStatusCode.Created);
            var id = asked.GetProperty("id").GetGuid();
            var version = asked.GetProperty("version").GetGuid();
            Assert.Equal("Open", asked.GetProperty("status").GetString());
            var first = await app.ClientAsAsync("pulan.township");
            var second = await app.ClientAsAsync("pulan.county");
            var todo = await OkJsonAsync(await first.GetAsync("/api/requests?view=todo&pageSize=200", Ct));
            Assert.Contains(todo.GetProperty("items").EnumerateArray(), i => i.GetProperty("id").GetGuid() == id);

            using var start = new ManualResetEventSlim();
            var a = Task.Run(async () => { start.Wait(Ct); return await first.PostAsJsonAsync($"/api/requests/{id}/answer", new { version, answer = "同意（乡镇）" }, Ct); }, Ct);
            var b = Task.Run(async () => { start.Wait(Ct); return await second.PostAsJsonAsync($"/api/requests/{id}/answer", new { version, answer = "同意（县）" }, Ct); }, Ct);
            start.Set();
            var results = await Task.WhenAll(a, b);
            Assert.Single(results, r => r.StatusCode == HttpStatusCode.OK);
            Assert.Single(results, r => r.StatusCode == HttpStatusCode.Conflict);
            var winner = await JsonAsync(results.Single(r => r.StatusCode == HttpStatusCode.OK));
            var stored = await app.WithSystemDbAsync(db => db.CadreRequests.IgnoreQueryFilters().Include(r => r.Events).AsNoTracking().SingleAsync(r => r.Id == id));
            Assert.Equal(winner.GetProperty("answer").GetString(), stored.Answer);
            Assert.Equal([RequestAction.Asked, RequestAction.Answered], stored.Events.OrderBy(e => e.AtUtc).ThenBy(e => e.Action).Select(e => e.Action));

            var closed = await OkJsonAsync(await cadre.Client.PostAsJsonAsync($"/api/requests/{id}/close", new { }, Ct));
            Assert.Equal("Closed", closed.GetProperty("status").GetString());
            Assert.Equal(3, closed.GetProperty("events").GetArrayLength());
            Assert.Equal(HttpStatusCode.Conflict, (await cadre.Client.PostAsJsonAsync($"/api/requests/{id}/close", new { }, Ct)).StatusCode);
        }
    }

    [Fact]
    public async Task Request_ToTheCounty_IsAnsweredByTheCountyNotTheTownship_AndStaysInScope()
    {
        var cadre = await ManageKit.NewCadreAsync(app);
        var asked = await OkJsonAsync(await cadre.Client.PostAsJsonAsync("/api/requests", new { kind = "报告", to = "county", subject = "关于草场纠纷调处情况的报告", text = "已调处完毕。" }, Ct), HttpStatusCode.Created);
        var id = asked.GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.BadRequest, (await cadre.Client.PostAsJsonAsync("/api/requests", new { kind = "memo", subject = "", text = "" }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await cadre.Client.PostAsJsonAsync($"/api/requests/{id}/close", new { }, Ct)).StatusCode);

        var township = await app.ClientAsAsync("pulan.township");
        Assert.Equal(HttpStatusCode.OK, (await township.GetAsync($"/api/requests/{id}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await township.PostAsJsonAsync($"/api/requests/{id}/answer", new { answer = "已阅" }, Ct)).StatusCode);
        var zanda = await app.ClientAsAsync("zanda.county");
        Assert.Equal(HttpStatusCode.NotFound, (await zanda.GetAsync($"/api/requests/{id}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await zanda.PostAsJsonAsync($"/api/requests/{id}/answer", new { answer = "已阅" }, Ct)).StatusCode);
        var other = await ManageKit.NewCadreAsync(app);
        Assert.Equal(HttpStatusCode.NotFound, (await other.Client.GetAsync($"/api/requests/{id}", Ct)).StatusCode);

        var county = await app.ClientAsAsync("pulan.county");
        Assert.Equal(HttpStatusCode.BadRequest, (await county.PostAsJsonAsync($"/api/requests/{id}/close", new { }, Ct)).StatusCode);
        var closed = await OkJsonAsync(await county.PostAsJsonAsync($"/api/requests/{id}/close", new { note = "已阅知" }, Ct));
        Assert.Equal("已办结", closed.GetProperty("statusName").GetString());
        var mine = await OkJsonAsync(await cadre.Client.GetAsync("/api/requests/mine", Ct));
        Assert.Equal(1, mine.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task RollCall_IsAnsweredByACheckInWithinTheLimit_BothEndsIncluded_AndListsTheUnansweredAfterTheDeadline()
    {
        var a = (await FreshTeamsAsync("542524", 1)).Single();
        var village = a.Village.Code.Value;
        var b = await ManageKit.NewCadreAsync(app, village);
        var c = await ManageKit.NewCadreAsync(app, village);
        var d = await ManageKit.NewCadreAsync(app, village);
        var county = await app.ClientAsAsync("ali.prefecture");
        Assert.Equal(HttpStatusCode.BadRequest, (await county.PostAsJsonAsync("/api/roll-calls", new { villageCode = village, limitMinutes = 2 }, Ct)).StatusCode);
        var defaults = await OkJsonAsync(await county.PostAsJsonAsync("/api/roll-calls", new { villageCode = village }, Ct), HttpStatusCode.Created);
        Assert.Equal(30, defaults.GetProperty("limitMinutes").GetInt32());

        var call = await OkJsonAsync(await county.PostAsJsonAsync("/api/roll-calls", new { villageCode = village, limitMinutes = 5, note = "在岗点名" }, Ct), HttpStatusCode.Created);
        var id = call.GetProperty("id").GetGuid();
        var started = call.GetProperty("startedAt").GetDateTimeOffset();
        var deadline = call.GetProperty("deadline").GetDateTimeOffset();
        Assert.Equal(TimeSpan.FromMinutes(5), deadline - started);
        Assert.Equal(4, call.GetProperty("waiting").GetInt32());
        var mine = await OkJsonAsync(await b.Client.GetAsync("/api/roll-calls/mine", Ct));
        Assert.Contains(mine.EnumerateArray(), m => m.GetProperty("id").GetGuid() == id && m.GetProperty("answer").GetString() == "Waiting");

        // a: exactly at the start; b: just before the start (does not count); c: exactly at the deadline; d: a millisecond late.
        var (lat, lon) = ManageKit.North(50);
        Assert.Equal(HttpStatusCode.Created, (await a.CheckInAsync(ManageKit.Body("rc-a", started, lat, lon))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await b.CheckInAsync(ManageKit.Body("rc-b", started.AddMilliseconds(-1), lat, lon))).StatusCode);
        app.Clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(HttpStatusCode.Created, (await c.CheckInAsync(ManageKit.Body("rc-c", deadline, lat, lon))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await d.CheckInAsync(ManageKit.Body("rc-d", deadline.AddMilliseconds(1), lat, lon))).StatusCode);

        // At the deadline itself the late ones are still waiting.
        var atDeadline = await OkJsonAsync(await county.GetAsync($"/api/roll-calls/{id}", Ct));
        string Answer(JsonElement dto, StationedCadre who) => dto.GetProperty("targets").EnumerateArray().Single(t => t.GetProperty("personId").GetGuid() == who.PersonId).GetProperty("answer").GetString()!;
        Assert.Equal("Answered", Answer(atDeadline, a));
        Assert.Equal("Waiting", Answer(atDeadline, b));
        Assert.Equal("Answered", Answer(atDeadline, c));
        Assert.Equal("Waiting", Answer(atDeadline, d));

        app.Clock.Advance(TimeSpan.FromMilliseconds(1));
        var after = await OkJsonAsync(await county.GetAsync($"/api/roll-calls/{id}", Ct));
        Assert.Equal("Unanswered", Answer(after, b));
        Assert.Equal("Unanswered", Answer(after, d));
        Assert.Equal(2, after.GetProperty("answered").GetInt32());
        Assert.Equal(2, after.GetProperty("unanswered").GetInt32());
        var answeredCheckIn = after.GetProperty("targets").EnumerateArray().Single(t => t.GetProperty("personId").GetGuid() == c.PersonId);
        Assert.Equal(deadline, answeredCheckIn.GetProperty("checkedInAt").GetDateTimeOffset());
        Assert.True(answeredCheckIn.GetProperty("onPost").GetBoolean());

        var unanswered = await OkJsonAsync(await county.GetAsync("/api/roll-calls/unanswered?pageSize=200", Ct));
        var missed = unanswered.GetProperty("items").EnumerateArray().Where(u => u.GetProperty("rollCallId").GetGuid() == id).Select(u => u.GetProperty("personId").GetGuid()).ToHashSet();
        Assert.Equal(new HashSet<Guid> { b.PersonId, d.PersonId }, missed);
        var pulan = await app.ClientAsAsync("pulan.county");
        Assert.Equal(HttpStatusCode.NotFound, (await pulan.GetAsync($"/api/roll-calls/{id}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await pulan.PostAsJsonAsync("/api/roll-calls", new { villageCode = village }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.ClientAsAsync("pulan.township")).PostAsJsonAsync("/api/roll-calls", new { villageCode = village }, Ct)).StatusCode);
    }

    [Fact]
    public async Task Pages_RenderForTheCountyOffice_WithTheRecordsOfItsScope()
    {
        var (county, inspection, cadre) = await RecordedInspectionAsync();
        var code = cadre.Village.Code.Value;
        await OkJsonAsync(await county.PostAsJsonAsync("/api/care/funds", new { villageCode = code, kind = "settling", budget = 4000.5m }, Ct), HttpStatusCode.Created);
        await OkJsonAsync(await county.PostAsJsonAsync("/api/roll-calls", new { villageCode = code }, Ct), HttpStatusCode.Created);
        var inspectionId = inspection.GetProperty("row").GetProperty("id").GetGuid();
        string[] pages =
        [
            "/oversight", "/requests?view=todo", "/inspections", "/inspections/draw", $"/inspections/{inspectionId}", "/follow-ups?view=overdue",
            $"/dispatch-checks?team={code}", "/field-visits", "/roll-calls", "/care", $"/care/{cadre.Village.Id}",
        ];
        foreach (var url in pages)
        {
            var response = await county.GetAsync(url, Ct);
            var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync(Ct));
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {(int)response.StatusCode}");
            Assert.Contains("督查", html, StringComparison.Ordinal);
            if (url.Contains(code, StringComparison.Ordinal) || url.Contains(cadre.Village.Id.ToString(), StringComparison.Ordinal) || url.Contains(inspectionId.ToString(), StringComparison.Ordinal))
                Assert.Contains(cadre.Village.Name, html, StringComparison.Ordinal);
        }
        Assert.Contains("¥4,000.50", WebUtility.HtmlDecode(await county.GetStringAsync($"/care/{cadre.Village.Id}", Ct)), StringComparison.Ordinal);
        var zanda = await app.ClientAsAsync("zanda.county");
        Assert.Equal(HttpStatusCode.NotFound, (await zanda.GetAsync($"/inspections/{inspectionId}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await zanda.GetAsync($"/care/{cadre.Village.Id}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.ClientAsAsync("pulan.township")).GetAsync("/inspections/draw", Ct)).StatusCode);
    }

    [Fact]
    public async Task CadreToken_OnEveryOfficeRoute_Is403_AndAuditorsToo()
    {
        var cadre = await ManageKit.NewCadreAsync(app);
        var auditor = await app.ClientAsAsync("auditor");
        string[] gets =
        [
            "/api/requests", "/api/inspections", "/api/inspections/candidates", "/api/inspections/draws", "/api/follow-ups", "/api/dispatch-checks",
            "/api/field-visits", "/api/roll-calls", "/api/roll-calls/unanswered", "/api/care/teams", "/api/oversight/summary",
        ];
        foreach (var client in new[] { cadre.Client, auditor })
        {
            foreach (var url in gets) Assert.True((await client.GetAsync(url, Ct)).StatusCode == HttpStatusCode.Forbidden, url);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsJsonAsync("/api/inspections/draws", new { count = 1, region = "542521" }, Ct)).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsJsonAsync("/api/dispatch-checks", new { villageCode = ManageKit.PulanTownVillage, answered = false }, Ct)).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsJsonAsync("/api/roll-calls", new { villageCode = ManageKit.PulanTownVillage }, Ct)).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsJsonAsync("/api/care/funds", new { villageCode = ManageKit.PulanTownVillage, kind = "settling", budget = 1 }, Ct)).StatusCode);
        }
        // The office routes for cadres only: an office account is refused.
        var county = await app.ClientAsAsync("pulan.county");
        Assert.Equal(HttpStatusCode.Forbidden, (await county.GetAsync("/api/requests/mine", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await county.GetAsync("/api/roll-calls/mine", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await county.PostAsJsonAsync("/api/requests", new { kind = "report", subject = "x", text = "y" }, Ct)).StatusCode);
    }

    [Fact]
    public async Task DispatchCheck_AndFieldVisit_AreRecordedInScope_WithTheirFacts()
    {
        var cadre = (await FreshTeamsAsync("542521", 1)).Single();
        var county = await app.ClientAsAsync("pulan.county");
        var code = cadre.Village.Code.Value;
        var bad = await county.PostAsJsonAsync("/api/dispatch-checks", new { villageCode = code, answered = false, onPost = true }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var check = await OkJsonAsync(await county.PostAsJsonAsync("/api/dispatch-checks", new { villageCode = code, personId = cadre.PersonId, method = "视频", answered = true, onPost = true }, Ct), HttpStatusCode.Created);
        Assert.Equal("视频", check.GetProperty("methodName").GetString());
        var prefecture = await app.ClientAsAsync("ali.prefecture");
        Assert.Equal(HttpStatusCode.Created, (await prefecture.PostAsJsonAsync("/api/dispatch-checks", new { villageCode = code, answered = false }, Ct)).StatusCode);
        var unanswered = await OkJsonAsync(await county.GetAsync($"/api/dispatch-checks?q={code}&result=unanswered", Ct));
        Assert.Equal(1, unanswered.GetProperty("total").GetInt32());

        Assert.Equal(HttpStatusCode.BadRequest, (await county.PostAsJsonAsync("/api/field-visits", new { villageCode = code, date = Today, visitors = "张明", cadresMet = 5, summary = "走访" }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await county.PostAsJsonAsync("/api/field-visits", new { villageCode = code, date = Today, visitors = "张明、李华", cadresMet = 1, summary = "查看驻村日志。" }, Ct)).StatusCode);

        var zanda = await app.ClientAsAsync("zanda.county");
        Assert.Equal(HttpStatusCode.NotFound, (await zanda.PostAsJsonAsync("/api/dispatch-checks", new { villageCode = code, answered = true, onPost = true }, Ct)).StatusCode);
        var zandaChecks = await OkJsonAsync(await zanda.GetAsync($"/api/dispatch-checks?q={code}", Ct));
        Assert.Equal(0, zandaChecks.GetProperty("total").GetInt32());
        var township = await app.ClientAsAsync("pulan.township");
        Assert.Equal(HttpStatusCode.Forbidden, (await township.PostAsJsonAsync("/api/field-visits", new { villageCode = code, date = Today, visitors = "张明", cadresMet = 1, summary = "走访" }, Ct)).StatusCode);
    }
}

public sealed class OversightTestsSqlite(SqliteApp app) : OversightTests(app), IClassFixture<SqliteApp>;

public sealed class OversightTestsPostgres(PostgresApp app) : OversightTests(app), IClassFixture<PostgresApp>;
