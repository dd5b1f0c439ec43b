using Grassroots.Matching;

namespace Grassroots.Tests.Matching;

/// <summary>Re-solving around locked placements and forbidden pairs: exact, certified, and refusing locks that break a rule.</summary>
public sealed class DispatchConstraintsTests
{
    static readonly DispatchInstance Small = DispatchTestInstances.Parse("""
        grassroots-dispatch 1
        cost	mismatch=50	per_km=1
        villages	2
        a	r	c1	party	31	80	2	1
        b	r	c2	legal	31	82	1	0
        units	2
        ua	r	c3	31	80.1
        ub	r	c4	31	81.9
        cadres	6
        k1	ua	party	1	0
        k2	ub	legal	1	0
        k3	ua	party	0	1
        k4	ub	legal	0	0
        k5	ua	other	0	0
        k6	ub	party	0	1
        """);

    static DispatchConstraints Locks(params DispatchLock[] locks) => new(locks, []);

    [Fact]
    public void Solve_OnHundredsOfTinyInstancesWithLocksAndForbiddenPairs_MatchesBruteForce_KeepsEveryLockAndIsCertified()
    {
        var random = new Random(4242);
        var constrained = 0;
        for (var i = 0; i < 400; i++)
        {
            var instance = DispatchTestInstances.Random(random, maxCadres: 6);
            var constraints = DispatchTestInstances.RandomConstraints(random, instance);
            if (constraints.Locks.Count + constraints.Forbidden.Count > 0) constrained++;
            var solution = DispatchSolver.Solve(instance, constraints);
            var expected = DispatchTestInstances.BruteForce(instance, constraints);
            Assert.True(expected == solution.Objective, $"instance {i}: brute force {expected}, solver {solution.Objective}");
            Assert.Equal(solution.Objective, solution.Plan.Evaluate(instance));
            foreach (var l in constraints.Locks) Assert.Contains(new Placement(l.CadreId, l.VillageId, l.Slot), solution.Plan.Placements);
            foreach (var f in constraints.Forbidden) Assert.DoesNotContain(solution.Plan.Placements, p => p.CadreId == f.CadreId && p.VillageId == f.VillageId);
            Assert.Empty(PlanCertificate.Verify(instance, solution.Plan, solution.Prices, constraints));
        }
        Assert.True(constrained > 200, $"only {constrained} instances had constraints");
    }

    [Fact]
    public void Solve_WithALockedPlacement_KeepsItExactlyAndReoptimisesTheRest()
    {
        var free = DispatchSolver.Solve(Small);
        Assert.Contains(new Placement("k1", "a", SlotKind.FirstSecretary), free.Plan.Placements);
        // Pin k1 to village b as a member: a's first-secretary slot is left to the other eligible cadre, k2.
        var constraints = Locks(new DispatchLock("k1", "b", SlotKind.Member));
        var solution = DispatchSolver.Solve(Small, constraints);
        Assert.Contains(new Placement("k1", "b", SlotKind.Member), solution.Plan.Placements);
        Assert.Contains(solution.Plan.Placements, p => p.CadreId == "k2" && p.Slot == SlotKind.FirstSecretary);
        Assert.True(solution.Objective.CompareTo(free.Objective) <= 0);
        Assert.Equal(DispatchTestInstances.BruteForce(Small, constraints), solution.Objective);
        Assert.Empty(PlanCertificate.Verify(Small, solution.Plan, solution.Prices, constraints));
    }

    [Fact]
    public void Solve_ForbiddingAPlacement_FindsTheBestAlternative()
    {
        var free = DispatchSolver.Solve(Small);
        var placed = free.Plan.Placements.First(p => p.CadreId == "k3");
        var constraints = new DispatchConstraints([], [new ForbiddenPair("k3", placed.VillageId)]);
        var solution = DispatchSolver.Solve(Small, constraints);
        Assert.DoesNotContain(solution.Plan.Placements, p => p.CadreId == "k3" && p.VillageId == placed.VillageId);
        Assert.Equal(DispatchTestInstances.BruteForce(Small, constraints), solution.Objective);
        Assert.Empty(PlanCertificate.Verify(Small, solution.Plan, solution.Prices, constraints));
        // The unconstrained plan breaks the new rule, and the certificate says so.
        Assert.Contains(PlanCertificate.Verify(Small, free.Plan, solution.Prices, constraints), p => p.Contains("被禁止"));
    }

