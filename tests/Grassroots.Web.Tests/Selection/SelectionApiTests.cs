using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Grassroots.Audit;
using Grassroots.Common;
using Grassroots.People;
using Grassroots.Regions;
using Grassroots.Selection;
using Grassroots.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Grassroots.Web.Tests.Security.SecurityKit;

namespace Grassroots.Web.Tests.Selection;

/// <summary>
/// Selection rounds over HTTP on both databases: validation, demand, nomination, the 1+2+X gate on approval,
/// concurrent reviewers, and scope (a county sees and acts on its own people's candidacies only).
/// </summary>
public abstract class SelectionApiTests(GrassrootsApp app)
{
    static int roundNumber;

    /// <summary>A new open round of the prefecture (reference date 2026-12-31), so tests do not share candidates.</summary>
    async Task<RoundDetail> OpenRoundAsync(string? policy = null)
    {
        var client = await app.SharedClientAsync("ali.prefecture");
        var body = new JsonObject
        {
            ["name"] = $"测试批次 {Interlocked.Increment(ref roundNumber)} {Guid.NewGuid():N}"[..30],
            ["referenceDate"] = "2026-12-31",
            ["termStart"] = "2027-01-01",
        };
        if (policy is not null) body["eligibilityPolicy"] = policy;
        var created = await client.PostJsonAsync("/api/rounds", body);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var round = (await created.Content.ReadFromJsonAsync<RoundDetail>(Ct))!;
        Assert.Equal("draft", round.Status);
        var opened = await client.PostJsonAsync($"/api/rounds/{round.Id}/open", new JsonObject { ["version"] = round.Version.ToString() });
        Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
        return (await opened.Content.ReadFromJsonAsync<RoundDetail>(Ct))!;
    }

