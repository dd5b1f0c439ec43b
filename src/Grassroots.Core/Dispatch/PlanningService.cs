using Grassroots.Common;
using Grassroots.Data;
using Grassroots.People;
using Grassroots.Regions;
using Grassroots.Security;
using Grassroots.Selection;
using Microsoft.EntityFrameworkCore;

namespace Grassroots.Dispatch;

/// <summary>One row of a plan's table.</summary>
public sealed record PlacementRow(
    Guid Id, Guid PersonId, string Name, string Unit, string Line, Guid VillageId, string Village, string VillageCode, string Township, string County,
    string FitTag, PlanSlot Slot, string SlotName, bool Locked, bool LineFits, double DistanceKm, long Cost);

/// <summary>A plan's figures for lists and headers.</summary>
public sealed record PlanSummary(
    Guid Id, Guid RoundId, string RoundName, int Number, PlanStatus Status, string StatusName, string Progress, int ProgressPercent, string? Error,
    bool LocksChanged, int Villages, int Candidates, int Slots, int FirstSecretaryFilled, int Filled, long TotalCost, double SolveMilliseconds,
    bool Certified, int Locks, Guid? BasedOnId, string CreatedBy, DateTime CreatedAtUtc, DateTime? SolvedAtUtc, string? ApprovedBy,
    DateTime? ApprovedAtUtc, string? PublishedBy, DateTime? PublishedAtUtc, Guid Version);

/// <summary>Why a cadre is where the plan put them, and what the next best choice was (S-SEL-10).</summary>
public sealed record PlacementExplanation(
    PlacementRow Placement,
    IReadOnlyList<string> Reasons,
    string? AlternativeVillage,
    string? AlternativeSlot,
    long? AlternativeCostDelta,
    string Alternative,
    IReadOnlyList<string> Consequences);

/// <summary>A cadre whose place differs between two plans.</summary>
public sealed record PlanDifference(Guid PersonId, string Name, string? Left, string? Right);

public sealed record PlanComparison(PlanSummary Left, PlanSummary Right, IReadOnlyList<PlanDifference> Differences, int Same);

/// <summary>
/// Dispatch plans of a selection round (S-SEL-10, S-SEL-11): make a plan (the planner runs in the background), lock,
/// move and unlock placements, re-run around the locks, explain a placement, compare two plans, approve, and publish
/// atomically into postings and teams. Prefecture organisation departments do this for their region.
/// </summary>
public sealed class PlanningService(GrassrootsDb db, CurrentUser user, TimeProvider clock)
{
    void RequirePlanner()
    {
        // The prefecture plans for its region; the command line (the operator, scope "/") may too.
        if (!user.IsInRole(Roles.PrefectureOrg) && user.ScopePath != "/") throw new ForbiddenException("只有地委组织部可以制定和发布选派方案。");
    }

    async Task<SelectionRound> RoundAsync(Guid roundId, CancellationToken ct) =>
        await db.SelectionRounds.FirstOrDefaultAsync(r => r.Id == roundId && r.RegionPath.StartsWith(user.ScopePath), ct)
        ?? throw new NotFoundException("选派批次");

    async Task<TeamPlan> PlanAsync(Guid planId, CancellationToken ct, bool withLocks = false)
    {
        IQueryable<TeamPlan> plans = db.TeamPlans;
        if (withLocks) plans = plans.Include(p => p.Locks);
        return await plans.FirstOrDefaultAsync(p => p.Id == planId, ct) ?? throw new NotFoundException("选派方案");
    }

