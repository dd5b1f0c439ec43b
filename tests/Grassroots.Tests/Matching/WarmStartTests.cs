using Grassroots.Matching;

namespace Grassroots.Tests.Matching;

/// <summary>
/// The planner's warm start: a spanning tree built from a given flow (crossover), the cost-scaling core that supplies the
/// flow, and whole plans solved from a warm start against cold solves, OR-Tools and the certificate.
/// </summary>
public sealed class WarmStartTests
{
    /// <summary>
    /// A random network shaped like a dispatch region: supply nodes ("classes") with zero-cost arcs to the root, demand-side
    /// nodes ("slot groups") with capacitated zero-cost arcs to the root, and arcs between them of random (often negative)
    /// cost, with a random feasible flow: each unit of supply goes to a random group with room, or stays on its root arc.
    /// </summary>
    sealed record Network(NetworkSimplex Simplex, int[] RootArc, long[] Supply, long[] Flow, List<(int From, int To, long Cap, long Cost)> Arcs, int Nodes);

    static Network RandomNetwork(Random random, int classes, int groups, bool finiteArcs)
    {
        var nodes = classes + groups;
        var simplex = new NetworkSimplex(nodes, 16);
        var arcs = new List<(int, int, long, long)>();
        var rootArc = new int[nodes];
        var supply = new long[nodes];
        var groupCap = new long[groups];
        void Add(int from, int to, long cap, long cost) { simplex.AddArc(from, to, cap, cost); arcs.Add((from, to, cap, cost)); }
        for (var c = 0; c < classes; c++)
        {
            supply[c] = random.Next(1, 5);
            rootArc[c] = arcs.Count;
            Add(c, nodes, NetworkSimplex.Infinite, 0);
        }
        for (var g = 0; g < groups; g++)
        {
            groupCap[g] = random.Next(1, 4);
            rootArc[classes + g] = arcs.Count;
            Add(classes + g, nodes, groupCap[g], 0);
        }
        var outArcs = new List<int>[classes];
        for (var c = 0; c < classes; c++)
        {
            outArcs[c] = [];
            foreach (var g in Enumerable.Range(0, groups).OrderBy(_ => random.Next()).Take(random.Next(1, Math.Min(groups, 5) + 1)))
            {
                outArcs[c].Add(arcs.Count);
                Add(c, classes + g, finiteArcs && random.Next(3) == 0 ? random.Next(1, 3) : NetworkSimplex.Infinite, random.Next(-60, 20));
            }
        }
        var flow = new long[arcs.Count];
        var room = (long[])groupCap.Clone();
        for (var c = 0; c < classes; c++)
        {
            for (var unit = 0; unit < supply[c]; unit++)
            {
                var options = outArcs[c].Where(e => flow[e] < arcs[e].Item3 && room[arcs[e].Item2 - classes] > 0).ToList();
                if (options.Count == 0 || random.Next(4) == 0) { flow[rootArc[c]]++; continue; }
                var e = options[random.Next(options.Count)];
                flow[e]++;
                room[arcs[e].Item2 - classes]--;
                flow[rootArc[arcs[e].Item2]]++;
            }
        }
        return new Network(simplex, rootArc, supply, flow, arcs, nodes);
    }

    static long Cost(List<(int From, int To, long Cap, long Cost)> arcs, Func<int, long> flow)
    {
        long total = 0;
        for (var e = 0; e < arcs.Count; e++) total += arcs[e].Cost * flow(e);
        return total;
    }

    static void AssertConserves(Network network, Func<int, long> flow)
    {
        var balance = new long[network.Nodes + 1];
        for (var e = 0; e < network.Arcs.Count; e++)
        {
            var f = flow(e);
            Assert.InRange(f, 0, network.Arcs[e].Cap);
            balance[network.Arcs[e].From] += f;
            balance[network.Arcs[e].To] -= f;
        }
        for (var u = 0; u < network.Nodes; u++) Assert.Equal(network.Supply[u], balance[u]);
    }

