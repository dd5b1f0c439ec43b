using Grassroots.Data;
using Grassroots.People;
using Grassroots.Security;
using Grassroots.Selection;
using Microsoft.EntityFrameworkCore;

namespace Grassroots.Demo;

public sealed record DemoAccount(string UserName, string DisplayName, string Role, string? ScopeCode, string Description);

/// <summary>
/// The deterministic demo data set (DOMAIN.md, "Demo data set"): seeded on first start in demo mode only.
/// </summary>
/// <remarks>
/// <para>Every start produces the same data (fixed seeds): Ali prefecture's 145 village-level units (133 villages and
/// 12 residents' committees, real codes and names) with profile tags and synthetic positions near their county
/// seats; Dayu county's 15 urban communities with households; the prefecture's and the 7 counties' units; 616
/// stationed cadres (about a third in prefecture units), all passing 1+2+X on <see cref="ReferenceDate"/>, exactly
/// 145 of whom are fit to be first secretaries (<see cref="IsFirstSecretaryCandidate"/>), and a reserve of
/// <see cref="ReserveCadreCount"/> cadres who were not stationed (most of whom do not pass); Dayu's 118 community
/// workers, 64 existing fiscally funded staff and 54 recruited; the demo accounts; and two selection rounds for
/// Ali: the completed <c>2026年度驻村工作队选派</c> (demand of all 145 units, 471 members; the 616 as approved
/// candidates with attestations, ready to plan) and the open <c>2027年度驻村工作队选派（征集中）</c> with a few
/// pending candidates from the reserve. Names are synthetic; codes and places are real.</para>
/// <para>Then the year since the term began (<see cref="DemoYear"/>): about 157,000 check-ins, leave, key periods,
/// roll-calls, 2,760 dispatch checks, 156 field visits, monthly random inspections with findings and follow-ups,
/// requests and reports, and each team's care ledgers, written in bulk.</para>
/// <para>Seeding is all or nothing (one transaction).</para>
/// </remarks>
public sealed class DemoSeeder(GrassrootsDb db, AccountService accounts, TimeProvider clock, Dispatch.PlanningService planning)
{
    public const string Password = "Grassroots-demo-2026";

    /// <summary>The day the data set describes: party standing, ranks and years of service are reckoned at the start of 2026.</summary>
    public static readonly DateOnly ReferenceDate = new(2026, 1, 1);

    public const int VillageCount = 145;
    public const int CommunityCount = 15;
    /// <summary>The stationed cadres: the 2026 round's approved candidates.</summary>
    public const int CadreCount = 616;
    /// <summary>Cadres in the registry who were not stationed in 2026 (new hires, contract staff, …).</summary>
    public const int ReserveCadreCount = 30;
    /// <summary>Team members besides the first secretaries (the article's 471).</summary>
    public const int MemberCount = CadreCount - FirstSecretaryCount;
    public const int PrefectureCadreCount = 205;
    /// <summary>One per village-level unit: the article's 145 first secretaries.</summary>
    public const int FirstSecretaryCount = 145;
    public const int CommunityWorkerCount = 118;
    public const int ExistingCommunityWorkerCount = 64;
    public const int RecruitedCommunityWorkerCount = 54;

    /// <summary>No demo village lies further than this from its county seat.</summary>
    public const double MaxVillageDistanceKm = DemoRegistry.MaxVillageDistanceKm;

    /// <summary>
    /// Marks a recruited community worker's current unit period in their history, followed by the source
    /// (e.g. <c>北门河街社区居民委员会（选聘招录·退役军人）</c>); existing staff have no such period.
    /// </summary>
    public const string RecruitedMarker = "选聘招录";

    /// <summary>The name history periods of the demo data set are recorded under.</summary>
    public const string RecordedBy = "demo";

    /// <summary>The recruitment sources of S-CW-2 and how many of the 54 recruited workers came from each.</summary>
    public static IReadOnlyList<(string Source, int Count)> RecruitmentSources => DemoPeople.RecruitmentSources;