    /// <summary>Queues a new plan for a closed round; with <paramref name="basedOn"/>, carries that plan's locks over (re-run).</summary>
    public async Task<TeamPlan> CreateAsync(Guid roundId, Guid? basedOn, CancellationToken ct = default)
    {
        RequirePlanner();
        var round = await RoundAsync(roundId, ct);
        if (round.Status != RoundStatus.Closed)
            throw new DomainRuleException(round.Status == RoundStatus.Published
                ? "该批次的方案已经发布，不能再生成新方案。"
                : $"批次状态为“{SelectionRound.StatusName(round.Status)}”：请先截止征集（候选人名单确定后）再生成方案。");
        if (!await db.VillageDemands.AnyAsync(d => d.RoundId == roundId, ct))
            throw new DomainRuleException("该批次还没有村的选派需求，请先生成需求。");
        List<PlanLock> locks = [];
        if (basedOn is { } parentId)
        {
            var parent = await PlanAsync(parentId, ct, withLocks: true);
            if (parent.RoundId != roundId) throw new ValidationException("basedOn", "所依据的方案不属于该批次。");
            locks = parent.Locks.Select(l => new PlanLock { PersonId = l.PersonId, VillageId = l.VillageId, Slot = l.Slot, Moved = l.Moved, By = l.By, AtUtc = l.AtUtc }).ToList();
        }
        var number = await db.TeamPlans.Where(p => p.RoundId == roundId).Select(p => (int?)p.Number).MaxAsync(ct) ?? 0;
        var plan = new TeamPlan
        {
            RoundId = roundId,
            Number = number + 1,
            BasedOnId = basedOn,
            RegionCode = round.RegionCode,
            RegionPath = round.RegionPath,
            CreatedBy = user.UserName,
            CreatedAtUtc = clock.GetUtcNow().UtcDateTime,
            Progress = "排队等待计算",
        };
        foreach (var l in locks) plan.Locks.Add(new PlanLock { PlanId = plan.Id, PersonId = l.PersonId, VillageId = l.VillageId, Slot = l.Slot, Moved = l.Moved, By = l.By, AtUtc = l.AtUtc });
        db.TeamPlans.Add(plan);
        await db.SaveChangesAsync(ct);
        return plan;
    }

    /// <summary>Loads the round's problem: its demand and its approved candidates.</summary>
    public async Task<PlanProblem> ProblemAsync(SelectionRound round, CancellationToken ct)
    {
        var demand = await db.VillageDemands.AsNoTracking().Include(d => d.Village).Where(d => d.RoundId == round.Id).ToListAsync(ct);
        var approved = db.Candidates.Where(c => c.RoundId == round.Id && c.Status == CandidateStatus.Approved).Select(c => c.PersonId);
        var people = await db.People.AsNoTracking().Include(p => p.Unit).Where(p => approved.Contains(p.Id)).ToListAsync(ct);
        return PlanProblem.Create(round, demand.Where(d => d.Village is not null).ToList(), people, RegionCatalog.Embedded);
    }

    /// <summary>Runs the planner for a queued plan and stores the result; reports progress on the plan row.</summary>
    public async Task RunAsync(Guid planId, CancellationToken ct = default)
    {
        var plan = await PlanAsync(planId, ct, withLocks: true);
        if (plan.Status is not (PlanStatus.Queued or PlanStatus.Running)) return;
        async Task Step(string text, int percent)
        {
            plan.Status = PlanStatus.Running;
            plan.Progress = text;
            plan.ProgressPercent = percent;
            plan.Version = Guid.NewGuid();
            await db.SaveChangesAsync(ct);
        }
        try
        {
            await Step("读取村的需求和已通过的候选人", 10);
            var round = await db.SelectionRounds.AsNoTracking().FirstAsync(r => r.Id == plan.RoundId, ct);
            var problem = await ProblemAsync(round, ct);
            var locks = ResolveLocks(problem, plan.Locks);
            await Step($"求解最优方案：{problem.Villages.Count} 个村、{problem.Cadres.Count} 名候选人", 40);
            var result = PlanComputation.Solve(problem, plan.Id, locks, []);
            if (!result.Certified)
                throw new InvalidOperationException("最优性校验未通过：" + string.Join("；", result.CertificateProblems.Take(3)));
            await Step("保存方案", 80);
            db.TeamPlacements.AddRange(result.Placements);
            db.PlanGaps.AddRange(result.Gaps);
            plan.Status = PlanStatus.Ready;
            plan.Progress = "已完成";
            plan.ProgressPercent = 100;
            plan.Villages = problem.Villages.Count;
            plan.Candidates = problem.Cadres.Count;
            plan.Slots = problem.Instance.TotalSlots;
            plan.FirstSecretaryFilled = result.Objective.FirstSecretaries;
            plan.Filled = result.Objective.Filled;
            plan.TotalCost = result.Objective.Cost;
            plan.SolveMilliseconds = Math.Round(result.Milliseconds, 1);
            plan.Certified = true;
            plan.LocksChanged = false;
            plan.SolvedAtUtc = clock.GetUtcNow().UtcDateTime;
            plan.Version = Guid.NewGuid();
            await db.SaveChangesAsync(ct);
        }
        catch (Exception e) when (e is DomainRuleException or ArgumentException or InvalidOperationException or FormatException or Matching.DispatchTooLargeException)
        {
            db.ChangeTracker.Clear();
            var failed = await PlanAsync(planId, ct);
            failed.Status = PlanStatus.Failed;
            failed.Error = e.Message;
            failed.Progress = "计算失败";
            failed.Version = Guid.NewGuid();
            await db.SaveChangesAsync(ct);
        }
    }

