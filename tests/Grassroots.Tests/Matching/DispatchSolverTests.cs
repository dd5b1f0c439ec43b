using Grassroots.Matching;

namespace Grassroots.Tests.Matching;

public sealed class DispatchSolverTests
{
    [Fact]
    public void Solve_OnHundredsOfTinyRandomInstances_MatchesBruteForceAndKeepsEveryRule()
    {
        var random = new Random(20261127);
        for (var i = 0; i < 400; i++)
        {
            var instance = DispatchTestInstances.Random(random);
            var solution = DispatchSolver.Solve(instance);
            var expected = DispatchTestInstances.BruteForce(instance);
            Assert.True(expected == solution.Objective, $"instance {i}: brute force {expected}, solver {solution.Objective}");
            Assert.Equal(solution.Objective, solution.Plan.Evaluate(instance));
            Assert.Empty(PlanCertificate.Verify(instance, solution.Plan, solution.Prices));
        }
    }

    [Fact]
    public void Solve_SeveralRegionsOfDifferentSizes_EachAsIfAlone_AndCertified()
    {
        // Regions solved one after another reuse the arc arrays of those solved before (largest first): every region's
        // optimum must still be the one it has alone.
        DispatchInstance[] parts = [
            InstanceGenerator.Create(seed: 11, cadres: 900, villages: 220, units: 50, counties: 7),
            InstanceGenerator.Create(seed: 12, cadres: 400, villages: 100, units: 30, counties: 6),
            InstanceGenerator.Create(seed: 13, cadres: 250, villages: 70, units: 20, counties: 5),
            InstanceGenerator.Create(seed: 14, cadres: 120, villages: 40, units: 12, counties: 4),
        ];
        var villages = new List<DispatchVillage>();
        var units = new List<DispatchUnit>();
        var cadres = new List<DispatchCadre>();
        for (var r = 0; r < parts.Length; r++)
        {
            var p = $"r{r}-";
            villages.AddRange(parts[r].Villages.Select(v => v with { Id = p + v.Id, Region = p + v.Region, County = p + v.County }));
            units.AddRange(parts[r].Units.Select(u => u with { Id = p + u.Id, Region = p + u.Region, County = p + u.County }));
            cadres.AddRange(parts[r].Cadres.Select(c => c with { Id = p + c.Id, UnitId = p + c.UnitId }));
        }
        var whole = new DispatchInstance(parts[0].MismatchCost, parts[0].PerKmCost, villages, units, cadres);

        var solution = DispatchSolver.Solve(whole);

        var alone = parts.Select(p => DispatchSolver.Solve(p).Objective).ToArray();
        Assert.Equal(alone.Sum(o => o.FirstSecretaries), solution.Objective.FirstSecretaries);
        Assert.Equal(alone.Sum(o => o.Filled), solution.Objective.Filled);
        Assert.Equal(alone.Sum(o => o.Cost), solution.Objective.Cost);
        Assert.Empty(PlanCertificate.Verify(whole, solution.Plan, solution.Prices));
    }

    [Fact]
    public void Solve_PrefersAnotherFirstSecretaryOverACheaperPlan()
    {
        // Both eligible cadres fit in the near village (one as first secretary, one as member), but the far village's
        // first-secretary slot counts first: one of them goes there at a much higher cost.
        var instance = DispatchTestInstances.Parse("""
            grassroots-dispatch 1
            cost	mismatch=0	per_km=1
            villages	2
            near	r	c1	party	31	80	1	0
            far	r	c1	party	35	90	1	0
            units	1
            u	r	c9	31	80.1
            cadres	2
            k1	u	party	1	0
            k2	u	party	1	0
            """);
        var solution = DispatchSolver.Solve(instance);
        Assert.Equal(2, solution.Objective.FirstSecretaries);
        Assert.Equal(2, solution.Objective.Filled);
        Assert.All(solution.Plan.Placements, p => Assert.Equal(SlotKind.FirstSecretary, p.Slot));
        Assert.Contains(solution.Plan.Placements, p => p.VillageId == "far");
        Assert.True(solution.Objective.Cost > 1000);
    }