    public static readonly IReadOnlyList<DemoAccount> Accounts =
    [
        new("ali.prefecture", "阿里地委组织部", Roles.PrefectureOrg, "542500", "地委组织部（阿里地区全部）"),
        new("pulan.county", "普兰县委组织部", Roles.CountyOrg, "542521", "县委组织部（普兰县）"),
        new("zanda.county", "札达县委组织部", Roles.CountyOrg, "542522", "县委组织部（札达县）"),
        new("pulan.township", "普兰镇", Roles.Township, "542521100", "乡镇（普兰镇）"),
        new("dayu.civil", "大余县民政局", Roles.CivilAffairs, "360723", "民政局（大余县社区工作者）"),
        new("sysadmin", "系统管理员", Roles.SystemAdmin, null, "系统管理员（不查看人员数据）"),
        new("secadmin", "安全管理员", Roles.SecurityAdmin, null, "安全管理员（不查看人员数据）"),
        new("auditor", "审计管理员", Roles.AuditAdmin, null, "审计管理员（查询审计日志）"),
        new(CadreUserName, "驻村第一书记", Roles.Cadre, null, "驻村干部（普兰镇一个村的第一书记：签到、请销假）"),
    ];

    /// <summary>The demo's stationed cadre: the first secretary of the first village of Pulan town (普兰镇, 542521100).</summary>
    public const string CadreUserName = "ali.cadre";

    /// <summary>The township whose first village's first secretary holds <see cref="CadreUserName"/>.</summary>
    public const string CadreTownshipCode = "542521100";

    /// <summary>
    /// Whether a cadre meets the demo's first-secretary rules (S-SEL-9 default) on <paramref name="on"/>:
    /// a full party member (political status 01 中共党员; a probationary member does not count) who joined
    /// at least 3 years before that day, with a rank (职级) of 科员 or above (一级科员, 二级科员 and the 主任科员
    /// ranks; 办事员 or no rank does not qualify). Community workers never qualify.
    /// </summary>
    /// <remarks>
    /// Exactly <see cref="FirstSecretaryCount"/> of the demo's cadres meet it on <see cref="ReferenceDate"/> and on
    /// every other day of 2026: the other stationed cadres joined the party in 2024 or rank below 科员; the reserve
    /// joined in 2024 or later, are not (full) party members, or have no rank. All 145 are also established staff,
    /// fit for duty, with 2+ years of work, so they pass the 1+2+X eligibility rules too (as do all 616).
    /// </remarks>
    public static bool IsFirstSecretaryCandidate(Person person, DateOnly on) =>
        person.Kind == PersonKind.Cadre
        && person.PoliticalStatusCode == "01"
        && person.PartyJoinDate is { } joined && joined.AddYears(3) <= on
        && RankAtLeastClerk(person.Rank);

    /// <summary>Whether a rank is 科员 level or above; unknown or missing ranks are not.</summary>
    public static bool RankAtLeastClerk(string? rank) => Ranks.Level(rank) >= 1;

    /// <summary>What the year of daily management and supervision wrote (after <see cref="SeedAsync"/>; null before).</summary>
    public DemoYearCounts? Year { get; private set; }

    /// <summary>Seeds once, with the year of daily management and supervision; returns false when the demo data set (or
    /// any registry data) is already present.</summary>
    public Task<bool> SeedAsync(CancellationToken ct) => SeedAsync(withYear: true, ct);

