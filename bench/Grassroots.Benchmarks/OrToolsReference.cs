using Google.OrTools.Graph;
using Grassroots.Matching;

namespace Grassroots.Benchmarks;

/// <summary>
/// The reference solver for the dispatch planner: Google OR-Tools' min-cost flow (cost-scaling push-relabel). Source →
/// cadre (1) → first-secretary / speaker / member slot group of a village → sink, plus a cost-0 "not placed" arc per
/// cadre; placing costs the real cost minus the region's B per slot and minus its A more for a first secretary, so the
/// minimum is the lexicographic optimum. <see cref="Solve"/> uses every allowed pair (the dense network, small instances
/// only); <see cref="SolveNearest"/> only each cadre's k nearest allowed villages. Used by the benchmark and, linked,
/// by the tests.
/// </summary>
internal static class OrToolsReference
{
    /// <summary>The optimum over every allowed pair.</summary>
    public static DispatchObjective Solve(DispatchInstance instance) => Solve(instance, (c, add) =>
    {
        for (var v = 0; v < instance.Villages.Count; v++)
        {
            if (instance.IsAllowed(c, v)) add(v);
        }
    });

    /// <summary>
    /// The optimum over the pruned network in which every cadre may only go to the <paramref name="k"/> allowed villages
    /// nearest (great-circle distance, ties by village order) to its unit.
    /// </summary>
    public static DispatchObjective SolveNearest(DispatchInstance instance, int k)
    {
        var nearest = NearestVillages(instance, k);
        return Solve(instance, (c, add) =>
        {
            foreach (var v in nearest[instance.UnitIndexOf(c)]) add(v);
        });
    }

    /// <summary>For each unit, the k allowed villages nearest to it (chord length orders points as the great circle does).</summary>
    public static int[][] NearestVillages(DispatchInstance instance, int k)
    {
        static (double, double, double) Point(double lat, double lon)
        {
            const double toRad = Math.PI / 180.0;
            return (Math.Cos(lat * toRad) * Math.Cos(lon * toRad), Math.Cos(lat * toRad) * Math.Sin(lon * toRad), Math.Sin(lat * toRad));
        }
        var byRegion = instance.Villages.Select((v, i) => (v, i)).GroupBy(x => x.v.Region)
            .ToDictionary(g => g.Key, g => g.Select(x => (x.i, x.v.County, Point: Point(x.v.Latitude, x.v.Longitude))).ToArray());
        var result = new int[instance.Units.Count][];
        Parallel.For(0, instance.Units.Count, u =>
        {
            var unit = instance.Units[u];
            if (!byRegion.TryGetValue(unit.Region, out var villages)) { result[u] = []; return; }
            var (x, y, z) = Point(unit.Latitude, unit.Longitude);
            var best = new PriorityQueue<int, (double, int)>(Comparer<(double, int)>.Create((p, q) => q.CompareTo(p)));
            foreach (var (i, county, (vx, vy, vz)) in villages)
            {
                if (county == unit.County) continue;
                var d = (x - vx) * (x - vx) + (y - vy) * (y - vy) + (z - vz) * (z - vz);
                if (best.Count < k) best.Enqueue(i, (d, i));
                else if (best.TryPeek(out _, out var worst) && (d, i).CompareTo(worst) < 0) best.EnqueueDequeue(i, (d, i));
            }
            var list = new int[best.Count];
            for (var j = list.Length - 1; j >= 0; j--) list[j] = best.Dequeue();
            result[u] = list;
        });
        return result;
    }