    [Fact]
    public void Solve_SpeakerSlotStaysEmpty_WhenNoSpeakerCanFillIt()
    {
        var instance = DispatchTestInstances.Parse("""
            grassroots-dispatch 1
            cost	mismatch=10	per_km=1
            villages	1
            a	r	c1	party	31	80	2	1
            units	1
            u	r	c2	31	80.5
            cadres	4
            k1	u	party	0	0
            k2	u	party	0	0
            k3	u	party	0	0
            k4	u	legal	1	0
            """);
        var solution = DispatchSolver.Solve(instance);
        // One FS (k4) and one ordinary member; the speaker slot stays empty although k2 and k3 are free.
        Assert.Equal(new DispatchObjective(1, 2, solution.Objective.Cost), solution.Objective);
        Assert.Equal(2, solution.Plan.Placements.Count);
        Assert.Empty(PlanCertificate.Verify(instance, solution.Plan, solution.Prices));
    }

    [Fact]
    public void Solve_FillsTheSpeakerSlotWithASpeaker()
    {
        var instance = DispatchTestInstances.Parse("""
            grassroots-dispatch 1
            cost	mismatch=10	per_km=1
            villages	1
            a	r	c1	party	31	80	2	1
            units	1
            u	r	c2	31	80.5
            cadres	3
            k1	u	party	0	0
            k2	u	party	0	0
            k3	u	legal	0	1
            """);
        var solution = DispatchSolver.Solve(instance);
        Assert.Equal(2, solution.Objective.Filled);
        Assert.Contains(solution.Plan.Placements, p => p.CadreId == "k3");
    }

    [Fact]
    public void Solve_NeverSendsACadreToItsUnitsCountyOrAnotherRegion()
    {
        var instance = DispatchTestInstances.Parse("""
            grassroots-dispatch 1
            cost	mismatch=0	per_km=1
            villages	3
            home	r	c1	party	31	80	3	0
            other	r2	c2	party	31	80	3	0
            far	r	c3	party	35	90	3	0
            units	1
            u	r	c1	31	80
            cadres	2
            k1	u	party	1	0
            k2	u	party	1	0
            """);
        var solution = DispatchSolver.Solve(instance);
        Assert.Equal(2, solution.Plan.Placements.Count);
        Assert.All(solution.Plan.Placements, p => Assert.Equal("far", p.VillageId));
        Assert.False(instance.IsAllowed(0, 0));
        Assert.False(instance.IsAllowed(0, 1));
        Assert.True(instance.IsAllowed(0, 2));
    }

    [Fact]
    public void Solve_WithNoCadres_PlacesNobody()
    {
        var instance = DispatchTestInstances.Parse("grassroots-dispatch 1\ncost\tmismatch=1\tper_km=1\nvillages\t1\na\tr\tc\tparty\t0\t0\t1\t0\nunits\t0\ncadres\t0\n");
        var solution = DispatchSolver.Solve(instance);
        Assert.Equal(new DispatchObjective(0, 0, 0), solution.Objective);
        Assert.Empty(PlanCertificate.Verify(instance, solution.Plan, solution.Prices));
    }

    [Fact]
    public void Solve_WeightsBeyond64Bits_IsRefusedWithAReason()
    {
        var villages = Enumerable.Range(0, 50).Select(i => new DispatchVillage($"v{i}", "r", "c1", WorkLine.Party, -60, 0, 1000, false)).ToList();
        var units = new[] { new DispatchUnit("u", "r", "c2", 60, 180) };
        var cadres = Enumerable.Range(0, 2000).Select(i => new DispatchCadre($"k{i}", "u", WorkLine.Legal, true, false)).ToList();
        var instance = new DispatchInstance(int.MaxValue, int.MaxValue, villages, units, cadres);
        var error = Assert.Throws<DispatchTooLargeException>(() => DispatchSolver.Solve(instance));
        Assert.Contains("64 位", error.Message);
    }
}