    static List<FixedPlacement> ResolveLocks(PlanProblem problem, IEnumerable<PlanLock> locks)
    {
        var fixedPlacements = new List<FixedPlacement>();
        foreach (var l in locks)
        {
            var c = problem.CadreIndex(l.PersonId) ?? throw new DomainRuleException("有锁定的干部已不在本批次已通过的候选人中，请解除该锁定后重新计算。");
            var v = problem.VillageIndex(l.VillageId) ?? throw new DomainRuleException("有锁定的村已不在本批次的需求中，请解除该锁定后重新计算。");
            fixedPlacements.Add(new FixedPlacement(c, v, l.Slot));
        }
        return fixedPlacements;
    }

    public async Task<IReadOnlyList<PlanSummary>> ListAsync(Guid roundId, CancellationToken ct = default)
    {
        RequirePlanner();
        var round = await RoundAsync(roundId, ct);
        var plans = await db.TeamPlans.AsNoTracking().Where(p => p.RoundId == roundId).OrderByDescending(p => p.Number)
            .Select(p => new { Plan = p, Locks = p.Locks.Count }).ToListAsync(ct);
        return plans.Select(p => Summary(p.Plan, round.Name, p.Locks)).ToList();
    }

    public async Task<PlanSummary> GetAsync(Guid planId, CancellationToken ct = default)
    {
        RequirePlanner();
        var plan = await db.TeamPlans.AsNoTracking().Include(p => p.Round).FirstOrDefaultAsync(p => p.Id == planId, ct) ?? throw new NotFoundException("选派方案");
        var locks = await db.PlanLocks.CountAsync(l => l.PlanId == planId, ct);
        return Summary(plan, plan.Round?.Name ?? "", locks);
    }

    static PlanSummary Summary(TeamPlan p, string roundName, int locks) => new(
        p.Id, p.RoundId, roundName, p.Number, p.Status, TeamPlan.StatusName(p.Status), p.Progress, p.ProgressPercent, p.Error, p.LocksChanged,
        p.Villages, p.Candidates, p.Slots, p.FirstSecretaryFilled, p.Filled, p.TotalCost, p.SolveMilliseconds, p.Certified, locks, p.BasedOnId,
        p.CreatedBy, p.CreatedAtUtc, p.SolvedAtUtc, p.ApprovedBy, p.ApprovedAtUtc, p.PublishedBy, p.PublishedAtUtc, p.Version);

    public static readonly IReadOnlyList<string> SortKeys = ["village", "-village", "name", "-name", "cost", "-cost", "distance", "-distance", "slot"];