    [Fact]
    public void StartFromFlow_OnRandomFlows_BuildsAStronglyFeasibleSpanningTreeWithTheSameFlowOrACheaperOne()
    {
        var random = new Random(4711);
        var cancelled = 0;
        var unchanged = 0;
        for (var i = 0; i < 300; i++)
        {
            var network = RandomNetwork(random, classes: random.Next(1, 12), groups: random.Next(1, 10), finiteArcs: i % 2 == 0);
            var simplex = network.Simplex;
            var cycles = simplex.StartFromFlow(network.RootArc, network.Flow);

            Assert.Empty(simplex.TreeProblems());
            AssertConserves(network, simplex.Flow);
            var before = Cost(network.Arcs, e => network.Flow[e]);
            Assert.True(simplex.TotalCost() <= before, $"network {i}: cycle cancelling raised the cost");
            if (cycles == 0)
            {
                // No cycle among the arcs strictly between their bounds: the tree carries exactly the given flow.
                for (var e = 0; e < network.Arcs.Count; e++) Assert.Equal(network.Flow[e], simplex.Flow(e));
                unchanged++;
            }
            else cancelled++;
        }
        Assert.True(cancelled > 20 && unchanged > 20, $"{cancelled} networks with cycles, {unchanged} without");
    }

    [Fact]
    public void Solve_FromAWarmStartedTree_ReachesTheColdOptimumAndKeepsTheTreeValid()
    {
        var random = new Random(2027);
        for (var i = 0; i < 200; i++)
        {
            var classes = random.Next(1, 15);
            var groups = random.Next(1, 12);
            var seed = random.Next();
            var warm = RandomNetwork(new Random(seed), classes, groups, finiteArcs: true);
            var cold = RandomNetwork(new Random(seed), classes, groups, finiteArcs: true);

            warm.Simplex.StartFromFlow(warm.RootArc, warm.Flow);
            warm.Simplex.Solve();
            cold.Simplex.Start(cold.RootArc, cold.Supply);
            cold.Simplex.Solve();

            Assert.Empty(warm.Simplex.TreeProblems());
            AssertConserves(warm, warm.Simplex.Flow);
            Assert.Equal(cold.Simplex.TotalCost(), warm.Simplex.TotalCost());
        }
    }

    [Fact]
    public void Solve_KeepsEveryArcsEndsCostAndCapacity_WhateverBoundItEndsAt()
    {
        // Each arc's state (at its lower bound, in the tree, at its upper bound) is stored beside its source; the arc's
        // ends must read back as added once arcs have moved through every state.
        var random = new Random(5150);
        var atUpper = 0;
        for (var i = 0; i < 100; i++)
        {
            var network = RandomNetwork(random, classes: random.Next(1, 15), groups: random.Next(1, 12), finiteArcs: true);
            var simplex = network.Simplex;
            simplex.Start(network.RootArc, network.Supply);
            simplex.Solve();
            Assert.Empty(simplex.TreeProblems());
            for (var e = 0; e < network.Arcs.Count; e++)
            {
                var (from, to, cap, cost) = network.Arcs[e];
                Assert.Equal(from, simplex.Source(e));
                Assert.Equal(to, simplex.Target(e));
                Assert.Equal(cost, simplex.Cost(e));
                Assert.Equal(cap, simplex.Capacity(e));
                if (cap != NetworkSimplex.Infinite && simplex.Flow(e) == cap) atUpper++;
            }
        }
        Assert.True(atUpper > 50, $"{atUpper} arcs ended full");
    }