    static async Task<CandidateDetail> NominateAsync(HttpClient client, Guid roundId, Guid personId, string entry = "unitRecommendation")
    {
        var response = await client.PostJsonAsync($"/api/rounds/{roundId}/candidates",
            new JsonObject { ["personId"] = personId.ToString(), ["entry"] = entry, ["statement"] = "政治坚定，熟悉农牧工作，推荐驻村。" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<CandidateDetail>(Ct))!;
    }

    static async Task<CandidateDetail> AttestAsync(HttpClient client, Guid candidateId, bool all = true)
    {
        var response = await client.PostJsonAsync($"/api/candidates/{candidateId}/attestations", new JsonObject
        {
            ["goodPolitics"] = true, ["strongAbility"] = all, ["strongDuty"] = true, ["notes"] = "经考察谈话，表现良好。",
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<CandidateDetail>(Ct))!;
    }

    /// <summary>A Pulan cadre of its own, with the given party joining date (null: not entered).</summary>
    async Task<Person> AddPulanCadreAsync(DateOnly? joined, int sequence)
    {
        var id = TestData.MakeId("542521", new DateOnly(1991, 4, 1).AddDays(sequence), 100 + sequence * 2 + 1);
        var p = new Person
        {
            Kind = PersonKind.Cadre, Name = "测试干部" + sequence, NameSortKey = "z" + sequence, NameInitials = "csgb", GenderCode = "1", EthnicCode = "04",
            BirthDate = id.BirthDate, IdNumber = id, PoliticalStatusCode = "01", PartyJoinDate = joined, WorkStartDate = new DateOnly(2014, 7, 1),
            StaffStatus = StaffStatus.Established, UnitId = app.Data.PulanUnit.Id, Health = HealthStatus.Fit, Line = CadreLine.Agriculture, Rank = "一级科员",
            RegionCode = app.Data.PulanUnit.RegionCode, RegionPath = app.Data.PulanUnit.RegionPath,
        };
        await app.WithSystemDbAsync(async db => { db.People.Add(p); await db.SaveChangesAsync(Ct); });
        return p;
    }

    [Fact]
    public async Task CreateRound_WithBadValues_Is400_WithAChineseMessagePerField_AndCreatesNothing()
    {
        var client = await app.SharedClientAsync("ali.prefecture");
        var before = await app.WithSystemDbAsync(db => db.SelectionRounds.IgnoreQueryFilters().CountAsync(Ct));
        var response = await client.PostJsonAsync("/api/rounds", new JsonObject
        {
            ["name"] = "  ", ["termStart"] = "2027-01-01", ["termMonths"] = 3, ["mismatchCost"] = -1, ["perKmCost"] = -5, ["avoidance"] = "village",
            ["eligibilityPolicy"] = """{"rules":[{"kind":"AgeLimit"}]}""",
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.ProblemAsync()).Errors!;
        Assert.Equal(["批次名称不能为空。"], errors["name"]);
        Assert.StartsWith("参照日期不能为空", errors["referenceDate"][0], StringComparison.Ordinal);
        Assert.Equal(["任期应为 6 到 60 个月，实际为 3 个月。"], errors["termMonths"]);
        Assert.Contains("不能为负数", errors["mismatchCost"][0], StringComparison.Ordinal);
        Assert.Contains("不能为负数", errors["perKmCost"][0], StringComparison.Ordinal);
        Assert.Contains("回避方式“village”无效", errors["avoidance"][0], StringComparison.Ordinal);
        Assert.Contains("maxAge", errors["eligibilityPolicy"][0], StringComparison.Ordinal);
        Assert.Equal(before, await app.WithSystemDbAsync(db => db.SelectionRounds.IgnoreQueryFilters().CountAsync(Ct)));
    }

    [Fact]
    public async Task CreateRound_TermOf61Months_AndTermBeforeTheReferenceDate_AreRefused()
    {
        var client = await app.SharedClientAsync("ali.prefecture");
        var response = await client.PostJsonAsync("/api/rounds", new JsonObject
        {
            ["name"] = "任期过长", ["referenceDate"] = "2027-01-01", ["termStart"] = "2026-06-01", ["termMonths"] = 61,
        });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.ProblemAsync()).Errors!;
        Assert.Equal(["任期应为 6 到 60 个月，实际为 61 个月。"], errors["termMonths"]);
        Assert.Equal(["任期开始日期 2026-06-01 不能早于参照日期 2027-01-01。"], errors["termStart"]);
    }

    [Fact]
    public async Task CreateRound_ByACounty_Is403_ButTheCountySeesThePrefecturesRound()
    {
        var round = await OpenRoundAsync();
        var county = await app.SharedClientAsync("pulan.county");
        var refused = await county.PostJsonAsync("/api/rounds", new JsonObject { ["name"] = "县里的批次", ["referenceDate"] = "2026-12-31", ["termStart"] = "2027-01-01" });
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);

        var rounds = await county.GetFromJsonAsync<List<RoundSummary>>("/api/rounds", Ct);
        Assert.Contains(rounds!, r => r.Id == round.Id);
        Assert.Equal(HttpStatusCode.OK, (await county.GetAsync($"/api/rounds/{round.Id}", Ct)).StatusCode);
        // The other prefecture's civil-affairs bureau has no business with Ali's rounds.
        var dayu = await app.SharedClientAsync("dayu.civil");
        Assert.Equal(HttpStatusCode.Forbidden, (await dayu.GetAsync("/api/rounds", Ct)).StatusCode);
    }

    [Fact]
    public async Task Demand_GeneratedFromTheVillages_AddsUpToTheTotal_AndACountySeesItsOwnVillagesOnly()
    {
        await EnsureVillagesAsync();
        var round = await OpenRoundAsync();
        var prefecture = await app.SharedClientAsync("ali.prefecture");
        var generated = await prefecture.PostJsonAsync($"/api/rounds/{round.Id}/demand/generate", new JsonObject { ["totalMembers"] = 10 });
        Assert.Equal(HttpStatusCode.OK, generated.StatusCode);
        var totals = (await generated.Content.ReadFromJsonAsync<DemandTotals>(Ct))!;
        Assert.Equal((4, 10, 4), (totals.Villages, totals.Members, totals.SpeakerVillages));

        var all = (await prefecture.GetFromJsonAsync<DemandPage>($"/api/rounds/{round.Id}/demand?sort=-households", Ct))!;
        Assert.Equal(4, all.Page.Total);
        Assert.All(all.Page.Items, d => Assert.InRange(d.Members, 1, 10));
        Assert.True(all.Page.Items[0].Members >= all.Page.Items[^1].Members, "The largest village gets at least as many members as the smallest.");
        Assert.Equal("industry", all.Page.Items.Single(d => d.VillageCode == VillagesOf("542521").First().Code.Value).FitTag);
        Assert.Equal(420, all.Page.Items[0].Households);

        var pulan = (await (await app.SharedClientAsync("pulan.county")).GetFromJsonAsync<DemandPage>($"/api/rounds/{round.Id}/demand", Ct))!;
        Assert.Equal(3, pulan.Page.Total);
        Assert.All(pulan.Page.Items, d => Assert.StartsWith("542521", d.VillageCode, StringComparison.Ordinal));
        Assert.Equal(3, pulan.Totals.Villages);

        // Edit one row; a bad value is refused with the field named.
        var row = all.Page.Items[0];
        var edited = await prefecture.PutJsonAsync($"/api/rounds/{round.Id}/demand/{row.Id}", new JsonObject { ["members"] = 6, ["fitTag"] = "weak", ["needsSpeaker"] = false });
        Assert.Equal(HttpStatusCode.OK, edited.StatusCode);
        var after = (await edited.Content.ReadFromJsonAsync<DemandRow>(Ct))!;
        Assert.Equal((6, "weak", false), (after.Members, after.FitTag, after.NeedsSpeaker));
        var bad = await prefecture.PutJsonAsync($"/api/rounds/{round.Id}/demand/{row.Id}", new JsonObject { ["members"] = 0 });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal(["队员人数应在 1 到 20 之间（第一书记另计）。"], (await bad.ProblemAsync()).Errors!["members"]);
        // Counties do not set the demand.
        var countyEdit = await (await app.SharedClientAsync("pulan.county")).PutJsonAsync($"/api/rounds/{round.Id}/demand/{row.Id}", new JsonObject { ["members"] = 2 });
        Assert.Equal(HttpStatusCode.Forbidden, countyEdit.StatusCode);
    }

    static readonly SemaphoreSlim VillageLock = new(1, 1);

    static IEnumerable<Region> VillagesOf(string county) => RegionCatalog.Embedded.All
        .Where(r => r.Level is RegionLevel.Village or RegionLevel.Community && r.Code.Value.StartsWith(county, StringComparison.Ordinal))
        .OrderBy(r => r.Code.Value, StringComparer.Ordinal);

    async Task EnsureVillagesAsync()
    {
        await VillageLock.WaitAsync(Ct);
        try
        {
            await app.WithSystemDbAsync(async db =>
            {
                if (await db.Villages.IgnoreQueryFilters().AnyAsync(Ct)) return;
                (int Households, VillageTags Tag)[] spec = [(420, VillageTags.Industry), (150, VillageTags.Poor), (90, VillageTags.Weak), (300, VillageTags.Complex)];
                var regions = VillagesOf("542521").Take(3).Append(VillagesOf("542522").First()).ToList();
                for (var i = 0; i < regions.Count; i++)
                {
                    var region = regions[i];
                    db.Villages.Add(new Village
                    {
                        Code = region.Code, Name = region.Name, TownshipCode = region.ParentCode!.Value, RegionPath = region.Path,
                        Households = spec[i].Households, Population = spec[i].Households * 4, Tags = spec[i].Tag, PrimaryTag = spec[i].Tag, NeedsLocalLanguage = true,
                    });
                }
                await db.SaveChangesAsync(Ct);
            });
        }
        finally
        {
            VillageLock.Release();
        }
    }

    [Fact]
    public async Task Approve_WithoutAnAttestation_Is422_ThenAttestedAndEligible_IsApproved_AndAudited()
    {
        var round = await OpenRoundAsync();
        var county = await app.SharedClientAsync("pulan.county");
        var candidate = await NominateAsync(county, round.Id, app.Data.PulanCadre.Id);
        Assert.Equal(("pending", "unitRecommendation", "pass"), (candidate.Status, candidate.Entry, candidate.Outcome));
        Assert.Equal("pulan.county", candidate.NominatedBy);

        var refused = await county.PostJsonAsync($"/api/candidates/{candidate.Id}/approve", new JsonObject { ["version"] = candidate.Version.ToString() });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Contains("尚未记录“一好双强”鉴定", (await refused.ProblemAsync()).Title, StringComparison.Ordinal);

        var partial = await AttestAsync(county, candidate.Id, all: false);
        var refusedAgain = await county.PostJsonAsync($"/api/candidates/{candidate.Id}/approve", new JsonObject { ["version"] = partial.Version.ToString() });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refusedAgain.StatusCode);
        Assert.Contains("最近一次“一好双强”鉴定未确认：工作能力强", (await refusedAgain.ProblemAsync()).Title, StringComparison.Ordinal);

        var attested = await AttestAsync(county, candidate.Id);
        Assert.Equal(2, attested.Attestations.Count);
        Assert.Empty(attested.ApprovalBlockers);
        var approved = await county.PostJsonAsync($"/api/candidates/{candidate.Id}/approve", new JsonObject { ["version"] = attested.Version.ToString(), ["note"] = "同意" });
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        var detail = (await approved.Content.ReadFromJsonAsync<CandidateDetail>(Ct))!;
        Assert.Equal(("approved", "pulan.county", "同意"), (detail.Status, detail.ReviewedBy, detail.ReviewNote));

        var id = candidate.Id.ToString();
        var audit = await app.AuditAsync(a => a.ObjectType == nameof(Candidate) && a.ObjectId == id);
        Assert.Equal(AuditEvents.Create, audit[0].Event);
        Assert.Single(audit, a => a.After != null && a.After.Contains("Approved", StringComparison.Ordinal));
        Assert.Equal(2, (await app.AuditAsync(a => a.ObjectType == nameof(Attestation) && a.Event == AuditEvents.Create && a.After!.Contains(id))).Count);
    }