    /// <summary>The plan's placements, filtered and sorted, one page at a time.</summary>
    public async Task<PagedResult<PlacementRow>> PlacementsAsync(Guid planId, string? q, string? county, string? fit, string? sort, int? page, int? pageSize, CancellationToken ct = default)
    {
        RequirePlanner();
        await PlanAsync(planId, ct);
        var rows = await AllRowsAsync(planId, ct);
        IEnumerable<PlacementRow> filtered = rows;
        if (!string.IsNullOrWhiteSpace(q))
        {
            var text = q.Trim();
            filtered = filtered.Where(r => r.Name.Contains(text, StringComparison.Ordinal) || r.Village.Contains(text, StringComparison.Ordinal) || r.Unit.Contains(text, StringComparison.Ordinal));
        }
        if (!string.IsNullOrWhiteSpace(county)) filtered = filtered.Where(r => r.VillageCode.StartsWith(county.Trim(), StringComparison.Ordinal));
        if (fit == "fits") filtered = filtered.Where(r => r.LineFits);
        else if (fit == "misfits") filtered = filtered.Where(r => !r.LineFits);
        else if (fit == "locked") filtered = filtered.Where(r => r.Locked);
        if (sort is not null && !SortKeys.Contains(sort)) throw new ValidationException("sort", $"排序“{sort}”无效，可用：{string.Join("、", SortKeys)}。");
        filtered = sort switch
        {
            "-village" => filtered.OrderByDescending(r => r.VillageCode, StringComparer.Ordinal).ThenBy(r => r.Slot),
            "name" => filtered.OrderBy(r => Common.ChineseText.StrokeSortKey(r.Name), StringComparer.Ordinal),
            "-name" => filtered.OrderByDescending(r => Common.ChineseText.StrokeSortKey(r.Name), StringComparer.Ordinal),
            "cost" => filtered.OrderBy(r => r.Cost),
            "-cost" => filtered.OrderByDescending(r => r.Cost),
            "distance" => filtered.OrderBy(r => r.DistanceKm),
            "-distance" => filtered.OrderByDescending(r => r.DistanceKm),
            "slot" => filtered.OrderBy(r => r.Slot).ThenBy(r => r.VillageCode, StringComparer.Ordinal),
            _ => filtered.OrderBy(r => r.VillageCode, StringComparer.Ordinal).ThenBy(r => r.Slot),
        };
        var list = filtered.ToList();
        var (p, size) = Paging.Normalise(page, pageSize);
        return new PagedResult<PlacementRow>(list.Skip((p - 1) * size).Take(size).ToList(), list.Count, p, size);
    }

    /// <summary>Every placement of a plan as table rows (a prefecture's plan is a few hundred rows).</summary>
    public async Task<IReadOnlyList<PlacementRow>> AllRowsAsync(Guid planId, CancellationToken ct)
    {
        var raw = await db.TeamPlacements.AsNoTracking().Where(p => p.PlanId == planId)
            .Select(p => new
            {
                p.Id, p.PersonId, Name = p.Person!.Name, Unit = p.Person.Unit != null ? p.Person.Unit.Name : "", p.Person.Line,
                p.VillageId, Village = p.Village!.Name, p.Village.Code, p.Village.TownshipCode, p.Slot, p.Locked, p.LineFits, p.DistanceKm, p.Cost,
            })
            .ToListAsync(ct);
        var demand = await FitTagsAsync(planId, ct);
        var catalog = RegionCatalog.Embedded;
        return raw.Select(r => new PlacementRow(
                r.Id, r.PersonId, r.Name, r.Unit, PersonNames.Line(r.Line), r.VillageId, r.Village, r.Code.Value,
                catalog.Find(r.TownshipCode.Value)?.Name ?? "", catalog.Find(r.Code.Value[..6])?.Name ?? "",
                VillageTagNames.Describe(demand.GetValueOrDefault(r.VillageId)), r.Slot, TeamPlan.SlotName(r.Slot), r.Locked, r.LineFits, r.DistanceKm, r.Cost))
            .ToList();
    }

    /// <summary>The plan's villages with their positions, for the map view.</summary>
    public async Task<IReadOnlyList<(Guid Id, string Name, double Latitude, double Longitude)>> VillagePositionsAsync(Guid planId, CancellationToken ct)
    {
        var roundId = await db.TeamPlans.Where(p => p.Id == planId).Select(p => p.RoundId).FirstOrDefaultAsync(ct);
        var rows = await db.VillageDemands.AsNoTracking().Where(d => d.RoundId == roundId)
            .Select(d => new { d.VillageId, d.Village!.Name, d.Village.Latitude, d.Village.Longitude, Code = d.Village.Code }).ToListAsync(ct);
        return rows.OrderBy(r => r.Code.Value, StringComparer.Ordinal).Select(r => (r.VillageId, r.Name, r.Latitude, r.Longitude)).ToList();
    }

    async Task<Dictionary<Guid, VillageTags>> FitTagsAsync(Guid planId, CancellationToken ct)
    {
        var roundId = await db.TeamPlans.Where(p => p.Id == planId).Select(p => p.RoundId).FirstAsync(ct);
        return await db.VillageDemands.AsNoTracking().Where(d => d.RoundId == roundId).ToDictionaryAsync(d => d.VillageId, d => d.FitTag, ct);
    }