    [Fact]
    public void AddArc_WithAnEndOutsideTheNetwork_IsRejected()
    {
        var simplex = new NetworkSimplex(3, 4);
        Assert.Throws<ArgumentOutOfRangeException>(() => simplex.AddArc(0, 4, 1, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => simplex.AddArc(-1, 3, 1, 0));
        Assert.Equal(0, simplex.ArcCount);
        Assert.Equal(0, simplex.AddArc(2, 3, 1, 0));
    }

    [Fact]
    public void CostScaling_WithCostsScaledAboveTheNodeCount_FindsTheSimplexOptimum()
    {
        var random = new Random(99);
        for (var i = 0; i < 200; i++)
        {
            var network = RandomNetwork(random, classes: random.Next(1, 15), groups: random.Next(1, 12), finiteArcs: true);
            var supplies = new long[network.Nodes + 1];
            Array.Copy(network.Supply, supplies, network.Nodes);
            supplies[network.Nodes] = -network.Supply.Sum();
            var total = network.Supply.Sum();
            var scaling = new CostScaling(supplies, network.Nodes + 2, finalEpsilon: 1);
            foreach (var (from, to, cap, cost) in network.Arcs) scaling.AddArc(from, to, Math.Min(cap, total), cost);
            scaling.Solve();

            network.Simplex.Start(network.RootArc, network.Supply);
            network.Simplex.Solve();

            AssertConserves(network, scaling.Flow);
            Assert.Equal(network.Simplex.TotalCost(), Cost(network.Arcs, scaling.Flow));
        }
    }

    [Fact]
    public void CostScaling_AfterArcsAreAdded_ContinuesToTheNewOptimum()
    {
        var random = new Random(314);
        for (var i = 0; i < 100; i++)
        {
            var network = RandomNetwork(random, classes: random.Next(2, 12), groups: random.Next(2, 10), finiteArcs: false);
            var supplies = new long[network.Nodes + 1];
            Array.Copy(network.Supply, supplies, network.Nodes);
            supplies[network.Nodes] = -network.Supply.Sum();
            var total = network.Supply.Sum();
            var scaling = new CostScaling(supplies, network.Nodes + 2, finalEpsilon: 1);
            var half = network.Arcs.Count / 2;
            // The root arcs come first, so the first half is always feasible.
            for (var e = 0; e < half; e++) scaling.AddArc(network.Arcs[e].From, network.Arcs[e].To, Math.Min(network.Arcs[e].Cap, total), network.Arcs[e].Cost);
            scaling.Solve();
            for (var e = half; e < network.Arcs.Count; e++) scaling.AddArc(network.Arcs[e].From, network.Arcs[e].To, Math.Min(network.Arcs[e].Cap, total), network.Arcs[e].Cost);
            scaling.Solve();

            network.Simplex.Start(network.RootArc, network.Supply);
            network.Simplex.Solve();
            Assert.Equal(network.Simplex.TotalCost(), Cost(network.Arcs, scaling.Flow));
        }
    }

    [Fact]
    public void Solve_WithWarmStart_EqualsTheColdSolveAndOrTools_AndIsCertified()
    {
        var random = new Random(1818);
        for (var i = 0; i < 150; i++)
        {
            var instance = DispatchTestInstances.Random(random, maxCadres: 12);
            var warm = DispatchSolver.Solve(instance, DispatchConstraints.None, warmStart: true);
            Assert.Equal(DispatchSolver.Solve(instance, DispatchConstraints.None, warmStart: false).Objective, warm.Objective);
            Assert.Equal(Grassroots.Benchmarks.OrToolsReference.Solve(instance), warm.Objective);
            Assert.Empty(PlanCertificate.Verify(instance, warm.Plan, warm.Prices));
        }
        foreach (var seed in new[] { 31, 32 })
        {
            var instance = InstanceGenerator.Province(seed, cadres: 900, villages: 300, prefectures: 3);
            var warm = DispatchSolver.Solve(instance, DispatchConstraints.None, warmStart: true);
            Assert.Equal(Grassroots.Benchmarks.OrToolsReference.Solve(instance), warm.Objective);
            Assert.Equal(DispatchSolver.Solve(instance, DispatchConstraints.None, warmStart: false).Objective, warm.Objective);
            Assert.Empty(PlanCertificate.Verify(instance, warm.Plan, warm.Prices));
        }
    }

    [Fact]
    public void Solve_OnAProvinceOfTheWarmStartsSize_EqualsTheColdSolve_AndIsCertified()
    {
        var instance = InstanceGenerator.Province(seed: 9, cadres: RegionSolver.WarmStartFrom, villages: 1_500, prefectures: 4);
        var warm = DispatchSolver.Solve(instance, DispatchConstraints.None, warmStart: true);
        var cold = DispatchSolver.Solve(instance, DispatchConstraints.None, warmStart: false);
        Assert.Equal(cold.Objective, warm.Objective);
        Assert.Equal(instance.Cadres.Count, warm.Objective.Filled);
        Assert.Empty(PlanCertificate.Verify(instance, warm.Plan, warm.Prices));
    }

    [Fact]
    public void Solve_WithWarmStartAndConstraints_EqualsBruteForce()
    {
        var random = new Random(77);
        for (var i = 0; i < 150; i++)
        {
            var instance = DispatchTestInstances.Random(random);
            var constraints = DispatchTestInstances.RandomConstraints(random, instance);
            var warm = DispatchSolver.Solve(instance, constraints, warmStart: true);
            Assert.Equal(DispatchTestInstances.BruteForce(instance, constraints), warm.Objective);
        }
    }
}
