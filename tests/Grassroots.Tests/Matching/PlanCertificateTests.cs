using Grassroots.Matching;

namespace Grassroots.Tests.Matching;

public sealed class PlanCertificateTests
{
    static readonly DispatchInstance Instance = DispatchTestInstances.Parse("""
        grassroots-dispatch 1
        # two villages, each near one of the two units
        cost	mismatch=50	per_km=1
        villages	2
        a	r	c1	party	31	80	1	0
        b	r	c2	legal	31	82	1	0
        units	2
        ua	r	c3	31	80.1
        ub	r	c4	31	81.9
        cadres	4
        k1	ua	party	1	0
        k2	ub	legal	1	0
        k3	ua	party	0	0
        k4	ub	legal	0	0
        """);

    [Fact]
    public void Verify_TheSolversPlan_HasNoProblems()
    {
        var solution = DispatchSolver.Solve(Instance);
        Assert.Equal(new DispatchObjective(2, 4, solution.Objective.Cost), solution.Objective);
        Assert.Empty(PlanCertificate.Verify(Instance, solution.Plan, solution.Prices));
    }

    [Fact]
    public void Verify_APlanWithTwoPlacementsSwappedToAWorseCost_Fails()
    {
        var solution = DispatchSolver.Solve(Instance);
        var swapped = solution.Plan.Placements.Select(p => p.CadreId switch
        {
            "k1" => p with { VillageId = "b" },
            "k2" => p with { VillageId = "a" },
            _ => p,
        }).ToList();
        var worse = new DispatchPlan(swapped);
        Assert.True(worse.Evaluate(Instance).Cost > solution.Objective.Cost);
        var problems = PlanCertificate.Verify(Instance, worse, solution.Prices);
        Assert.Contains(problems, p => p.Contains("不能证明方案最优"));
    }

    [Fact]
    public void Verify_APlanThatLeavesAFillableSlotEmpty_Fails()
    {
        var solution = DispatchSolver.Solve(Instance);
        var fewer = new DispatchPlan(solution.Plan.Placements.Where(p => p.CadreId != "k3").ToList());
        Assert.Contains(PlanCertificate.Verify(Instance, fewer, solution.Prices), p => p.Contains("不能证明方案最优"));
    }

    [Fact]
    public void Verify_PricesBelowAPairsWorth_AreRejected()
    {
        var solution = DispatchSolver.Solve(Instance);
        var none = new long[Instance.Villages.Count];
        var cheaper = solution.Prices with { Cadres = new long[Instance.Cadres.Count], FirstSecretarySlots = none, SpeakerSlots = none, MemberSlots = none };
        Assert.Contains(PlanCertificate.Verify(Instance, solution.Plan, cheaper), p => p.Contains("价格不可行"));
    }

    [Fact]
    public void Verify_BrokenRules_AreEachNamed()
    {
        var solution = DispatchSolver.Solve(Instance);
        var plan = new DispatchPlan([
            new Placement("k3", "a", SlotKind.FirstSecretary),   // not eligible
            new Placement("k1", "a", SlotKind.FirstSecretary),   // second FS in a
            new Placement("k1", "b", SlotKind.Member),           // placed twice
            new Placement("k2", "b", SlotKind.Member),           // b has one member slot
        ]);
        var problems = PlanCertificate.Verify(Instance, plan, solution.Prices);
        Assert.Contains(problems, p => p.Contains("不具备第一书记资格"));
        Assert.Contains(problems, p => p.Contains("只能有 1 名"));
        Assert.Contains(problems, p => p.Contains("不止一次"));
        Assert.Contains(problems, p => p.Contains("名额只有 1 个"));
    }

    [Fact]
    public void Verify_APlacementInTheUnitsCounty_IsAvoidance()
    {
        var instance = DispatchTestInstances.Parse("grassroots-dispatch 1\ncost\tmismatch=1\tper_km=1\nvillages\t1\na\tr\tc1\tparty\t0\t0\t1\t0\nunits\t1\nu\tr\tc1\t0\t0\ncadres\t1\nk\tu\tparty\t1\t0\n");
        var solution = DispatchSolver.Solve(instance);
        Assert.Empty(solution.Plan.Placements);
        var problems = PlanCertificate.Verify(instance, new DispatchPlan([new Placement("k", "a", SlotKind.FirstSecretary)]), solution.Prices);
        Assert.Contains(problems, p => p.Contains("回避"));
    }

    [Fact]
    public void Verify_ASpeakerSlotTakenByANonSpeaker_IsNamed()
    {
        var instance = DispatchTestInstances.Parse("grassroots-dispatch 1\ncost\tmismatch=1\tper_km=1\nvillages\t1\na\tr\tc1\tparty\t0\t0\t1\t1\nunits\t1\nu\tr\tc2\t0\t0\ncadres\t1\nk\tu\tparty\t0\t0\n");
        var solution = DispatchSolver.Solve(instance);
        Assert.Empty(solution.Plan.Placements);
        var problems = PlanCertificate.Verify(instance, new DispatchPlan([new Placement("k", "a", SlotKind.Member)]), solution.Prices);
        Assert.Contains(problems, p => p.Contains("语言翻译名额"));
    }
}