    [Fact]
    public async Task Approve_WithAMissingPartyDate_Is422_NamingTheRuleAndTheField()
    {
        var round = await OpenRoundAsync();
        var person = await AddPulanCadreAsync(null, 1);
        var client = await app.SharedClientAsync("ali.prefecture");
        var candidate = await NominateAsync(client, round.Id, person.Id, "selfNomination");
        Assert.Equal(("unknown", "个人自荐"), (candidate.Outcome, candidate.EntryName));
        var rule = candidate.Rules.Single(r => r.Kind == RuleKinds.PartyStanding);
        Assert.Equal(("unknown", "入党时间未填写"), (rule.Outcome, rule.Reason));

        var attested = await AttestAsync(client, candidate.Id);
        var refused = await client.PostJsonAsync($"/api/candidates/{candidate.Id}/approve", new JsonObject { ["version"] = attested.Version.ToString() });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Equal("不能通过审核：资格条件“党龄满 1 年”待核实：入党时间未填写。", (await refused.ProblemAsync()).Title);
        Assert.Equal(CandidateStatus.Pending, await app.WithSystemDbAsync(db => db.Candidates.IgnoreQueryFilters().Where(c => c.Id == candidate.Id).Select(c => c.Status).SingleAsync(Ct)));
    }

    [Fact]
    public async Task Approve_OneDayShortOfAYearsPartyStanding_Is422_ExactlyAYearPasses()
    {
        var round = await OpenRoundAsync(); // reference date 2026-12-31
        var client = await app.SharedClientAsync("ali.prefecture");
        var shortOne = await AttestAsync(client, (await NominateAsync(client, round.Id, (await AddPulanCadreAsync(new DateOnly(2026, 1, 1), 2)).Id)).Id);
        var exact = await AttestAsync(client, (await NominateAsync(client, round.Id, (await AddPulanCadreAsync(new DateOnly(2025, 12, 31), 3)).Id)).Id);

        var refused = await client.PostJsonAsync($"/api/candidates/{shortOne.Id}/approve", new JsonObject());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Equal("不能通过审核：不符合资格条件“党龄满 1 年”：入党时间 2026-01-01，党龄 0 年 11 个月，不足 1 年（参照日 2026-12-31）。", (await refused.ProblemAsync()).Title);
        Assert.Equal(HttpStatusCode.OK, (await client.PostJsonAsync($"/api/candidates/{exact.Id}/approve", new JsonObject())).StatusCode);

        var failing = await client.GetFromJsonAsync<PagedResult<CandidateRow>>($"/api/rounds/{round.Id}/candidates?outcome=fail", Ct);
        Assert.Equal([shortOne.Id], failing!.Items.Select(c => c.Id));
        Assert.StartsWith("党龄满 1 年：入党时间 2026-01-01", failing.Items[0].Blocking, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RulesAreData_ARoundWithAnAgeLimit_FailsTheOlderCadre()
    {
        var policy = EligibilityPolicy.Default.With(new EligibilityRule { Kind = RuleKinds.AgeLimit, MaxAge = 40 }).ToJson();
        var round = await OpenRoundAsync(policy);
        Assert.Contains(round.Rules, r => r.Title == "年龄不超过 40 周岁");
        var client = await app.SharedClientAsync("ali.prefecture");
        var older = await NominateAsync(client, round.Id, app.Data.PrefectureCadre.Id); // born 1985-01-20: 41 on 2026-12-31
        var younger = await NominateAsync(client, round.Id, app.Data.ZandaCadre.Id); // born 1990-07-02

        Assert.Equal("fail", older.Outcome);
        Assert.Equal("出生日期 1985-01-20，参照日 2026-12-31 时 41 周岁，超过 40 周岁", older.Rules.Single(r => r.Kind == RuleKinds.AgeLimit).Reason);
        Assert.Equal("pass", younger.Outcome);
        var passing = await client.GetFromJsonAsync<PagedResult<CandidateRow>>($"/api/rounds/{round.Id}/candidates?outcome=pass", Ct);
        Assert.Equal([younger.Id], passing!.Items.Select(c => c.Id));
    }

    [Fact]
    public async Task ConcurrentApprovals_OneWins_TheOtherIs409_NothingHalfApplied()
    {
        var round = await OpenRoundAsync();
        var prefecture = await app.SharedClientAsync("ali.prefecture");
        var county = await app.SharedClientAsync("pulan.county");
        var candidate = await AttestAsync(county, (await NominateAsync(county, round.Id, app.Data.PulanTownCadre.Id)).Id);
        var version = candidate.Version.ToString();

        var responses = await Task.WhenAll(
            prefecture.PostJsonAsync($"/api/candidates/{candidate.Id}/approve", new JsonObject { ["version"] = version, ["note"] = "地委审核通过" }),
            county.PostJsonAsync($"/api/candidates/{candidate.Id}/reject", new JsonObject { ["version"] = version, ["note"] = "县里不同意" }));

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        var winner = responses[0].StatusCode == HttpStatusCode.OK ? (CandidateStatus.Approved, "地委审核通过") : (CandidateStatus.Rejected, "县里不同意");
        var stored = await app.WithSystemDbAsync(db => db.Candidates.IgnoreQueryFilters().AsNoTracking().SingleAsync(c => c.Id == candidate.Id, Ct));
        Assert.Equal(winner, (stored.Status, stored.ReviewNote));
        var id = candidate.Id.ToString();
        var reviews = await app.AuditAsync(a => a.ObjectType == nameof(Candidate) && a.ObjectId == id && a.Event == AuditEvents.Update && a.After!.Contains("ReviewNote"));
        Assert.Single(reviews);

        // A reviewer acting on what they read before the other's decision gets 409 too, and changes nothing.
        var stale = await prefecture.PostJsonAsync($"/api/candidates/{candidate.Id}/approve", new JsonObject { ["version"] = version });
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Equal("该人选已被他人审核或修改，请刷新后重试。", (await stale.ProblemAsync()).Title);
        Assert.Equal(stored.Version, (await app.WithSystemDbAsync(db => db.Candidates.IgnoreQueryFilters().AsNoTracking().SingleAsync(c => c.Id == candidate.Id, Ct))).Version);
    }

    [Fact]
    public async Task ConcurrentApprovals_ByTwoReviewers_ExactlyOneIsRecorded()
    {
        var round = await OpenRoundAsync();
        var prefecture = await app.SharedClientAsync("ali.prefecture");
        var county = await app.SharedClientAsync("pulan.county");
        var candidate = await AttestAsync(county, (await NominateAsync(county, round.Id, app.Data.PulanCadre.Id)).Id);
        var version = candidate.Version.ToString();

        var responses = await Task.WhenAll(
            prefecture.PostJsonAsync($"/api/candidates/{candidate.Id}/approve", new JsonObject { ["version"] = version, ["note"] = "地委" }),
            county.PostJsonAsync($"/api/candidates/{candidate.Id}/approve", new JsonObject { ["version"] = version, ["note"] = "县委" }));

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Conflict], responses.Select(r => r.StatusCode).Order());
        var id = candidate.Id.ToString();
        Assert.Single(await app.AuditAsync(a => a.ObjectType == nameof(Candidate) && a.ObjectId == id && a.After!.Contains("Approved")));
    }