    /// <summary>
    /// One min-cost flow per region (regions share nothing; a single nation-wide network would overflow OR-Tools' cost
    /// range), two regions at a time as the planner does; the objectives add up.
    /// </summary>
    static DispatchObjective Solve(DispatchInstance instance, Action<int, Action<int>> villagesOf)
    {
        var weights = DispatchSolver.Weights(instance);
        var regions = instance.Villages.Select(v => v.Region).Concat(instance.Units.Select(u => u.Region)).Distinct().ToArray();
        var cadresOf = regions.ToDictionary(r => r, _ => new List<int>());
        for (var c = 0; c < instance.Cadres.Count; c++) cadresOf[instance.UnitOf(c).Region].Add(c);
        var villagesIn = regions.ToDictionary(r => r, _ => new List<int>());
        for (var v = 0; v < instance.Villages.Count; v++) villagesIn[instance.Villages[v].Region].Add(v);
        var results = new System.Collections.Concurrent.ConcurrentBag<DispatchObjective>();
        Parallel.ForEach(regions.OrderByDescending(r => (long)cadresOf[r].Count * villagesIn[r].Count),
            new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, region =>
            {
                if (cadresOf[region].Count == 0 || villagesIn[region].Count == 0) return;
                var w = weights[region];
                results.Add(SolveRegion(instance, cadresOf[region], villagesIn[region], w.FirstSecretaryWeight, w.SlotWeight, villagesOf));
            });
        return new DispatchObjective(results.Sum(r => r.FirstSecretaries), results.Sum(r => r.Filled), results.Sum(r => r.Cost));
    }

    static DispatchObjective SolveRegion(DispatchInstance instance, List<int> cadres, List<int> villages, long a, long b, Action<int, Action<int>> villagesOf)
    {
        int n = cadres.Count, m = villages.Count;
        var local = new Dictionary<int, int>(m);
        for (var i = 0; i < m; i++) local[villages[i]] = i;
        int source = 0, sink = 1, cadre0 = 2, slot0 = 2 + n;
        int Fs(int v) => slot0 + 3 * v;
        int Spk(int v) => slot0 + 3 * v + 1;
        int Mem(int v) => slot0 + 3 * v + 2;
        var flow = new MinCostFlow();
        var placements = new List<(int Arc, int Cadre, int Village, bool First)>();
        for (var i = 0; i < n; i++)
        {
            var c = cadres[i];
            flow.AddArcWithCapacityAndUnitCost(source, cadre0 + i, 1, 0);
            flow.AddArcWithCapacityAndUnitCost(cadre0 + i, sink, 1, 0);
            var cadre = instance.Cadres[c];
            villagesOf(c, v =>
            {
                var j = local[v];
                var cost = instance.Cost(c, v);
                if (cadre.FirstSecretaryEligible) placements.Add((flow.AddArcWithCapacityAndUnitCost(cadre0 + i, Fs(j), 1, cost - a - b), c, v, true));
                if (cadre.Speaker && instance.Villages[v].NeedsSpeaker) placements.Add((flow.AddArcWithCapacityAndUnitCost(cadre0 + i, Spk(j), 1, cost - b), c, v, false));
                placements.Add((flow.AddArcWithCapacityAndUnitCost(cadre0 + i, Mem(j), 1, cost - b), c, v, false));
            });
        }
        for (var j = 0; j < m; j++)
        {
            var village = instance.Villages[villages[j]];
            flow.AddArcWithCapacityAndUnitCost(Fs(j), sink, 1, 0);
            flow.AddArcWithCapacityAndUnitCost(Spk(j), sink, village.NeedsSpeaker ? 1 : 0, 0);
            flow.AddArcWithCapacityAndUnitCost(Mem(j), sink, village.Members - (village.NeedsSpeaker ? 1 : 0), 0);
        }
        flow.SetNodeSupply(source, n);
        flow.SetNodeSupply(sink, -n);
        var status = flow.Solve();
        if (status != MinCostFlowBase.Status.OPTIMAL) throw new InvalidOperationException($"OR-Tools min-cost flow ended with {status}");
        int first = 0, filled = 0;
        long total = 0;
        foreach (var (arc, c, v, isFirst) in placements)
        {
            if (flow.Flow(arc) == 0) continue;
            filled++;
            if (isFirst) first++;
            total += instance.Cost(c, v);
        }
        return new DispatchObjective(first, filled, total);
    }
}
