using Grassroots.Matching;

namespace Grassroots.Dispatch;

/// <summary>A placement fixed before solving: a cadre held in a village's place.</summary>
public sealed record FixedPlacement(int Cadre, int Village, PlanSlot Slot);

/// <summary>The planner's answer mapped back to people and villages, with the places left empty and why.</summary>
public sealed record PlanResult(
    IReadOnlyList<TeamPlacement> Placements,
    IReadOnlyList<PlanGap> Gaps,
    DispatchObjective Objective,
    bool Certified,
    IReadOnlyList<string> CertificateProblems,
    double Milliseconds);

/// <summary>
/// Runs the exact planner on a round's problem with staff's locks and exclusions, checks the optimality certificate,
/// and turns the answer into placements with their cost terms and gaps with their reasons.
/// </summary>
public static class PlanComputation
{
    public static PlanResult Solve(PlanProblem problem, Guid planId, IReadOnlyList<FixedPlacement> locks, IReadOnlyCollection<(int Cadre, int Village)> forbidden)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var instance = problem.Instance;
        var constraints = new DispatchConstraints(
            locks.Select(l => new DispatchLock(instance.Cadres[l.Cadre].Id, instance.Villages[l.Village].Id, l.Slot switch
            {
                PlanSlot.FirstSecretary => SlotKind.FirstSecretary,
                PlanSlot.Speaker => SlotKind.Speaker,
                _ => SlotKind.Member,
            })).ToList(),
            forbidden.Select(f => new ForbiddenPair(instance.Cadres[f.Cadre].Id, instance.Villages[f.Village].Id)).ToList());
        var solution = DispatchSolver.Solve(problem.Instance, constraints);
        var problems = PlanCertificate.Verify(problem.Instance, solution.Plan, solution.Prices, constraints);
        watch.Stop();

        var cadreById = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < instance.Cadres.Count; i++) cadreById[instance.Cadres[i].Id] = i;
        var villageById = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < instance.Villages.Count; i++) villageById[instance.Villages[i].Id] = i;
        var locked = locks.Select(l => (l.Cadre, l.Village)).ToHashSet();
        var placements = new List<TeamPlacement>();
        var filledFs = new bool[instance.Villages.Count];
        var filledSpeaker = new bool[instance.Villages.Count];
        var members = new int[instance.Villages.Count];
        foreach (var p in solution.Plan.Placements)
        {
            var c = cadreById[p.CadreId];
            var v = villageById[p.VillageId];
            var cadre = problem.Cadres[c];
            var village = problem.Villages[v];
            var slot = p.Slot switch { SlotKind.FirstSecretary => PlanSlot.FirstSecretary, SlotKind.Speaker => PlanSlot.Speaker, _ => PlanSlot.Member };
            if (slot == PlanSlot.FirstSecretary) filledFs[v] = true;
            else if (slot == PlanSlot.Speaker) filledSpeaker[v] = true;
            else members[v]++;
            var km = Haversine.Kilometres(cadre.Latitude, cadre.Longitude, village.Village.Latitude, village.Village.Longitude);
            placements.Add(new TeamPlacement
            {
                PlanId = planId,
                PersonId = cadre.Person.Id,
                VillageId = village.Village.Id,
                Slot = slot,
                Locked = locked.Contains((c, v)),
                LineFits = instance.Cadres[c].Line == instance.Villages[v].Line,
                DistanceKm = Math.Round(km, 1),
                Cost = instance.Cost(c, v),
            });
        }

        var gaps = Gaps(problem, planId, solution.Plan, cadreById, filledFs, filledSpeaker, members, forbidden);
        return new PlanResult(placements, gaps, solution.Objective, problems.Count == 0, problems, watch.Elapsed.TotalMilliseconds);
    }

    /// <summary>Each empty place with the reason in words: nobody may fill it at all, or those who may are needed elsewhere.</summary>
    static List<PlanGap> Gaps(PlanProblem problem, Guid planId, DispatchPlan plan, Dictionary<string, int> cadreById,
        bool[] filledFs, bool[] filledSpeaker, int[] members, IReadOnlyCollection<(int Cadre, int Village)> forbidden)
    {
        var instance = problem.Instance;
        var placed = new bool[instance.Cadres.Count];
        foreach (var p in plan.Placements) placed[cadreById[p.CadreId]] = true;
        var unplaced = Enumerable.Range(0, instance.Cadres.Count).Where(c => !placed[c]).ToList();
        var forbiddenSet = forbidden.ToHashSet();
        var gaps = new List<PlanGap>();
        for (var v = 0; v < problem.Villages.Count; v++)
        {
            var village = problem.Villages[v];
            bool May(int c) => instance.IsAllowed(c, v) && !forbiddenSet.Contains((c, v));
            if (!filledFs[v])
            {
                var eligible = Enumerable.Range(0, instance.Cadres.Count).Where(c => problem.Cadres[c].FirstSecretaryEligible).ToList();
                var allowed = eligible.Count(May);
                var reason = eligible.Count == 0 ? "本批次没有符合第一书记条件的候选人。"
                    : allowed == 0 ? $"符合第一书记条件的 {eligible.Count} 名候选人均须回避本村（{AvoidWhat(problem)}）或已被排除。"
                    : $"可任本村第一书记的 {allowed} 名候选人都已安排到其他村任第一书记（第一书记人选少于村数）。";
                gaps.Add(new PlanGap { PlanId = planId, VillageId = village.Village.Id, Slot = PlanSlot.FirstSecretary, Reason = reason });
            }
            if (village.NeedsSpeaker && !filledSpeaker[v])
            {
                var speakers = Enumerable.Range(0, instance.Cadres.Count).Where(c => problem.Cadres[c].Speaker).ToList();
                var allowed = speakers.Count(May);
                var reason = speakers.Count == 0 ? "本批次没有会讲当地语言的候选人。"
                    : allowed == 0 ? $"会讲当地语言的 {speakers.Count} 名候选人均须回避本村（{AvoidWhat(problem)}）或已被排除。"
                    : $"可派本村的 {allowed} 名会讲当地语言的候选人都已安排到其他村（此类人选不足）。";
                gaps.Add(new PlanGap { PlanId = planId, VillageId = village.Village.Id, Slot = PlanSlot.Speaker, Reason = reason });
            }
            var memberPlaces = village.Members - (village.NeedsSpeaker ? 1 : 0);
            var missing = memberPlaces - members[v];
            if (missing > 0)
            {
                var allowedLeft = unplaced.Count(May);
                var reason = allowedLeft == 0
                    ? (unplaced.Count == 0 ? "候选人已全部安排，人数少于岗位数。" : $"尚未安排的 {unplaced.Count} 名候选人均须回避本村（{AvoidWhat(problem)}）或已被排除。")
                    : $"尚未安排的候选人中有 {allowedLeft} 人可派本村，但方案已按先第一书记、后总人数的顺序用尽名额。";
                gaps.Add(new PlanGap { PlanId = planId, VillageId = village.Village.Id, Slot = PlanSlot.Member, Count = missing, Reason = reason });
            }
        }
        return gaps;
    }

    static string AvoidWhat(PlanProblem problem) => Selection.SelectionRound.AvoidanceName(problem.Round.Avoidance);
}