    [Fact]
    public async Task VersionToken_AWriteBasedOnAStaleRead_FailsInTheDatabase_AndWritesNoAuditRow()
    {
        var round = await OpenRoundAsync();
        var county = await app.SharedClientAsync("zanda.county");
        var candidate = await AttestAsync(county, (await NominateAsync(county, round.Id, app.Data.ZandaCadre.Id)).Id);

        // Reviewer A reads the candidate and decides; reviewer B approves in between; A's write must not land.
        using var scopeA = app.Services.CreateScope();
        scopeA.ServiceProvider.GetRequiredService<Grassroots.Security.CurrentUser>().ActAsSystem("reviewer-a");
        var dbA = scopeA.ServiceProvider.GetRequiredService<Grassroots.Data.GrassrootsDb>();
        var readByA = await dbA.Candidates.SingleAsync(c => c.Id == candidate.Id, Ct);

        Assert.Equal(HttpStatusCode.OK, (await county.PostJsonAsync($"/api/candidates/{candidate.Id}/approve", new JsonObject { ["version"] = candidate.Version.ToString() })).StatusCode);

        readByA.Status = CandidateStatus.Rejected;
        readByA.ReviewNote = "A 的意见";
        readByA.Version = Guid.NewGuid();
        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => dbA.SaveChangesAsync(Ct));

