namespace Grassroots.Matching;

/// <summary>
/// Dual prices that prove a plan optimal (see <see cref="PlanCertificate"/>). The plan is read as a weighted b-matching:
/// placing cadre <c>c</c> in village <c>v</c> is worth <see cref="SlotWeight"/> − cost(c, v), plus
/// <see cref="FirstSecretaryWeight"/> for a first-secretary slot. The weights make the weighted optimum the lexicographic one.
/// Prices are per cadre and per village slot group (first secretary, speaker, other members); all are non-negative.
/// </summary>
/// <param name="FirstSecretaryWeight">Extra worth of a first-secretary placement (A).</param>
/// <param name="SlotWeight">Worth of any placement before its cost (B).</param>
/// <param name="Cadres">Price of each cadre, by cadre id.</param>
/// <param name="FirstSecretarySlots">Price of each village's first-secretary slot, by village id.</param>
/// <param name="SpeakerSlots">Price of each village's speaker slot, by village id (villages that need a speaker only).</param>
/// <param name="MemberSlots">Price of each of a village's other member slots, by village id.</param>
public sealed record DispatchPrices(
    long FirstSecretaryWeight,
    long SlotWeight,
    IReadOnlyDictionary<string, long> Cadres,
    IReadOnlyDictionary<string, long> FirstSecretarySlots,
    IReadOnlyDictionary<string, long> SpeakerSlots,
    IReadOnlyDictionary<string, long> MemberSlots);

/// <summary>An optimal plan with its objective and the prices that prove it optimal.</summary>
/// <param name="Plan">The plan, placements ordered by village then first secretary first.</param>
/// <param name="Objective">The plan's lexicographic objective.</param>
/// <param name="Prices">The dual prices (certificate of optimality).</param>
public sealed record DispatchSolution(DispatchPlan Plan, DispatchObjective Objective, DispatchPrices Prices);

/// <summary>The instance cannot be solved with 64-bit weights (rates or sizes far beyond any real dispatch).</summary>
public sealed class DispatchTooLargeException(string message) : Exception(message);

/// <summary>
/// Exact dispatch solver. Every allowed cadre–village pair is an arc of a min-cost flow network:
/// source → cadre (capacity 1) → village slot groups (first secretary: capacity 1, eligible cadres only; speaker: capacity 1,
/// speakers only; other members: members − needs_speaker) → sink. A first-secretary arc costs cost − A − B, a member arc
/// cost − B, with B greater than any plan's total cost and A greater than B times (slots + 1), so the minimum-cost flow
/// maximises first secretaries, then filled slots, then minimises cost. Successive shortest augmenting paths (Dijkstra
/// on reduced costs with Johnson potentials) augment while the cheapest path has negative cost.
/// </summary>
public static class DispatchSolver
{
    /// <summary>Computes the weights (A, B) that make the weighted optimum the lexicographic optimum.</summary>
    /// <exception cref="DispatchTooLargeException">The weights do not fit in 64 bits.</exception>
    public static (long FirstSecretaryWeight, long SlotWeight) Weights(DispatchInstance instance)
    {
        try
        {
            long sumOfWorst = 0;
            for (var c = 0; c < instance.Cadres.Count; c++)
            {
                long worst = 0;
                for (var v = 0; v < instance.Villages.Count; v++)
                {
                    if (instance.IsAllowed(c, v)) worst = Math.Max(worst, instance.Cost(c, v));
                }
                sumOfWorst = checked(sumOfWorst + worst);
            }
            var b = checked(sumOfWorst + 1);
            var a = checked(b * (instance.TotalSlots + 1L));
            return (a, b);
        }
        catch (OverflowException)
        {
            throw new DispatchTooLargeException("实例过大：代价或名额使字典序目标的权重超出 64 位整数范围，无法求解。");
        }
    }