    public async Task<IReadOnlyList<(PlanGap Gap, string Village, string VillageCode)>> GapsAsync(Guid planId, CancellationToken ct = default)
    {
        RequirePlanner();
        await PlanAsync(planId, ct);
        var gaps = await db.PlanGaps.AsNoTracking().Include(g => g.Village).Where(g => g.PlanId == planId).ToListAsync(ct);
        return gaps.OrderBy(g => g.Village!.Code.Value, StringComparer.Ordinal).ThenBy(g => g.Slot)
            .Select(g => (g, g.Village!.Name, g.Village.Code.Value)).ToList();
    }

    async Task<TeamPlan> EditablePlanAsync(Guid planId, Guid? version, CancellationToken ct)
    {
        RequirePlanner();
        var plan = await PlanAsync(planId, ct, withLocks: true);
        if (version is { } v && v != plan.Version) throw new DomainRuleException("方案已被他人修改，请刷新后重试。");
        if (plan.Status != PlanStatus.Ready)
            throw new DomainRuleException($"方案状态为“{TeamPlan.StatusName(plan.Status)}”，只有已生成、未审定的方案可以锁定或调整。");
        return plan;
    }

    /// <summary>Locks the planner's placement so a re-run keeps it.</summary>
    public async Task LockAsync(Guid planId, Guid placementId, Guid? version, CancellationToken ct = default)
    {
        var plan = await EditablePlanAsync(planId, version, ct);
        var placement = await db.TeamPlacements.FirstOrDefaultAsync(p => p.Id == placementId && p.PlanId == planId, ct) ?? throw new NotFoundException("方案中的安排");
        if (plan.Locks.Any(l => l.PersonId == placement.PersonId)) throw new DomainRuleException("该干部已有锁定或调整。");
        db.PlanLocks.Add(new PlanLock { PlanId = plan.Id, PersonId = placement.PersonId, VillageId = placement.VillageId, Slot = placement.Slot, By = user.UserName, AtUtc = clock.GetUtcNow().UtcDateTime });
        plan.LocksChanged = true;
        plan.Version = Guid.NewGuid();
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Moves a cadre to a place in another village (or another place in the same one); a re-run keeps it.</summary>
    public async Task MoveAsync(Guid planId, Guid personId, Guid villageId, PlanSlot slot, Guid? version, CancellationToken ct = default)
    {
        var plan = await EditablePlanAsync(planId, version, ct);
        var round = await db.SelectionRounds.AsNoTracking().FirstAsync(r => r.Id == plan.RoundId, ct);
        var problem = await ProblemAsync(round, ct);
        var c = problem.CadreIndex(personId) ?? throw new ValidationException("personId", "该干部不是本批次已通过的候选人。");
        var v = problem.VillageIndex(villageId) ?? throw new ValidationException("villageId", "该村不在本批次的选派需求中。");
        var cadre = problem.Cadres[c];
        var village = problem.Villages[v];
        var name = cadre.Person.Name;
        if (!problem.Instance.IsAllowed(c, v))
            throw new ValidationException("villageId", $"{name}须回避{village.Village.Name}（{SelectionRound.AvoidanceName(round.Avoidance)}），不能调整到该村。");
        if (slot == PlanSlot.FirstSecretary && !cadre.FirstSecretaryEligible)
            throw new ValidationException("slot", $"{name}不符合第一书记条件（党龄、职级等），不能任第一书记。");
        if (slot == PlanSlot.Speaker && !village.NeedsSpeaker)
            throw new ValidationException("slot", $"{village.Village.Name}的工作队不设当地语言岗位。");
        if (slot == PlanSlot.Speaker && !cadre.Speaker)
            throw new ValidationException("slot", $"{name}不会讲当地语言，不能占当地语言岗位。");
        var others = plan.Locks.Where(l => l.PersonId != personId && l.VillageId == villageId).ToList();
        var capacity = slot switch { PlanSlot.FirstSecretary => 1, PlanSlot.Speaker => 1, _ => village.Members - (village.NeedsSpeaker ? 1 : 0) };
        if (others.Count(l => l.Slot == slot) >= capacity)
            throw new ValidationException("slot", $"{village.Village.Name}的{TeamPlan.SlotName(slot)}岗位已被锁定的人员占满。");
        db.PlanLocks.RemoveRange(plan.Locks.Where(l => l.PersonId == personId).ToList());
        db.PlanLocks.Add(new PlanLock { PlanId = plan.Id, PersonId = personId, VillageId = villageId, Slot = slot, Moved = true, By = user.UserName, AtUtc = clock.GetUtcNow().UtcDateTime });
        plan.LocksChanged = true;
        plan.Version = Guid.NewGuid();
        await db.SaveChangesAsync(ct);
    }

    public async Task UnlockAsync(Guid planId, Guid personId, Guid? version, CancellationToken ct = default)
    {
        var plan = await EditablePlanAsync(planId, version, ct);
        var existing = plan.Locks.Where(l => l.PersonId == personId).ToList();
        if (existing.Count == 0) throw new NotFoundException("该干部的锁定");
        db.PlanLocks.RemoveRange(existing);
        plan.LocksChanged = true;
        plan.Version = Guid.NewGuid();
        await db.SaveChangesAsync(ct);
    }

    public async Task<IReadOnlyList<(PlanLock Lock, string Name, string Village)>> LocksAsync(Guid planId, CancellationToken ct = default)
    {
        RequirePlanner();
        await PlanAsync(planId, ct);
        var locks = await db.PlanLocks.AsNoTracking().Where(l => l.PlanId == planId).ToListAsync(ct);
        var people = await db.People.AsNoTracking().Where(p => locks.Select(l => l.PersonId).Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.Name, ct);
        var villages = await db.Villages.AsNoTracking().Where(v => locks.Select(l => l.VillageId).Contains(v.Id)).ToDictionaryAsync(v => v.Id, v => v.Name, ct);
        return locks.OrderBy(l => l.AtUtc).Select(l => (l, people.GetValueOrDefault(l.PersonId) ?? "", villages.GetValueOrDefault(l.VillageId) ?? "")).ToList();
    }

    /// <summary>
    /// Explains a placement: its cost terms, and the best alternative — the optimum of the same problem when this cadre
    /// may not take this place, solved exactly — with what it would cost and what else would change.
    /// </summary>
    public async Task<PlacementExplanation> ExplainAsync(Guid planId, Guid placementId, CancellationToken ct = default)
    {
        RequirePlanner();
        var plan = await PlanAsync(planId, ct, withLocks: true);
        var rows = await AllRowsAsync(planId, ct);
        var row = rows.FirstOrDefault(r => r.Id == placementId) ?? throw new NotFoundException("方案中的安排");
        var round = await db.SelectionRounds.AsNoTracking().FirstAsync(r => r.Id == plan.RoundId, ct);
        var problem = await ProblemAsync(round, ct);
        var c = problem.CadreIndex(row.PersonId);
        var v = problem.VillageIndex(row.VillageId);
        var reasons = new List<string>
        {
            row.LineFits ? $"条线相符：{row.Line}干部派往{row.FitTag}（点穴式入驻），不计条线代价。" : $"条线不符：{row.Line}干部派往{row.FitTag}，计条线代价 {round.MismatchCost}。",
            $"距派出单位约 {row.DistanceKm:0.#} 公里，距离代价 {row.Cost - (row.LineFits ? 0 : round.MismatchCost)}（每公里 {round.PerKmCost}）。",
            $"该安排总代价 {row.Cost}。",
        };
        if (row.Slot == PlanSlot.FirstSecretary) reasons.Add("符合第一书记条件（党龄满 3 年、职级科员及以上）。");
        if (row.Slot == PlanSlot.Speaker) reasons.Add("会讲当地语言，占本村工作队的当地语言岗位。");
        var person = problem.Cadres.FirstOrDefault(x => x.Person.Id == row.PersonId)?.Person;
        reasons.Add(round.Avoidance switch
        {
            AvoidanceLevel.County when person?.HomeCountyCode is { } home =>
                $"符合回避要求（回避本县）：籍贯{RegionCatalog.Embedded.Find(home.Value)?.Name ?? home.Value}，派往{row.County}。",
            AvoidanceLevel.None => "本批次不设回避。",
            _ => $"符合回避要求（{SelectionRound.AvoidanceName(round.Avoidance)}）。",
        });
        if (row.Locked) reasons.Add("该安排由工作人员锁定或调整，重新计算时保持不变。");
        if (c is null || v is null || row.Locked)
            return new PlacementExplanation(row, reasons, null, null, null, row.Locked ? "该安排已锁定，不另作比较。" : "候选人或需求已变化，无法比较。", []);

        var locks = ResolveLocks(problem, plan.Locks);
        var current = PlanComputation.Solve(problem, plan.Id, locks, []);
        var without = PlanComputation.Solve(problem, plan.Id, locks, [(c.Value, v.Value)]);
        var moved = without.Placements.FirstOrDefault(p => p.PersonId == row.PersonId);
        var villages = problem.Villages.ToDictionary(x => x.Village.Id, x => x.Village.Name);
        var people = problem.Cadres.ToDictionary(x => x.Person.Id, x => x.Person.Name);
        string? altVillage = moved is null ? null : villages[moved.VillageId];
        string? altSlot = moved is null ? null : TeamPlan.SlotName(moved.Slot);
        var delta = without.Objective.Cost - current.Objective.Cost;
        string alternative;
        if (without.Objective.FirstSecretaries < current.Objective.FirstSecretaries || without.Objective.Filled < current.Objective.Filled)
            alternative = $"若不作此安排，最优方案将少安排 {current.Objective.Filled - without.Objective.Filled} 个岗位（其中第一书记 {current.Objective.FirstSecretaries - without.Objective.FirstSecretaries} 个）：此人无可替代。";
        else
            alternative = moved is null
                ? $"若不作此安排，次优方案不安排此人，总代价增加 {delta}。"
                : $"次优选择：派往{altVillage}任{altSlot}，总代价增加 {delta}。";
        var before = current.Placements.ToDictionary(p => p.PersonId, p => (p.VillageId, p.Slot));
        var consequences = without.Placements
            .Where(p => p.PersonId != row.PersonId && (!before.TryGetValue(p.PersonId, out var b) || b.VillageId != p.VillageId || b.Slot != p.Slot))
            .Select(p => $"{people[p.PersonId]}：{(before.TryGetValue(p.PersonId, out var b) ? villages[b.VillageId] + "·" + TeamPlan.SlotName(b.Slot) : "未安排")} → {villages[p.VillageId]}·{TeamPlan.SlotName(p.Slot)}")
            .Take(10)
            .ToList();
        return new PlacementExplanation(row, reasons, altVillage, altSlot, moved is null ? null : delta, alternative, consequences);
    }

    static bool IsUniqueViolation(DbUpdateException e) => e.InnerException switch
    {
        Npgsql.PostgresException pg => pg.SqlState == Npgsql.PostgresErrorCodes.UniqueViolation,
        Microsoft.Data.Sqlite.SqliteException sqlite => sqlite.SqliteErrorCode == 19, // SQLITE_CONSTRAINT
        _ => false,
    };

    /// <summary>Where two plans of one round differ, cadre by cadre.</summary>
    public async Task<PlanComparison> CompareAsync(Guid leftId, Guid rightId, CancellationToken ct = default)
    {
        var left = await GetAsync(leftId, ct);
        var right = await GetAsync(rightId, ct);
        if (left.RoundId != right.RoundId) throw new ValidationException("right", "只能比较同一批次的两个方案。");
        var a = (await AllRowsAsync(leftId, ct)).ToDictionary(r => r.PersonId);
        var b = (await AllRowsAsync(rightId, ct)).ToDictionary(r => r.PersonId);
        static string Describe(PlacementRow r) => $"{r.Village}·{r.SlotName}";
        var differences = new List<PlanDifference>();
        var same = 0;
        foreach (var id in a.Keys.Union(b.Keys))
        {
            a.TryGetValue(id, out var x);
            b.TryGetValue(id, out var y);
            if (x is not null && y is not null && x.VillageId == y.VillageId && x.Slot == y.Slot) { same++; continue; }
            differences.Add(new PlanDifference(id, (x ?? y)!.Name, x is null ? null : Describe(x), y is null ? null : Describe(y)));
        }
        return new PlanComparison(left, right, differences.OrderBy(d => Common.ChineseText.StrokeSortKey(d.Name), StringComparer.Ordinal).ToList(), same);
    }

    /// <summary>The prefecture approves a plan (审定): it must be solved with its current locks and certified optimal.</summary>
    public async Task ApproveAsync(Guid planId, Guid? version, CancellationToken ct = default)
    {
        var plan = await EditablePlanAsync(planId, version, ct);
        if (plan.LocksChanged) throw new DomainRuleException("锁定或调整后尚未重新计算，请先重新计算再审定。");
        if (!plan.Certified) throw new DomainRuleException("方案未通过最优性校验，不能审定。");
        plan.Status = PlanStatus.Approved;
        plan.ApprovedBy = user.UserName;
        plan.ApprovedAtUtc = clock.GetUtcNow().UtcDateTime;
        plan.Version = Guid.NewGuid();
        await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// Publishes an approved plan (S-SEL-11) in one transaction: a posting with the round's term dates for every
    /// placed cadre (so each village has its team), the stationed scope on each person, the round marked published
    /// and its other plans discarded. A concurrent second publish of the round fails with a conflict and changes nothing.
    /// </summary>
    public async Task<int> PublishAsync(Guid planId, Guid? version, CancellationToken ct = default)
    {
        RequirePlanner();
        var plan = await PlanAsync(planId, ct);
        if (version is { } v && v != plan.Version) throw new DomainRuleException("方案已被他人修改，请刷新后重试。");
        if (plan.Status != PlanStatus.Approved)
            throw new DomainRuleException($"方案状态为“{TeamPlan.StatusName(plan.Status)}”，只有已审定的方案可以发布。");
        var round = await db.SelectionRounds.FirstAsync(r => r.Id == plan.RoundId, ct);
        if (round.Status == RoundStatus.Published) throw new DomainRuleException("该批次已有方案发布。");

        var placements = await db.TeamPlacements.Where(p => p.PlanId == planId).Include(p => p.Person).Include(p => p.Village).ToListAsync(ct);
        var personIds = placements.Select(p => p.PersonId).ToList();
        var busy = await db.Postings.Where(x => personIds.Contains(x.PersonId) && x.Status == PostingStatus.Active)
            .Select(x => x.Person!.Name).Take(6).ToListAsync(ct);
        if (busy.Count > 0)
            throw new DomainRuleException($"{string.Join("、", busy.Take(5))}{(busy.Count > 5 ? "等" : "")}仍在驻村（有未结束的派驻），须先结束原派驻再发布。");

        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var p in placements)
        {
            db.Postings.Add(new Posting
            {
                PersonId = p.PersonId,
                VillageId = p.VillageId,
                Role = p.Slot == PlanSlot.FirstSecretary ? PostingRole.FirstSecretary : PostingRole.Member,
                SpeakerPlace = p.Slot == PlanSlot.Speaker,
                StartDate = round.TermStart,
                EndDate = round.TermEnd,
                RoundId = round.Id,
                PlanId = plan.Id,
                VillageCode = p.Village!.Code,
                RegionPath = p.Village.RegionPath,
                HomeRegionPath = p.Person!.RegionPath,
                CreatedAtUtc = now,
                CreatedBy = user.UserName,
            });
            p.Person.StationedRegionPath = p.Village.RegionPath;
        }
        plan.Status = PlanStatus.Published;
        plan.PublishedBy = user.UserName;
        plan.PublishedAtUtc = now;
        plan.Version = Guid.NewGuid();
        round.Status = RoundStatus.Published;
        round.Version = Guid.NewGuid();
        await foreach (var other in db.TeamPlans.Where(x => x.RoundId == round.Id && x.Id != plan.Id && x.Status != PlanStatus.Discarded).AsAsyncEnumerable().WithCancellation(ct))
        {
            other.Status = PlanStatus.Discarded;
            other.Version = Guid.NewGuid();
        }
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e is DbUpdateConcurrencyException || IsUniqueViolation(e))
        {
            // Another publish of this round (or of a plan with the same cadres) committed first.
            throw new DomainRuleException("该批次正在由他人发布或已被修改，本次发布未生效，请刷新后查看。");
        }
        return placements.Count;
    }
}