        var stored = await app.WithSystemDbAsync(db => db.Candidates.IgnoreQueryFilters().AsNoTracking().SingleAsync(c => c.Id == candidate.Id, Ct));
        Assert.Equal(CandidateStatus.Approved, stored.Status);
        Assert.Empty(await app.AuditAsync(a => a.UserName == "reviewer-a"));
    }

    [Fact]
    public async Task Scope_ZandaNeverSeesPulansCandidates_404AcrossScope()
    {
        var round = await OpenRoundAsync();
        var pulan = await app.SharedClientAsync("pulan.county");
        var zanda = await app.SharedClientAsync("zanda.county");
        var pulanCandidate = await NominateAsync(pulan, round.Id, app.Data.PulanCadre.Id);
        var zandaCandidate = await NominateAsync(zanda, round.Id, app.Data.ZandaCadre.Id);

        var zandaList = await zanda.GetFromJsonAsync<PagedResult<CandidateRow>>($"/api/rounds/{round.Id}/candidates", Ct);
        Assert.Equal([zandaCandidate.Id], zandaList!.Items.Select(c => c.Id));
        Assert.Equal(1, zandaList.Total);
        var zandaRound = await zanda.GetFromJsonAsync<RoundDetail>($"/api/rounds/{round.Id}", Ct);
        Assert.Equal(1, zandaRound!.Candidates.Sum(c => c.Count));

        var detail = await zanda.GetAsync($"/api/candidates/{pulanCandidate.Id}", Ct);
        Assert.Equal(HttpStatusCode.NotFound, detail.StatusCode);
        Assert.DoesNotContain(app.Data.PulanCadre.Name, await detail.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await zanda.PostJsonAsync($"/api/candidates/{pulanCandidate.Id}/approve", new JsonObject())).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await zanda.PostJsonAsync($"/api/candidates/{pulanCandidate.Id}/attestations",
            new JsonObject { ["goodPolitics"] = true, ["strongAbility"] = true, ["strongDuty"] = true, ["notes"] = "越权" })).StatusCode);
        // Zanda cannot put a Pulan cadre forward either.
        var foreign = await zanda.PostJsonAsync($"/api/rounds/{round.Id}/candidates",
            new JsonObject { ["personId"] = app.Data.PulanTownCadre.Id.ToString(), ["entry"] = "unitRecommendation", ["statement"] = "越权推荐" });
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);

        var all = await (await app.SharedClientAsync("ali.prefecture")).GetFromJsonAsync<PagedResult<CandidateRow>>($"/api/rounds/{round.Id}/candidates", Ct);
        Assert.Equal(2, all!.Total);
        // A township records recommendations but does not review.
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.SharedClientAsync("pulan.township")).PostJsonAsync($"/api/candidates/{pulanCandidate.Id}/approve", new JsonObject())).StatusCode);
    }

    [Fact]
    public async Task Nominate_Twice_Is409_WithdrawnMayBePutForwardAgain_AndStatementIsRequired()
    {
        var round = await OpenRoundAsync();
        var client = await app.SharedClientAsync("ali.prefecture");
        var candidate = await NominateAsync(client, round.Id, app.Data.PrefectureCadre.Id);
        var again = await client.PostJsonAsync($"/api/rounds/{round.Id}/candidates",
            new JsonObject { ["personId"] = app.Data.PrefectureCadre.Id.ToString(), ["entry"] = "selfNomination", ["statement"] = "再次报名" });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal($"{app.Data.PrefectureCadre.Name}已是本批次的人选（单位推荐，待审核）。", (await again.ProblemAsync()).Title);

        var empty = await client.PostJsonAsync($"/api/rounds/{round.Id}/candidates", new JsonObject { ["personId"] = app.Data.PulanCadre.Id.ToString(), ["entry"] = "selfNomination" });
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Equal(["自荐理由不能为空。"], (await empty.ProblemAsync()).Errors!["statement"]);

        var community = await client.PostJsonAsync($"/api/rounds/{round.Id}/candidates",
            new JsonObject { ["personId"] = app.Data.DayuWorker.Id.ToString(), ["entry"] = "selfNomination", ["statement"] = "报名" });
        Assert.Equal(HttpStatusCode.NotFound, community.StatusCode); // Dayu is another prefecture

        Assert.Equal(HttpStatusCode.OK, (await client.PostJsonAsync($"/api/candidates/{candidate.Id}/withdraw", new JsonObject { ["note"] = "本人撤回" })).StatusCode);
        var renewed = await client.PostJsonAsync($"/api/rounds/{round.Id}/candidates",
            new JsonObject { ["personId"] = app.Data.PrefectureCadre.Id.ToString(), ["entry"] = "selfNomination", ["statement"] = "重新报名" });
        Assert.Equal(HttpStatusCode.Created, renewed.StatusCode);
        var detail = (await renewed.Content.ReadFromJsonAsync<CandidateDetail>(Ct))!;
        Assert.Equal((candidate.Id, "pending", "selfNomination"), (detail.Id, detail.Status, detail.Entry));
    }

    [Fact]
    public async Task CloseRound_WithPendingCandidates_Is409_ThenFreezesNominations()
    {
        var round = await OpenRoundAsync();
        var client = await app.SharedClientAsync("ali.prefecture");
        var candidate = await NominateAsync(client, round.Id, app.Data.ZandaCadre.Id);
        var current = (await client.GetFromJsonAsync<RoundDetail>($"/api/rounds/{round.Id}", Ct))!;
        var refused = await client.PostJsonAsync($"/api/rounds/{round.Id}/close", new JsonObject { ["version"] = current.Version.ToString() });
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.StartsWith("还有待审核的人选", (await refused.ProblemAsync()).Title, StringComparison.Ordinal);

        await client.PostJsonAsync($"/api/candidates/{candidate.Id}/reject", new JsonObject { ["note"] = "名额已满" });
        var closed = await client.PostJsonAsync($"/api/rounds/{round.Id}/close", new JsonObject());
        Assert.Equal(HttpStatusCode.OK, closed.StatusCode);
        Assert.Equal("closed", (await closed.Content.ReadFromJsonAsync<RoundDetail>(Ct))!.Status);

        var late = await client.PostJsonAsync($"/api/rounds/{round.Id}/candidates",
            new JsonObject { ["personId"] = app.Data.PulanCadre.Id.ToString(), ["entry"] = "unitRecommendation", ["statement"] = "补报" });
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        Assert.Contains("不在征集阶段", (await late.ProblemAsync()).Title, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reject_WithoutAReason_Is400()
    {
        var round = await OpenRoundAsync();
        var client = await app.SharedClientAsync("ali.prefecture");
        var candidate = await NominateAsync(client, round.Id, app.Data.PulanCadre.Id);
        var response = await client.PostJsonAsync($"/api/candidates/{candidate.Id}/reject", new JsonObject { ["note"] = " " });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["请填写不通过的理由。"], (await response.ProblemAsync()).Errors!["note"]);
    }

    [Fact]
    public async Task Candidates_FilterSortAndPage_AndABadFilterIs400()
    {
        var round = await OpenRoundAsync();
        var client = await app.SharedClientAsync("ali.prefecture");
        foreach (var p in new[] { app.Data.PulanCadre, app.Data.ZandaCadre, app.Data.PrefectureCadre })
        {
            app.Clock.Advance(TimeSpan.FromSeconds(1));
            await NominateAsync(client, round.Id, p.Id, p == app.Data.ZandaCadre ? "selfNomination" : "unitRecommendation");
        }

        var page1 = (await client.GetFromJsonAsync<PagedResult<CandidateRow>>($"/api/rounds/{round.Id}/candidates?pageSize=2&sort=nominated", Ct))!;
        Assert.Equal((3, 2, 2), (page1.Total, page1.Items.Count, page1.PageCount));
        var page2 = (await client.GetFromJsonAsync<PagedResult<CandidateRow>>($"/api/rounds/{round.Id}/candidates?pageSize=2&page=2&sort=nominated", Ct))!;
        Assert.Equal([app.Data.PulanCadre.Name, app.Data.ZandaCadre.Name, app.Data.PrefectureCadre.Name], page1.Items.Concat(page2.Items).Select(c => c.Name));
        var self = (await client.GetFromJsonAsync<PagedResult<CandidateRow>>($"/api/rounds/{round.Id}/candidates?entry=selfNomination", Ct))!;
        Assert.Equal([app.Data.ZandaCadre.Name], self.Items.Select(c => c.Name));
        var byUnit = (await client.GetFromJsonAsync<PagedResult<CandidateRow>>($"/api/rounds/{round.Id}/candidates?unitId={app.Data.PulanUnit.Id}", Ct))!;
        Assert.Equal([app.Data.PulanCadre.Name], byUnit.Items.Select(c => c.Name));

        var bad = await client.GetAsync($"/api/rounds/{round.Id}/candidates?status=maybe&outcome=perhaps&sort=height", Ct);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = (await bad.ProblemAsync()).Errors!;
        Assert.Equal(["outcome", "sort", "status"], errors.Keys.Order(StringComparer.Ordinal));
        Assert.StartsWith("审核状态“maybe”无效", errors["status"][0], StringComparison.Ordinal);
    }
}

public sealed class SelectionApiTestsSqlite(SqliteApp app) : SelectionApiTests(app), IClassFixture<SqliteApp>;

public sealed class SelectionApiTestsPostgres(PostgresApp app) : SelectionApiTests(app), IClassFixture<PostgresApp>;