    [Theory]
    [InlineData("k3", "a", SlotKind.FirstSecretary, "干部 k3 锁定到村 a", "不具备第一书记资格")]
    [InlineData("k4", "a", SlotKind.Speaker, "干部 k4 锁定到村 a", "不会当地语言")]
    [InlineData("k6", "b", SlotKind.Speaker, "干部 k6 锁定到村 b", "没有语言翻译名额")]
    [InlineData("k1", "zz", SlotKind.Member, "干部 k1 的村 zz", "不在实例中")]
    [InlineData("kx", "a", SlotKind.Member, "干部 kx", "不在实例中")]
    public void Solve_ALockThatBreaksARule_IsRefusedNamingTheCadreAndVillage(string cadre, string village, SlotKind slot, string names, string reason)
    {
        var error = Assert.Throws<ArgumentException>(() => DispatchSolver.Solve(Small, Locks(new DispatchLock(cadre, village, slot))));
        Assert.Contains(names, error.Message);
        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public void Solve_ALockInTheUnitsOwnCounty_IsRefusedAsAvoidance()
    {
        var instance = DispatchTestInstances.Parse("grassroots-dispatch 1\ncost\tmismatch=1\tper_km=1\nvillages\t1\na\tr\tc1\tparty\t0\t0\t1\t0\nunits\t1\nu\tr\tc1\t0\t0\ncadres\t1\nk\tu\tparty\t1\t0\n");
        var error = Assert.Throws<ArgumentException>(() => DispatchSolver.Solve(instance, Locks(new DispatchLock("k", "a", SlotKind.FirstSecretary))));
        Assert.Contains("干部 k 锁定到村 a", error.Message);
        Assert.Contains("回避", error.Message);
    }

    [Fact]
    public void Solve_TwoLocksInOneSingleSlot_AreRefused()
    {
        var twoFirst = Assert.Throws<ArgumentException>(() => DispatchSolver.Solve(Small, Locks(
            new DispatchLock("k1", "b", SlotKind.FirstSecretary), new DispatchLock("k2", "a", SlotKind.FirstSecretary), new DispatchLock("k1", "a", SlotKind.Member))));
        Assert.Contains("不止一次", twoFirst.Message);
        var sameSlot = Assert.Throws<ArgumentException>(() => DispatchSolver.Solve(Small, Locks(
            new DispatchLock("k1", "a", SlotKind.FirstSecretary), new DispatchLock("k2", "a", SlotKind.FirstSecretary))));
        Assert.Contains("干部 k2 锁定到村 a", sameSlot.Message);
        Assert.Contains("已锁定给干部 k1", sameSlot.Message);
        var twoSpeakers = Assert.Throws<ArgumentException>(() => DispatchSolver.Solve(Small, Locks(
            new DispatchLock("k3", "a", SlotKind.Speaker), new DispatchLock("k6", "a", SlotKind.Speaker))));
        Assert.Contains("已锁定给干部 k3", twoSpeakers.Message);
    }

    [Fact]
    public void Solve_MoreLocksThanSlots_IsRefused()
    {
        // Village b has one member slot; village a has two, one of them for a speaker.
        var full = Assert.Throws<ArgumentException>(() => DispatchSolver.Solve(Small, Locks(
            new DispatchLock("k3", "b", SlotKind.Member), new DispatchLock("k5", "b", SlotKind.Member))));
        Assert.Contains("干部 k5 锁定到村 b", full.Message);
        Assert.Contains("已被锁定占满", full.Message);
        var speakersRoom = Assert.Throws<ArgumentException>(() => DispatchSolver.Solve(Small, Locks(
            new DispatchLock("k2", "a", SlotKind.Member), new DispatchLock("k4", "a", SlotKind.Member))));
        Assert.Contains("干部 k4 锁定到村 a", speakersRoom.Message);
        Assert.Contains("语言翻译名额", speakersRoom.Message);
    }

    [Fact]
    public void Verify_APlanThatMovesALockedCadre_Fails()
    {
        var constraints = Locks(new DispatchLock("k1", "b", SlotKind.Member));
        var solution = DispatchSolver.Solve(Small, constraints);
        var moved = new DispatchPlan(solution.Plan.Placements.Where(p => p.CadreId != "k1").ToList());
        Assert.Contains(PlanCertificate.Verify(Small, moved, solution.Prices, constraints), p => p.Contains("锁定的安排未保留：干部 k1"));
    }

    [Fact]
    public void LineOther_AlwaysPaysTheMismatch_AndIsReadForCadresOnly()
    {
        var k5 = Small.Cadres.Select((c, i) => (c, i)).Single(x => x.c.Id == "k5").i;
        Assert.Equal(WorkLine.Other, Small.Cadres[k5].Line);
        Assert.Equal(50 + Small.DistanceCost(Small.UnitIndexOf(k5), 1), Small.Cost(k5, 1));
        var villageOther = Assert.Throws<DispatchFormatException>(() => DispatchTestInstances.Parse(
            "grassroots-dispatch 1\ncost\tmismatch=1\tper_km=1\nvillages\t1\nv\tr\tc1\tother\t0\t0\t1\t0\nunits\t0\ncadres\t0\n"));
        Assert.Contains("村的条线不能为 other", villageOther.Message);
        var text = new StringWriter();
        Small.Write(text);
        Assert.Contains("k5\tua\tother\t0\t0", text.ToString());
    }
}