    /// <summary>Solves the instance exactly.</summary>
    /// <exception cref="DispatchTooLargeException">The weights do not fit in 64 bits.</exception>
    public static DispatchSolution Solve(DispatchInstance instance)
    {
        var (a, b) = Weights(instance);
        var villages = instance.Villages;
        int cadreCount = instance.Cadres.Count, villageCount = villages.Count;
        const int source = 0;
        // Nodes: source, cadres, then per village [first secretary, speaker, members], then sink.
        int SlotNode(int village, int group) => 1 + cadreCount + 3 * village + group;
        var sink = 1 + cadreCount + 3 * villageCount;
        var nodeCount = sink + 1;

        var graph = new Graph(nodeCount);
        for (var c = 0; c < cadreCount; c++) graph.Add(source, 1 + c, 1, 0);
        var cadreArcs = new List<(int Arc, int Village, int Group)>[cadreCount];
        long maxAbs = 0;
        for (var c = 0; c < cadreCount; c++)
        {
            cadreArcs[c] = [];
            var cadre = instance.Cadres[c];
            for (var v = 0; v < villageCount; v++)
            {
                if (!instance.IsAllowed(c, v)) continue;
                var cost = instance.Cost(c, v);
                var member = cost - b;
                var first = member - a;
                maxAbs = Math.Max(maxAbs, Math.Max(Math.Abs(first), cost));
                if (cadre.FirstSecretaryEligible) cadreArcs[c].Add((graph.Add(1 + c, SlotNode(v, 0), 1, first), v, 0));
                if (cadre.Speaker && villages[v].NeedsSpeaker) cadreArcs[c].Add((graph.Add(1 + c, SlotNode(v, 1), 1, member), v, 1));
                if (villages[v].Members - (villages[v].NeedsSpeaker ? 1 : 0) > 0) cadreArcs[c].Add((graph.Add(1 + c, SlotNode(v, 2), 1, member), v, 2));
            }
        }
        for (var v = 0; v < villageCount; v++)
        {
            graph.Add(SlotNode(v, 0), sink, 1, 0);
            graph.Add(SlotNode(v, 1), sink, villages[v].NeedsSpeaker ? 1 : 0, 0);
            graph.Add(SlotNode(v, 2), sink, villages[v].Members - (villages[v].NeedsSpeaker ? 1 : 0), 0);
        }
        try
        {
            // Potentials and path lengths stay within (number of nodes) × (largest arc cost).
            _ = checked(checked(maxAbs * 2 + 2) * (nodeCount + 1L) * 4);
        }
        catch (OverflowException)
        {
            throw new DispatchTooLargeException("实例过大：最短路的长度超出 64 位整数范围，无法求解。");
        }

        var potential = graph.InitialPotentials(source, sink);
        graph.Augment(potential, source, sink);
        graph.MakeUsedArcsTight(potential, 1, cadreCount);

        // Read the plan and the prices.
        var placements = new List<(int Village, int Order, Placement P)>();
        var cadrePrices = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var c = 0; c < cadreCount; c++)
        {
            cadrePrices[instance.Cadres[c].Id] = Math.Max(0, potential[1 + c] - potential[source]);
            foreach (var (arc, v, group) in cadreArcs[c])
            {
                if (graph.Flow(arc) == 0) continue;
                placements.Add((v, group == 0 ? 0 : 1, new Placement(instance.Cadres[c].Id, villages[v].Id, group == 0 ? SlotKind.FirstSecretary : SlotKind.Member)));
            }
        }
        var fsPrices = new Dictionary<string, long>(StringComparer.Ordinal);
        var speakerPrices = new Dictionary<string, long>(StringComparer.Ordinal);
        var memberPrices = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var v = 0; v < villageCount; v++)
        {
            fsPrices[villages[v].Id] = Math.Max(0, potential[sink] - potential[SlotNode(v, 0)]);
            if (villages[v].NeedsSpeaker) speakerPrices[villages[v].Id] = Math.Max(0, potential[sink] - potential[SlotNode(v, 1)]);
            memberPrices[villages[v].Id] = Math.Max(0, potential[sink] - potential[SlotNode(v, 2)]);
        }
        var plan = new DispatchPlan(placements.OrderBy(p => p.Village).ThenBy(p => p.Order).Select(p => p.P).ToList());
        return new DispatchSolution(plan, plan.Evaluate(instance), new DispatchPrices(a, b, cadrePrices, fsPrices, speakerPrices, memberPrices));
    }

    /// <summary>A residual network with paired arcs (arc i and its reverse i ^ 1).</summary>
    sealed class Graph(int nodeCount)
    {
        readonly List<int> to = [], capacity = [], next = [];
        readonly List<long> cost = [];
        readonly int[] head = Enumerable.Repeat(-1, nodeCount).ToArray();
        int[] toA = [], capA = [], nextA = [];
        long[] costA = [];
        int[] originalCapacity = [];

        public int Add(int from, int target, int cap, long arcCost)
        {
            var id = to.Count;
            Push(from, target, cap, arcCost);
            Push(target, from, 0, -arcCost);
            return id;
        }

        void Push(int from, int target, int cap, long arcCost)
        {
            to.Add(target);
            capacity.Add(cap);
            cost.Add(arcCost);
            next.Add(head[from]);
            head[from] = to.Count - 1;
        }

        public int Flow(int arc) => originalCapacity[arc] - capA[arc];

        void Freeze()
        {
            toA = [.. to];
            capA = [.. capacity];
            nextA = [.. next];
            costA = [.. cost];
            originalCapacity = [.. capacity];
        }

        /// <summary>Shortest distances in the initial (acyclic) network: negative costs only on cadre → slot arcs.</summary>
        public long[] InitialPotentials(int source, int sink)
        {
            Freeze();
            var p = new long[nodeCount];
            // Source and cadres at 0; a slot node at the cheapest arc reaching it (or 0); the sink at the minimum over slots.
            for (var u = 0; u < nodeCount; u++)
            {
                if (u == source || u == sink) continue;
                for (var e = head[u]; e >= 0; e = nextA[e])
                {
                    if (capA[e] > 0 && toA[e] != sink) p[toA[e]] = Math.Min(p[toA[e]], costA[e]);
                }
            }
            for (var e = head[sink]; e >= 0; e = nextA[e]) p[sink] = Math.Min(p[sink], p[toA[e]]);
            return p;
        }

        /// <summary>Augments one unit at a time along cheapest paths while their true cost is negative.</summary>
        public void Augment(long[] p, int source, int sink)
        {
            var dist = new long[nodeCount];
            var parentArc = new int[nodeCount];
            var done = new bool[nodeCount];
            var queue = new PriorityQueue<int, long>();
            while (true)
            {
                Array.Fill(dist, long.MaxValue);
                Array.Fill(done, false);
                queue.Clear();
                dist[source] = 0;
                queue.Enqueue(source, 0);
                while (queue.TryDequeue(out var u, out var d))
                {
                    if (done[u] || d != dist[u]) continue;
                    done[u] = true;
                    if (u == sink) break;
                    for (var e = head[u]; e >= 0; e = nextA[e])
                    {
                        if (capA[e] == 0) continue;
                        var w = toA[e];
                        var nd = d + costA[e] + p[u] - p[w];
                        if (nd < dist[w])
                        {
                            dist[w] = nd;
                            parentArc[w] = e;
                            queue.Enqueue(w, nd);
                        }
                    }
                }
                var reached = done[sink];
                var pathCost = reached ? dist[sink] + p[sink] - p[source] : 0;
                // Stop when no path or the cheapest path does not improve the objective. The final shift keeps reduced
                // costs non-negative and makes the source and sink potentials equal (the optimality certificate).
                var shift = reached && pathCost < 0 ? dist[sink] : p[source] - p[sink];
                for (var v = 0; v < nodeCount; v++) p[v] += done[v] ? Math.Min(dist[v], shift) : shift;
                if (!reached || pathCost >= 0) return;
                for (var v = sink; v != source; v = toA[parentArc[v] ^ 1])
                {
                    capA[parentArc[v]]--;
                    capA[parentArc[v] ^ 1]++;
                }
            }
        }

        /// <summary>Raises each placed cadre's potential so its used arc has reduced cost 0 (still feasible: the cadre's only residual in-arc is that arc's reverse).</summary>
        public void MakeUsedArcsTight(long[] p, int firstCadre, int cadreCount)
        {
            for (var c = firstCadre; c < firstCadre + cadreCount; c++)
            {
                for (var e = head[c]; e >= 0; e = nextA[e])
                {
                    if ((e & 1) == 0 && originalCapacity[e] > 0 && capA[e] == 0 && toA[e] != 0)
                    {
                        p[c] = p[toA[e]] - costA[e];
                    }
                }
            }
        }
    }
}
