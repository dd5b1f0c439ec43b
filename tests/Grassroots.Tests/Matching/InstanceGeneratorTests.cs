using System.Diagnostics;
using Grassroots.Matching;

namespace Grassroots.Tests.Matching;

public sealed class InstanceGeneratorTests
{
    [Fact]
    public void Prefecture_SolvesOptimallyWithAValidCertificate_Quickly()
    {
        var instance = InstanceGenerator.Prefecture(seed: 1);
        Assert.Equal(600, instance.Cadres.Count);
        Assert.Equal(150, instance.Villages.Count);
        var watch = Stopwatch.StartNew();
        var solution = DispatchSolver.Solve(instance);
        watch.Stop();
        Assert.Empty(PlanCertificate.Verify(instance, solution.Plan, solution.Prices));
        Assert.Equal(150, solution.Objective.FirstSecretaries);
        // Generous bound for a loaded test machine; the benchmark records the real figure.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"prefecture solve took {watch.Elapsed}");
    }

    [Fact]
    public void Prefecture_SameSeed_SameInstance_AndWriteParseRoundTrips()
    {
        var first = InstanceGenerator.Prefecture(7);
        var text = new StringWriter();
        first.Write(text);
        var again = new StringWriter();
        InstanceGenerator.Prefecture(7).Write(again);
        Assert.Equal(text.ToString(), again.ToString());

        var parsed = DispatchInstance.Parse(new StringReader(text.ToString()));
        Assert.Equal(first.Villages, parsed.Villages);
        Assert.Equal(first.Units, parsed.Units);
        Assert.Equal(first.Cadres, parsed.Cadres);
        Assert.Equal(DispatchSolver.Solve(first).Objective, DispatchSolver.Solve(parsed).Objective);
    }

    [Fact]
    public void Create_SmallInstances_MatchBruteForce()
    {
        for (var seed = 0; seed < 40; seed++)
        {
            var instance = InstanceGenerator.Create(seed, cadres: 6, villages: 2, units: 3, counties: 3);
            Assert.Equal(DispatchTestInstances.BruteForce(instance), DispatchSolver.Solve(instance).Objective);
        }
    }

    [Fact]
    public void Create_MediumInstances_CarryAValidOptimalityCertificate()
    {
        // More cadres than slots in some, fewer in others: the certificate proves each plan optimal independently.
        for (var seed = 0; seed < 30; seed++)
        {
            var instance = InstanceGenerator.Create(seed, cadres: 20 + 5 * seed, villages: 20, units: 8, counties: 4);
            var solution = DispatchSolver.Solve(instance);
            Assert.Empty(PlanCertificate.Verify(instance, solution.Plan, solution.Prices));
        }
    }
}

/// <summary>The planner and its certificate at a scale where enumerating every pair one by one would be slow.</summary>
public sealed class ProvinceShapedTests
{
    static readonly Lazy<(DispatchInstance Instance, DispatchSolution Solution)> Solved = new(() =>
    {
        var instance = InstanceGenerator.Province(seed: 5, cadres: 5_000, villages: 1_500, prefectures: 4);
        return (instance, DispatchSolver.Solve(instance));
    });

    [Fact]
    public void Province_ShapeAndDeterminism()
    {
        var instance = InstanceGenerator.Province(seed: 5, cadres: 5_000, villages: 1_500, prefectures: 4);
        Assert.Equal(5_000, instance.Cadres.Count);
        Assert.Equal(1_500, instance.Villages.Count);
        Assert.Single(instance.Villages.Select(v => v.Region).Distinct());
        Assert.All(instance.Villages, v => Assert.InRange(v.Members, 2, 4));
        Assert.InRange(instance.Cadres.Count(c => c.FirstSecretaryEligible), 1_350, 1_650);
        Assert.Contains(instance.Cadres, c => c.Line == WorkLine.Other);
        Assert.Contains(instance.Villages, v => v.NeedsSpeaker);
        var again = InstanceGenerator.Province(seed: 5, cadres: 5_000, villages: 1_500, prefectures: 4);
        Assert.Equal(instance.Cadres, again.Cadres);
        Assert.Equal(instance.Villages, again.Villages);
        Assert.Equal(instance.Units, again.Units);
    }

    [Fact]
    public void Solve_AFiveThousandCadreProvince_IsCertifiedOverEveryPair()
    {
        var (instance, solution) = Solved.Value;
        Assert.Empty(PlanCertificate.Verify(instance, solution.Plan, solution.Prices));
        Assert.Equal(solution.Objective, solution.Plan.Evaluate(instance));
    }

