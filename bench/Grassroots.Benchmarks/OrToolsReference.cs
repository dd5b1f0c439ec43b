using Google.OrTools.Graph;
using Grassroots.Matching;

namespace Grassroots.Benchmarks;

/// <summary>
/// The reference solver for the dispatch planner: Google OR-Tools' min-cost flow on the same dense network, every
/// allowed pair. Source → cadre (1) → first-secretary / speaker / member slot group of a village → sink, plus a
/// cost-0 "not placed" arc per cadre; placing costs the real cost minus B per slot and minus A more for a first
/// secretary, so the minimum is the lexicographic optimum. Used by the benchmark and, linked, by the tests.
/// </summary>
internal static class OrToolsReference
{
    public static DispatchObjective Solve(DispatchInstance instance)
    {
        var weights = DispatchSolver.Weights(instance);
        int n = instance.Cadres.Count, m = instance.Villages.Count;
        int source = 0, sink = 1, cadre0 = 2, slot0 = 2 + n;
        int Fs(int v) => slot0 + 3 * v;
        int Spk(int v) => slot0 + 3 * v + 1;
        int Mem(int v) => slot0 + 3 * v + 2;
        var flow = new MinCostFlow();
        var placements = new List<(int Arc, int Cadre, int Village, bool First)>();
        for (var c = 0; c < n; c++)
        {
            flow.AddArcWithCapacityAndUnitCost(source, cadre0 + c, 1, 0);
            flow.AddArcWithCapacityAndUnitCost(cadre0 + c, sink, 1, 0);
            var cadre = instance.Cadres[c];
            var (a, b) = weights.TryGetValue(instance.UnitOf(c).Region, out var w) ? (w.FirstSecretaryWeight, w.SlotWeight) : (0, 0);
            for (var v = 0; v < m; v++)
            {
                if (!instance.IsAllowed(c, v)) continue;
                var cost = instance.Cost(c, v);
                if (cadre.FirstSecretaryEligible) placements.Add((flow.AddArcWithCapacityAndUnitCost(cadre0 + c, Fs(v), 1, cost - a - b), c, v, true));
                if (cadre.Speaker && instance.Villages[v].NeedsSpeaker) placements.Add((flow.AddArcWithCapacityAndUnitCost(cadre0 + c, Spk(v), 1, cost - b), c, v, false));
                placements.Add((flow.AddArcWithCapacityAndUnitCost(cadre0 + c, Mem(v), 1, cost - b), c, v, false));
            }
        }
        for (var v = 0; v < m; v++)
        {
            var village = instance.Villages[v];
            flow.AddArcWithCapacityAndUnitCost(Fs(v), sink, 1, 0);
            flow.AddArcWithCapacityAndUnitCost(Spk(v), sink, village.NeedsSpeaker ? 1 : 0, 0);
            flow.AddArcWithCapacityAndUnitCost(Mem(v), sink, village.Members - (village.NeedsSpeaker ? 1 : 0), 0);
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
