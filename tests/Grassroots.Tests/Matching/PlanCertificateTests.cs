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

    [Fact]
    public void Verify_RegionAndSpeakerRules_AreEachNamedForTheirPlacement()
    {
        // a (region r1) has a speaker slot, b (r1) has none, c is in region r2; k1 speaks the language, k2 does not.
        var instance = DispatchTestInstances.Parse(
            "grassroots-dispatch 1\ncost\tmismatch=1\tper_km=1\nvillages\t3\na\tr1\tc1\tparty\t0\t0\t2\t1\nb\tr1\tc1\tparty\t0\t0\t2\t0\nc\tr2\tc3\tparty\t0\t0\t1\t0\n"
            + "units\t1\nu\tr1\tc2\t0\t0\ncadres\t3\nk1\tu\tparty\t1\t1\nk2\tu\tparty\t1\t0\nk3\tu\tparty\t1\t0\n");
        var solution = DispatchSolver.Solve(instance);
        var problems = PlanCertificate.Verify(instance, new DispatchPlan([
            new Placement("k1", "b", SlotKind.Speaker),   // b has no speaker slot
            new Placement("k2", "a", SlotKind.Speaker),   // k2 does not speak the language
            new Placement("k3", "c", SlotKind.FirstSecretary), // c is in another region
        ]), solution.Prices);
        Assert.Contains(problems, p => p.Contains("村 b 没有语言翻译名额，干部 k1"));
        Assert.Contains(problems, p => p.Contains("干部 k2 不会当地语言"));
        Assert.Contains(problems, p => p.Contains("干部 k3 的派出单位属区域 r1，不能派往区域 r2 的村 c"));
        Assert.DoesNotContain(problems, p => p.Contains("干部 k1 不会当地语言") || p.Contains("干部 k3 不具备") || p.Contains("回避"));
    }

    [Fact]
    public void Verify_LoweredPrices_CountsExactlyTheUnderPricedPairsABruteForceScanFinds()
    {
        // The certificate settles whole cells of villages by a chord bound; lowering prices here and there must leave it
        // counting exactly the (unit, village, slot kind) pairs that a plain scan of every pair finds under-priced.
        var instance = InstanceGenerator.Province(seed: 5, cadres: 2_000, villages: 600, prefectures: 4);
        var solution = DispatchSolver.Solve(instance);
        var random = new Random(7);
        var cadres = (long[])solution.Prices.Cadres.Clone();
        for (var c = 0; c < cadres.Length; c++)
        {
            if (random.Next(10) == 0) cadres[c] = Math.Max(0, cadres[c] - random.Next(1, 400));
        }
        var fs = (long[])solution.Prices.FirstSecretarySlots.Clone();
        var members = (long[])solution.Prices.MemberSlots.Clone();
        for (var v = 0; v < fs.Length; v++)
        {
            if (random.Next(20) == 0) fs[v] = Math.Max(0, fs[v] - random.Next(1, 300));
            if (random.Next(20) == 0) members[v] = 0;
        }
        var lowered = solution.Prices with { Cadres = cadres, FirstSecretarySlots = fs, MemberSlots = members };

        var expected = BruteForceUnderPriced(instance, lowered);
        Assert.True(expected > 0);
        var problem = Assert.Single(PlanCertificate.Verify(instance, solution.Plan, lowered), p => p.Contains("价格不可行"));
        Assert.Contains($"价格不可行，{expected} 个", problem);
    }

    [Fact]
    public void Verify_ASlotWeightNotAboveTheWorstTotalCost_IsRejected()
    {
        // The exact worst total: every cadre at the farthest village it may serve, with the mismatch. A certificate that
        // underestimated a unit's farthest village would let this weight through.
        var instance = InstanceGenerator.Province(seed: 6, cadres: 1_500, villages: 500, prefectures: 3);
        var solution = DispatchSolver.Solve(instance);
        long worstTotal = 0;
        for (var c = 0; c < instance.Cadres.Count; c++)
        {
            long worst = 0;
            for (var v = 0; v < instance.Villages.Count; v++)
            {
                if (instance.IsAllowed(c, v)) worst = Math.Max(worst, instance.MismatchCost + instance.DistanceCost(instance.UnitIndexOf(c), v));
            }
            worstTotal += worst;
        }
        var slots = instance.TotalSlots;
        DispatchPrices WithSlotWeight(long b) => solution.Prices with
        {
            Weights = new Dictionary<string, DispatchWeights> { ["P"] = new DispatchWeights(b * (slots + 1L), b) },
        };
        Assert.Contains(PlanCertificate.Verify(instance, solution.Plan, WithSlotWeight(worstTotal)), p => p.Contains("名额权重"));
        Assert.DoesNotContain(PlanCertificate.Verify(instance, solution.Plan, WithSlotWeight(worstTotal + 1)), p => p.Contains("名额权重"));
    }

    /// <summary>
    /// Every allowed (unit, village, slot kind) whose least cadre price (with mismatch) plus slot price falls below the
    /// worth of placing, scanning every pair with the instance's own cost rule.
    /// </summary>
    static long BruteForceUnderPriced(DispatchInstance instance, DispatchPrices prices)
    {
        var weights = prices.Weights["P"];
        long count = 0;
        for (var u = 0; u < instance.Units.Count; u++)
        {
            var unitCadres = Enumerable.Range(0, instance.Cadres.Count).Where(c => instance.UnitIndexOf(c) == u).ToList();
            if (unitCadres.Count == 0) continue;
            for (var v = 0; v < instance.Villages.Count; v++)
            {
                var village = instance.Villages[v];
                if (village.County == instance.Units[u].County) continue;
                var distance = instance.DistanceCost(u, v);
                long Least(Func<DispatchCadre, bool> eligible) => unitCadres.Where(c => eligible(instance.Cadres[c]))
                    .Select(c => prices.Cadres[c] + (DispatchInstance.Mismatches(instance.Cadres[c].Line, village.Line) ? instance.MismatchCost : 0))
                    .DefaultIfEmpty(long.MaxValue).Min();
                var fs = Least(c => c.FirstSecretaryEligible);
                var speaker = Least(c => c.Speaker);
                var member = Least(_ => true);
                if (fs != long.MaxValue && (Int128)fs + prices.FirstSecretarySlots[v] < (Int128)weights.FirstSecretaryWeight + weights.SlotWeight - distance) count++;
                if (village.NeedsSpeaker && speaker != long.MaxValue && (Int128)speaker + prices.SpeakerSlots[v] < (Int128)weights.SlotWeight - distance) count++;
                var memberSlots = village.Members - (village.NeedsSpeaker ? 1 : 0);
                if (memberSlots > 0 && (Int128)member + prices.MemberSlots[v] < (Int128)weights.SlotWeight - distance) count++;
            }
        }
        return count;
    }
}