    [Fact]
    public void Verify_APlantedSwapInAFiveThousandCadreProvince_Fails()
    {
        var (instance, solution) = Solved.Value;
        var cadre = instance.Cadres.Select((c, i) => (c.Id, i)).ToDictionary(x => x.Id, x => x.i);
        var village = instance.Villages.Select((v, i) => (v.Id, i)).ToDictionary(x => x.Id, x => x.i);
        var first = solution.Plan.Placements.Where(p => p.Slot == SlotKind.FirstSecretary).ToList();
        // Two first secretaries trade villages where both may go and the total cost rises.
        for (var i = 0; i < first.Count; i++)
        {
            for (var j = i + 1; j < Math.Min(first.Count, i + 200); j++)
            {
                int c1 = cadre[first[i].CadreId], c2 = cadre[first[j].CadreId], v1 = village[first[i].VillageId], v2 = village[first[j].VillageId];
                if (!instance.IsAllowed(c1, v2) || !instance.IsAllowed(c2, v1)) continue;
                if (instance.Cost(c1, v2) + instance.Cost(c2, v1) <= instance.Cost(c1, v1) + instance.Cost(c2, v2)) continue;
                var swapped = solution.Plan.Placements.Select(p =>
                    p == first[i] ? p with { VillageId = first[j].VillageId } : p == first[j] ? p with { VillageId = first[i].VillageId } : p).ToList();
                var problems = PlanCertificate.Verify(instance, new DispatchPlan(swapped), solution.Prices);
                Assert.Contains(problems, p => p.Contains("不能证明方案最优"));
                Assert.DoesNotContain(problems, p => p.Contains("回避") || p.Contains("资格"));
                return;
            }
        }
        Assert.Fail("no costlier swap found");
    }

    [Fact]
    public void Verify_PricesRaisedForNobody_AreInfeasibleOverTheDensePairs()
    {
        var (instance, solution) = Solved.Value;
        // All prices zero: every allowed pair is worth more than its prices, and the dense check must find them.
        var none = new long[instance.Villages.Count];
        var zero = solution.Prices with { Cadres = new long[instance.Cadres.Count], FirstSecretarySlots = none, SpeakerSlots = none, MemberSlots = none };
        Assert.Contains(PlanCertificate.Verify(instance, solution.Plan, zero), p => p.Contains("价格不可行"));
        // Halving one village's first-secretary price leaves its first secretary's rivals under-priced, or the plan below the bound.
        var fs = (long[])solution.Prices.FirstSecretarySlots.Clone();
        var v = Array.FindIndex(fs, p => p > 0);
        fs[v] /= 2;
        Assert.NotEmpty(PlanCertificate.Verify(instance, solution.Plan, solution.Prices with { FirstSecretarySlots = fs }));
    }

    [Fact]
    public void Solve_AProvinceWithLocksAndForbiddenPairs_KeepsThemAndIsCertified()
    {
        var instance = InstanceGenerator.Province(seed: 8, cadres: 2_000, villages: 600, prefectures: 3);
        var solution = DispatchSolver.Solve(instance);
        var random = new Random(11);
        var byCadre = instance.Cadres.Select((c, i) => (c.Id, i)).ToDictionary(x => x.Id, x => x.i);
        // Lock 30 member placements to other villages with room, forbid 30 current placements.
        var locks = new List<DispatchLock>();
        var lockedIn = new Dictionary<int, int>();
        var placements = solution.Plan.Placements.ToList();
        foreach (var p in placements.Where(p => p.Slot == SlotKind.Member && !instance.Cadres[byCadre[p.CadreId]].Speaker).OrderBy(_ => random.Next()).Take(30))
        {
            var c = byCadre[p.CadreId];
            var v = Enumerable.Range(0, instance.Villages.Count).First(v => instance.IsAllowed(c, v) && instance.Villages[v].Id != p.VillageId
                && lockedIn.GetValueOrDefault(v) < instance.Villages[v].Members - (instance.Villages[v].NeedsSpeaker ? 1 : 0));
            lockedIn[v] = lockedIn.GetValueOrDefault(v) + 1;
            locks.Add(new DispatchLock(p.CadreId, instance.Villages[v].Id, SlotKind.Member));
        }
        var lockedIds = locks.Select(l => l.CadreId).ToHashSet();
        var forbidden = placements.Where(p => !lockedIds.Contains(p.CadreId)).OrderBy(_ => random.Next()).Take(30).Select(p => new ForbiddenPair(p.CadreId, p.VillageId)).ToList();
        var constraints = new DispatchConstraints(locks, forbidden);
        var constrained = DispatchSolver.Solve(instance, constraints);
        foreach (var l in locks) Assert.Contains(new Placement(l.CadreId, l.VillageId, l.Slot), constrained.Plan.Placements);
        foreach (var f in forbidden) Assert.DoesNotContain(constrained.Plan.Placements, p => p.CadreId == f.CadreId && p.VillageId == f.VillageId);
        Assert.True(constrained.Objective.CompareTo(solution.Objective) <= 0);
        Assert.Empty(PlanCertificate.Verify(instance, constrained.Plan, constrained.Prices, constraints));
    }
}