    /// <summary>Seeds once; <paramref name="withYear"/> false leaves out the year of check-ins, leave, inspections, dispatch
    /// checks, requests and care ledgers (<see cref="DemoYear"/>) — for tests that need only the registry and accounts.</summary>
    public async Task<bool> SeedAsync(bool withYear, CancellationToken ct)
    {
        if (await db.Users.AnyAsync(u => u.UserName == Accounts[0].UserName, ct)
            || await db.Villages.IgnoreQueryFilters().AnyAsync(ct)
            || await db.People.IgnoreQueryFilters().AnyAsync(ct))
            return false;

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        foreach (var a in Accounts.Where(a => a.Role != Roles.Cadre))
            await accounts.CreateUserAsync(a.UserName, a.DisplayName, Password, [a.Role], a.ScopeCode, ct);

        var villages = DemoRegistry.Villages();
        var communities = DemoRegistry.Communities();
        var (prefectureUnits, countyUnits, dayuUnits) = DemoRegistry.Units();
        var people = new DemoPeople(clock.GetUtcNow().UtcDateTime);
        var (cadres, reserve) = people.Cadres(prefectureUnits, countyUnits);
        var workers = people.CommunityWorkers(communities);

        var candidates = cadres.Concat(reserve).Count(p => IsFirstSecretaryCandidate(p, ReferenceDate));
        var policy = EligibilityPolicy.Default;
        var reports = cadres.Select(p => EligibilityEngine.Evaluate(p, ReferenceDate, policy)).ToList();
        var eligible = reports.Count(e => e.Outcome == RuleOutcome.Pass);
        var leaders = reports.Count(e => e.FirstSecretaryOutcome == RuleOutcome.Pass);
        if (villages.Count != VillageCount || communities.Count != CommunityCount || cadres.Count != CadreCount || reserve.Count != ReserveCadreCount
            || candidates != FirstSecretaryCount || eligible != CadreCount || leaders != FirstSecretaryCount || workers.Count != CommunityWorkerCount)
            throw new InvalidOperationException(
                $"The demo data set came out wrong: {villages.Count} villages, {communities.Count} communities, {cadres.Count} cadres ({candidates} first-secretary candidates, {eligible} eligible, {leaders} fit to lead), {reserve.Count} in reserve, {workers.Count} community workers.");
        var allUnits = prefectureUnits.Select(u => u.Unit).Concat(countyUnits.Values.SelectMany(c => c).Select(u => u.Unit)).ToList();
        var (completedRound, openRound, roundCandidates) = DemoSelection.Build(villages, allUnits, cadres, reserve);

        // Thousands of new rows and nothing else tracked: skip change detection while adding and saving them.
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        try
        {
            db.Villages.AddRange(villages);
            db.Communities.AddRange(communities);
            db.Units.AddRange(prefectureUnits.Select(u => u.Unit));
            db.Units.AddRange(countyUnits.OrderBy(c => c.Key, StringComparer.Ordinal).SelectMany(c => c.Value).Select(u => u.Unit));
            db.Units.AddRange(dayuUnits);
            db.People.AddRange(cadres);
            db.People.AddRange(reserve);
            db.People.AddRange(workers);
            db.SelectionRounds.AddRange(completedRound, openRound);
            db.Candidates.AddRange(roundCandidates);
            await db.SaveChangesAsync(ct);
        }
        finally
        {
            db.ChangeTracker.AutoDetectChangesEnabled = true;
        }
        await DemoDispatch.PublishAsync(db, planning, completedRound.Id, ct);
        db.ChangeTracker.Clear();
        await CreateCadreAccountAsync(ct);
        if (withYear) Year = await DemoYear.SeedAsync(db, clock.GetUtcNow().UtcDateTime, ct);
        await tx.CommitAsync(ct);
        return true;
    }

    /// <summary>Gives the first secretary of Pulan town's first village the <see cref="CadreUserName"/> account.</summary>
    async Task CreateCadreAccountAsync(CancellationToken ct)
    {
        var account = Accounts.Single(a => a.UserName == CadreUserName);
        var secretaries = await db.Postings.IgnoreQueryFilters().AsNoTracking()
            .Where(p => p.Role == Dispatch.PostingRole.FirstSecretary && p.Status == Dispatch.PostingStatus.Active && p.RegionPath.Contains("/" + CadreTownshipCode + "/"))
            .Select(p => new { p.PersonId, p.Person!.Name, p.VillageCode })
            .ToListAsync(ct);
        // A village (村), not the town's residents' committee (居委会).
        var post = secretaries.Where(p => Regions.RegionCatalog.Embedded.Find(p.VillageCode.Value)?.Level == Regions.RegionLevel.Village)
            .OrderBy(p => p.VillageCode.Value, StringComparer.Ordinal).FirstOrDefault()
            ?? throw new InvalidOperationException("The demo data set has no first secretary in a village of Pulan town.");
        await accounts.CreateUserAsync(account.UserName, post.Name, Password, [Roles.Cadre], null, ct, post.PersonId);
    }
}
