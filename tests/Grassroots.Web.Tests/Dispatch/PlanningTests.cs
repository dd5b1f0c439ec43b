using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Grassroots.Dispatch;
using Grassroots.People;
using Grassroots.Selection;
using Grassroots.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Grassroots.Web.Tests.Dispatch;

/// <summary>Dispatch plans end to end over HTTP: run in the background, lock, move, re-run, explain, approve, publish.</summary>
public abstract class PlanningTests(GrassrootsApp app)
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Three villages in each of Pulan and Zanda, two members each (the first of each county needs a speaker).</summary>
    static readonly (string, string, CadreLine, bool, bool)[] Standard =
    [
        ("普兰甲", "pulan", CadreLine.Party, true, false), ("普兰乙", "pulan", CadreLine.Economic, true, true), ("普兰丙", "pulan", CadreLine.Agriculture, false, true),
        ("普兰丁", "pulan", CadreLine.Legal, false, false), ("普兰戊", "pulan", CadreLine.Other, false, false), ("普兰己", "pulan", CadreLine.Party, false, false),
        ("札达甲", "zanda", CadreLine.Party, true, false), ("札达乙", "zanda", CadreLine.Economic, true, true), ("札达丙", "zanda", CadreLine.Agriculture, false, true),
        ("札达丁", "zanda", CadreLine.Legal, false, false), ("札达戊", "zanda", CadreLine.Technology, false, false), ("札达己", "zanda", CadreLine.Party, false, false),
        ("地区甲", "prefecture", CadreLine.Party, true, false), ("地区乙", "prefecture", CadreLine.Economic, true, true),
        ("地区丙", "prefecture", CadreLine.Agriculture, false, false), ("地区丁", "prefecture", CadreLine.Legal, false, true),
        ("地区戊", "prefecture", CadreLine.Technology, false, false), ("地区己", "prefecture", CadreLine.Party, false, false),
    ];

    async Task<(HttpClient Client, PlanRound Round, PlanDto Plan)> ReadyPlanAsync(IReadOnlyList<(string, string, CadreLine, bool, bool)>? cadres = null, int villagesPerCounty = 3, int members = 2)
    {
        var round = await PlanRound.CreateAsync(app.WithSystemDbAsync, app.Data, villagesPerCounty, members, cadres ?? Standard);
        var client = await app.ClientAsAsync("ali.prefecture");
        var response = await client.PostAsJsonAsync($"/api/rounds/{round.RoundId}/plans", new { }, Ct);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var queued = await response.Content.ReadFromJsonAsync<PlanDto>(Ct);
        var plan = await WaitAsync(client, queued!.Id);
        Assert.True(plan.Status == "Ready", plan.Error);
        return (client, round, plan);
    }

    static async Task<PlanDto> WaitAsync(HttpClient client, Guid planId)
    {
        for (var i = 0; i < 200; i++)
        {
            var plan = await client.GetFromJsonAsync<PlanDto>($"/api/plans/{planId}", Ct);
            if (plan!.Status is "Ready" or "Failed") return plan;
            await Task.Delay(50, Ct);
        }
        throw new TimeoutException("方案在 10 秒内没有算完。");
    }

    static async Task<List<PlacementDto>> PlacementsAsync(HttpClient client, Guid planId)
    {
        var page = await client.GetFromJsonAsync<PageDto<PlacementDto>>($"/api/plans/{planId}/placements?pageSize=200", Ct);
        return page!.Items;
    }

    [Fact]
    public async Task Run_InTheBackground_FillsEveryPlaceOptimallyAndKeepsEveryRule()
    {
        var (client, round, plan) = await ReadyPlanAsync();
        Assert.Equal("Ready", plan.Status);
        Assert.True(plan.Certified);
        Assert.Equal(6, plan.Villages);
        Assert.Equal(6, plan.FirstSecretaryFilled);
        Assert.Equal(18, plan.Slots);
        Assert.Equal(18, plan.Filled);
        var rows = await PlacementsAsync(client, plan.Id);
        Assert.Equal(18, rows.Count);
        Assert.Equal(rows.Count, rows.Select(r => r.PersonId).Distinct().Count());
        foreach (var r in rows)
        {
            var cadre = round.Cadres.Single(c => c.Id == r.PersonId);
            // Avoidance: nobody serves in their home county.
            Assert.False(r.VillageCode.StartsWith(cadre.HomeCountyCode!.Value.Value, StringComparison.Ordinal), $"{r.Name} 被派回本县 {r.VillageCode}");
            if (r.Slot == "FirstSecretary") Assert.Equal("一级科员", cadre.Rank);
            if (r.Slot == "Speaker") Assert.Contains("藏语", cadre.Languages, StringComparison.Ordinal);
        }
        // Every village that needs the local language has its speaker.
        Assert.Equal(2, rows.Count(r => r.Slot == "Speaker"));
        var gaps = await client.GetFromJsonAsync<List<GapDto>>($"/api/plans/{plan.Id}/gaps", Ct);
        Assert.Empty(gaps!);
    }

    [Fact]
    public async Task Run_WithTooFewFirstSecretaries_ExplainsTheEmptyPlaces()
    {
        var cadres = Standard.Select(c => c.Item1 is "地区甲" or "地区乙" or "普兰甲" ? (c.Item1, c.Item2, c.Item3, false, c.Item5) : c).ToArray();
        var (client, _, plan) = await ReadyPlanAsync(cadres);
        Assert.Equal("Ready", plan.Status);
        Assert.Equal(3, plan.FirstSecretaryFilled); // 普兰乙 and 札达甲/乙 remain: 3 eligible for 6 villages
        var gaps = await client.GetFromJsonAsync<List<GapDto>>($"/api/plans/{plan.Id}/gaps", Ct);
        var fsGaps = gaps!.Where(g => g.Slot == "firstSecretary").ToList();
        Assert.Equal(3, fsGaps.Count);
        Assert.All(fsGaps, g => Assert.Contains("第一书记", g.Reason, StringComparison.Ordinal));
    }

    [Fact]
    public async Task LockMoveAndRerun_KeepsTheLockedPlacementsAndReoptimisesTheRest()
    {
        var (client, round, plan) = await ReadyPlanAsync();
        var rows = await PlacementsAsync(client, plan.Id);
        var locked = rows.First(r => r.Slot == "Member");
        var lockResponse = await client.PostAsJsonAsync($"/api/plans/{plan.Id}/locks", new { placementId = locked.Id }, Ct);
        Assert.True(lockResponse.StatusCode == HttpStatusCode.OK, await lockResponse.Content.ReadAsStringAsync(Ct));

        // Move a prefecture cadre who is a member somewhere to another (allowed) village as a member.
        var mover = rows.First(r => r.Slot == "Member" && r.Id != locked.Id && round.Cadres.Single(c => c.Id == r.PersonId).RegionCode.Value == "542500");
        var target = round.Villages.First(v => v.Id != mover.VillageId && v.Id != locked.VillageId);
        var move = await client.PostAsJsonAsync($"/api/plans/{plan.Id}/moves", new { personId = mover.PersonId, villageId = target.Id, slot = "member" }, Ct);
        Assert.True(move.StatusCode == HttpStatusCode.OK, await move.Content.ReadAsStringAsync(Ct));
        var edited = await move.Content.ReadFromJsonAsync<PlanDto>(Ct);
        Assert.True(edited!.LocksChanged);
        Assert.Equal(2, edited.Locks);

        // Approving before re-running is refused.
        var approve = await client.PostAsJsonAsync($"/api/plans/{plan.Id}/approve", new { }, Ct);
        Assert.Equal(HttpStatusCode.Conflict, approve.StatusCode);

        var rerun = await client.PostAsJsonAsync($"/api/rounds/{round.RoundId}/plans", new { basedOn = plan.Id }, Ct);
        Assert.Equal(HttpStatusCode.Accepted, rerun.StatusCode);
        var second = await WaitAsync(client, (await rerun.Content.ReadFromJsonAsync<PlanDto>(Ct))!.Id);
        Assert.Equal("Ready", second.Status);
        Assert.True(second.Certified);
        Assert.Equal(2, second.Number);
        var after = await PlacementsAsync(client, second.Id);
        var keptLock = after.Single(r => r.PersonId == locked.PersonId);
        Assert.Equal(locked.VillageId, keptLock.VillageId);
        Assert.True(keptLock.Locked);
        var moved = after.Single(r => r.PersonId == mover.PersonId);
        Assert.Equal(target.Id, moved.VillageId);
        Assert.Equal("Member", moved.Slot);
        Assert.Equal(18, second.Filled);
        // Compare lists the cadres whose place changed (at least the one moved).
        var compare = await client.GetFromJsonAsync<CompareDto>($"/api/plans/compare?left={plan.Id}&right={second.Id}", Ct);
        Assert.Contains(compare!.Differences, d => d.PersonId == mover.PersonId);
        Assert.Equal(18, compare.Same + compare.Differences.Count);
    }

    [Fact]
    public async Task Move_IntoTheCadresHomeCounty_IsRefusedWithTheReason()
    {
        var (client, round, plan) = await ReadyPlanAsync();
        var pulanCadre = round.Cadre("普兰丁");
        var pulanVillage = round.Villages.First(v => v.Code.Value.StartsWith("542521", StringComparison.Ordinal));
        var response = await client.PostAsJsonAsync($"/api/plans/{plan.Id}/moves", new { personId = pulanCadre.Id, villageId = pulanVillage.Id, slot = "member" }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Contains("回避", problem.GetProperty("errors").GetProperty("villageId")[0].GetString(), StringComparison.Ordinal);
        // A non-eligible cadre cannot be moved into a first-secretary place.
        var response2 = await client.PostAsJsonAsync($"/api/plans/{plan.Id}/moves", new { personId = round.Cadre("地区丙").Id, villageId = pulanVillage.Id, slot = "firstSecretary" }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response2.StatusCode);
        var after = await client.GetFromJsonAsync<PlanDto>($"/api/plans/{plan.Id}", Ct);
        Assert.Equal(0, after!.Locks);
    }

    [Fact]
    public async Task Explanation_NamesTheCostTermsAndTheBestAlternative()
    {
        var (client, _, plan) = await ReadyPlanAsync();
        var row = (await PlacementsAsync(client, plan.Id)).First(r => r.Slot == "FirstSecretary");
        var e = await client.GetFromJsonAsync<JsonElement>($"/api/plans/{plan.Id}/placements/{row.Id}/explanation", Ct);
        var reasons = e.GetProperty("reasons").EnumerateArray().Select(x => x.GetString()!).ToList();
        Assert.Contains(reasons, r => r.Contains("公里", StringComparison.Ordinal));
        Assert.Contains(reasons, r => r.Contains("条线", StringComparison.Ordinal));
        var alternative = e.GetProperty("alternative").GetString()!;
        Assert.True(alternative.Contains("次优", StringComparison.Ordinal) || alternative.Contains("无可替代", StringComparison.Ordinal) || alternative.Contains("不安排", StringComparison.Ordinal), alternative);
        if (e.GetProperty("alternativeCostDelta").ValueKind == JsonValueKind.Number)
            Assert.True(e.GetProperty("alternativeCostDelta").GetInt64() >= 0, "the planner's choice is optimal, so the alternative cannot be cheaper");
    }

    [Fact]
    public async Task Publish_MakesPostingsWithTermDatesAndExtendsScopeToTheStationedCounty()
    {
        var (client, round, plan) = await ReadyPlanAsync();
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync($"/api/plans/{plan.Id}/approve", new { }, Ct)).StatusCode);
        var publish = await client.PostAsJsonAsync($"/api/plans/{plan.Id}/publish", new { }, Ct);
        Assert.Equal(HttpStatusCode.OK, publish.StatusCode);
        Assert.Equal(18, (await publish.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("postings").GetInt32());

        await app.WithSystemDbAsync(async db =>
        {
            var postings = await db.Postings.Where(p => p.RoundId == round.RoundId).ToListAsync(Ct);
            Assert.Equal(18, postings.Count);
            Assert.All(postings, p => Assert.Equal((new DateOnly(2026, 3, 1), new DateOnly(2028, 2, 29)), (p.StartDate, p.EndDate)));
            Assert.Equal(6, postings.Count(p => p.Role == PostingRole.FirstSecretary));
            Assert.Equal(6, postings.Select(p => p.VillageId).Distinct().Count());
            var r = await db.SelectionRounds.SingleAsync(x => x.Id == round.RoundId, Ct);
            Assert.Equal(RoundStatus.Published, r.Status);
        });

        // A Pulan cadre stationed in a Zanda village: Zanda's county office now sees them; Pulan still does.
        var rows = await PlacementsAsync(client, plan.Id);
        var pulanInZanda = rows.First(r => round.Cadres.Single(c => c.Id == r.PersonId).RegionCode.Value.StartsWith("542521", StringComparison.Ordinal));
        var zanda = await app.ClientAsAsync("zanda.county");
        Assert.Equal(HttpStatusCode.OK, (await zanda.GetAsync($"/api/people/{pulanInZanda.PersonId}", Ct)).StatusCode);
        var pulan = await app.ClientAsAsync("pulan.county");
        Assert.Equal(HttpStatusCode.OK, (await pulan.GetAsync($"/api/people/{pulanInZanda.PersonId}", Ct)).StatusCode);

        // The round is published: no new plan, no second publish.
        Assert.Equal(HttpStatusCode.Conflict, (await client.PostAsJsonAsync($"/api/rounds/{round.RoundId}/plans", new { }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await client.PostAsJsonAsync($"/api/plans/{plan.Id}/publish", new { }, Ct)).StatusCode);
    }

    [Fact]
    public async Task Publish_TwoApprovedPlansAtOnce_OneWinsAndNothingIsHalfApplied()
    {
        var (client, round, first) = await ReadyPlanAsync();
        var rerun = await client.PostAsJsonAsync($"/api/rounds/{round.RoundId}/plans", new { basedOn = first.Id }, Ct);
        var second = await WaitAsync(client, (await rerun.Content.ReadFromJsonAsync<PlanDto>(Ct))!.Id);
        foreach (var id in new[] { first.Id, second.Id })
            Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync($"/api/plans/{id}/approve", new { }, Ct)).StatusCode);

        var other = await app.ClientAsAsync("ali.prefecture");
        var results = await Task.WhenAll(
            client.PostAsJsonAsync($"/api/plans/{first.Id}/publish", new { }, Ct),
            other.PostAsJsonAsync($"/api/plans/{second.Id}/publish", new { }, Ct));
        Assert.Single(results, r => r.StatusCode == HttpStatusCode.OK);
        Assert.Single(results, r => r.StatusCode == HttpStatusCode.Conflict);

        await app.WithSystemDbAsync(async db =>
        {
            var postings = await db.Postings.Where(p => p.RoundId == round.RoundId).ToListAsync(Ct);
            Assert.Equal(18, postings.Count);
            Assert.Single(postings.Select(p => p.PlanId).Distinct());
            var plans = await db.TeamPlans.Where(p => p.RoundId == round.RoundId).ToListAsync(Ct);
            Assert.Single(plans, p => p.Status == PlanStatus.Published);
        });
    }

    [Fact]
    public async Task Export_WritesTheTeamsAndTheGapsToAWorkbook()
    {
        var (client, _, plan) = await ReadyPlanAsync();
        var response = await client.GetAsync($"/api/plans/{plan.Id}/export", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var stream = new MemoryStream(await response.Content.ReadAsByteArrayAsync(Ct));
        using var doc = SpreadsheetDocument.Open(stream, false);
        var wb = doc.WorkbookPart!;
        var sheets = wb.Workbook.Sheets!.Elements<Sheet>().Select(s => s.Name!.Value).ToList();
        Assert.Equal(["安排表", "空缺说明"], sheets);
        var sheet = (WorksheetPart)wb.GetPartById(wb.Workbook.Sheets!.Elements<Sheet>().First().Id!);
        var rows = sheet.Worksheet.Descendants<Row>().ToList();
        Assert.Equal(3 + 18, rows.Count); // title, figures, header, one row per placement
        var header = rows[2].Elements<Cell>().Select(c => c.InnerText).ToList();
        Assert.Equal("岗位", header[6]);
        Assert.Equal("姓名", header[7]);
    }

    [Fact]
    public async Task Plans_AreForThePrefectureOnly()
    {
        var (_, round, plan) = await ReadyPlanAsync();
        var county = await app.ClientAsAsync("pulan.county");
        Assert.Equal(HttpStatusCode.Forbidden, (await county.GetAsync($"/api/plans/{plan.Id}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await county.PostAsJsonAsync($"/api/rounds/{round.RoundId}/plans", new { }, Ct)).StatusCode);
    }

    public sealed record PlanDto(Guid Id, Guid RoundId, int Number, string Status, int Villages, int Candidates, int Slots, int FirstSecretaryFilled, int Filled,
        long TotalCost, bool Certified, bool LocksChanged, int Locks, Guid Version, string? Error);

    public sealed record PlacementDto(Guid Id, Guid PersonId, string Name, Guid VillageId, string VillageCode, string Slot, bool Locked, bool LineFits, double DistanceKm, long Cost);

    public sealed record GapDto(Guid VillageId, string Village, string Slot, int Count, string Reason);

    public sealed record PageDto<T>(List<T> Items, int Total);

    public sealed record DifferenceDto(Guid PersonId, string Name, string? Left, string? Right);

    public sealed record CompareDto(List<DifferenceDto> Differences, int Same);
}

public sealed class PlanningTestsSqlite(SqliteApp app) : PlanningTests(app), IClassFixture<SqliteApp>;

public sealed class PlanningTestsPostgres(PostgresApp app) : PlanningTests(app), IClassFixture<PostgresApp>;
