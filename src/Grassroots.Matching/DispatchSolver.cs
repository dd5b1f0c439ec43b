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
/// cadre (supply 1) → village slot groups (first secretary: capacity 1, eligible cadres only; speaker: capacity 1,
/// speakers only; other members: members − needs_speaker) → sink, plus a cost-0 "not placed" arc from each cadre to the
/// sink. A first-secretary arc costs cost − A − B, a member arc cost − B, with B greater than any plan's total cost and
/// A ≥ B × (slots + 1), so the minimum-cost flow maximises first secretaries, then filled slots, then minimises cost.
/// </summary>
/// <remarks>
/// Successive shortest augmenting paths, one cadre at a time (as in the Hungarian method): Dijkstra on reduced costs
/// with Johnson potentials finds the cadre's cheapest augmenting path to the sink; the "not placed" arc is the path of
/// cost 0, so a cadre is placed (possibly moving others) exactly when the cheapest augmenting path has negative cost.
/// The final potentials give the dual prices returned with the plan.
/// </remarks>
public static class DispatchSolver
{
    /// <summary>Computes the weights (A, B) that make the weighted optimum the lexicographic optimum.</summary>
    /// <exception cref="DispatchTooLargeException">The weights do not fit in 64 bits.</exception>
    public static (long FirstSecretaryWeight, long SlotWeight) Weights(DispatchInstance instance)
    {
        var worst = new long[instance.Cadres.Count];
        for (var c = 0; c < instance.Cadres.Count; c++)
        {
            for (var v = 0; v < instance.Villages.Count; v++)
            {
                if (instance.IsAllowed(c, v)) worst[c] = Math.Max(worst[c], instance.Cost(c, v));
            }
        }
        return Weights(worst, instance.TotalSlots);
    }

    static (long, long) Weights(long[] worstPerCadre, int totalSlots)
    {
        try
        {
            long sumOfWorst = 0;
            foreach (var w in worstPerCadre) sumOfWorst = checked(sumOfWorst + w);
            var b = checked(sumOfWorst + 1);
            var a = checked(b * (totalSlots + 1L));
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
        var villages = instance.Villages;
        int cadreCount = instance.Cadres.Count, villageCount = villages.Count;
        // Slot groups per village: 3v = first secretary, 3v+1 = speaker, 3v+2 = other members.
        var slotCount = 3 * villageCount;
        var capacity = new int[slotCount];
        for (var v = 0; v < villageCount; v++)
        {
            var speaker = villages[v].NeedsSpeaker ? 1 : 0;
            capacity[3 * v] = 1;
            capacity[3 * v + 1] = speaker;
            capacity[3 * v + 2] = villages[v].Members - speaker;
        }

        // Allowed pairs, their real costs, and the worst cost per cadre.
        var pairStart = new int[cadreCount + 1];
        var pairVillage = new List<int>();
        var pairCost = new List<long>();
        var worst = new long[cadreCount];
        for (var c = 0; c < cadreCount; c++)
        {
            pairStart[c] = pairVillage.Count;
            for (var v = 0; v < villageCount; v++)
            {
                if (!instance.IsAllowed(c, v)) continue;
                var cost = instance.Cost(c, v);
                pairVillage.Add(v);
                pairCost.Add(cost);
                worst[c] = Math.Max(worst[c], cost);
            }
        }
        pairStart[cadreCount] = pairVillage.Count;
        var (a, b) = Weights(worst, instance.TotalSlots);

        // Arcs cadre → slot group, in compressed rows.
        var arcStart = new int[cadreCount + 1];
        var arcSlot = new List<int>();
        var arcCost = new List<long>();
        long largest = 0;
        for (var c = 0; c < cadreCount; c++)
        {
            arcStart[c] = arcSlot.Count;
            var cadre = instance.Cadres[c];
            for (var i = pairStart[c]; i < pairStart[c + 1]; i++)
            {
                var v = pairVillage[i];
                var member = pairCost[i] - b;
                if (cadre.FirstSecretaryEligible) { arcSlot.Add(3 * v); arcCost.Add(member - a); }
                if (cadre.Speaker && capacity[3 * v + 1] > 0) { arcSlot.Add(3 * v + 1); arcCost.Add(member); }
                if (capacity[3 * v + 2] > 0) { arcSlot.Add(3 * v + 2); arcCost.Add(member); }
                largest = Math.Max(largest, Math.Max(a + b, pairCost[i]));
            }
        }
        arcStart[cadreCount] = arcSlot.Count;
        try
        {
            // The sink's potential rises by at most the largest arc cost per entering cadre, and potentials differ by at
            // most a path length (number of nodes × largest arc cost); distances stay within the same bound.
            _ = checked(checked(largest * 2 + 2) * (2L * cadreCount + slotCount + 2L) * 4);
        }
        catch (OverflowException)
        {
            throw new DispatchTooLargeException("实例过大：最短路的长度超出 64 位整数范围，无法求解。");
        }

        var network = new Network(cadreCount, capacity, arcStart, [.. arcSlot], [.. arcCost]);
        for (var c = 0; c < cadreCount; c++) network.Place(c);
        var (cadrePrice, slotPrice) = network.Prices();

        // Read the plan and the prices.
        var placements = new List<(int Village, int Order, Placement P)>();
        var cadrePrices = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var c = 0; c < cadreCount; c++)
        {
            cadrePrices[instance.Cadres[c].Id] = cadrePrice[c];
            var slot = network.SlotOf(c);
            if (slot < 0) continue;
            var v = slot / 3;
            var first = slot % 3 == 0;
            placements.Add((v, first ? 0 : 1, new Placement(instance.Cadres[c].Id, villages[v].Id, first ? SlotKind.FirstSecretary : SlotKind.Member)));
        }
        var fsPrices = new Dictionary<string, long>(StringComparer.Ordinal);
        var speakerPrices = new Dictionary<string, long>(StringComparer.Ordinal);
        var memberPrices = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var v = 0; v < villageCount; v++)
        {
            fsPrices[villages[v].Id] = slotPrice[3 * v];
            if (villages[v].NeedsSpeaker) speakerPrices[villages[v].Id] = slotPrice[3 * v + 1];
            memberPrices[villages[v].Id] = slotPrice[3 * v + 2];
        }
        var plan = new DispatchPlan(placements.OrderBy(p => p.Village).ThenBy(p => p.Order).Select(p => p.P).ToList());
        return new DispatchSolution(plan, plan.Evaluate(instance), new DispatchPrices(a, b, cadrePrices, fsPrices, speakerPrices, memberPrices));
    }

    /// <summary>
    /// The residual network, specialised: nodes are cadres (0..C−1), slot groups (C..C+K−1) and the sink (C+K). Residual
    /// arcs: cadre → slot group (not the one it holds), cadre → sink (when placed: "leave"), slot group → sink (when not
    /// full), slot group → each occupant (undoing its placement).
    /// </summary>
    sealed class Network(int cadreCount, int[] capacity, int[] arcStart, int[] arcSlot, long[] arcCost)
    {
        const int NotPlaced = -1;
        readonly int sink = cadreCount + capacity.Length;
        readonly long[] potential = new long[cadreCount + capacity.Length + 1];
        readonly int[] slotOf = Enumerable.Repeat(NotPlaced, cadreCount).ToArray();
        readonly long[] heldCost = new long[cadreCount];
        readonly List<int>[] occupants = capacity.Select(_ => new List<int>()).ToArray();
        readonly long[] dist = Enumerable.Repeat(long.MaxValue, cadreCount + capacity.Length + 1).ToArray();
        readonly int[] parent = new int[cadreCount + capacity.Length + 1];
        readonly long[] parentCost = new long[cadreCount + capacity.Length + 1];
        readonly bool[] done = new bool[cadreCount + capacity.Length + 1];
        readonly List<int> touched = [];
        readonly PriorityQueue<int, long> queue = new();

        /// <summary>The slot group the cadre holds, or −1 when not placed.</summary>
        public int SlotOf(int cadre) => slotOf[cadre];

        /// <summary>Adds the cadre's unit of supply along its cheapest augmenting path (possibly the "not placed" arc).</summary>
        public void Place(int c0)
        {
            // Entering cadre: the smallest potential keeping its outgoing arcs' reduced costs non-negative (it has no
            // incoming residual arc yet).
            var p0 = potential[sink];
            for (var e = arcStart[c0]; e < arcStart[c0 + 1]; e++) p0 = Math.Max(p0, potential[cadreCount + arcSlot[e]] - arcCost[e]);
            potential[c0] = p0;

            foreach (var n in touched) { dist[n] = long.MaxValue; done[n] = false; }
            touched.Clear();
            dist[c0] = 0;
            touched.Add(c0);
            queue.Clear();
            queue.Enqueue(c0, 0);
            while (queue.TryDequeue(out var u, out var d))
            {
                if (done[u] || d != dist[u]) continue;
                done[u] = true;
                if (u == sink) break;
                if (u < cadreCount)
                {
                    var held = slotOf[u];
                    for (var e = arcStart[u]; e < arcStart[u + 1]; e++)
                    {
                        var k = arcSlot[e];
                        if (k == held) continue;
                        Relax(u, cadreCount + k, d + arcCost[e] + potential[u] - potential[cadreCount + k], arcCost[e]);
                    }
                    // Leaving unplaced: the entering cadre's own choice, or a placed cadre making room.
                    if (held != NotPlaced || u == c0) Relax(u, sink, d + potential[u] - potential[sink], 0);
                }
                else
                {
                    var k = u - cadreCount;
                    if (occupants[k].Count < capacity[k]) Relax(u, sink, d + potential[u] - potential[sink], 0);
                    foreach (var c in occupants[k]) Relax(u, c, d - heldCost[c] + potential[u] - potential[c], -heldCost[c]);
                }
            }
            var total = dist[sink];
            // Johnson update: reduced costs stay non-negative and arcs on the path become 0.
            for (var n = 0; n < potential.Length; n++)
            {
                if (n < cadreCount && n > c0) continue; // cadres not yet entered get their potential on entry
                potential[n] += done[n] ? Math.Min(dist[n], total) : total;
            }
            // Apply the path from the sink back to the entering cadre.
            for (var v = sink; v != c0;)
            {
                var u = parent[v];
                if (u < cadreCount)
                {
                    if (v == sink) slotOf[u] = NotPlaced;
                    else
                    {
                        slotOf[u] = v - cadreCount;
                        heldCost[u] = parentCost[v];
                        occupants[v - cadreCount].Add(u);
                    }
                }
                else if (v != sink)
                {
                    occupants[u - cadreCount].Remove(v);
                }
                v = u;
            }
        }

        void Relax(int from, int to, long d, long cost)
        {
            if (done[to] || d >= dist[to]) return;
            if (dist[to] == long.MaxValue) touched.Add(to);
            dist[to] = d;
            parent[to] = from;
            parentCost[to] = cost;
            queue.Enqueue(to, d);
        }

        /// <summary>
        /// Dual prices from the potentials: a placed cadre's price is p(cadre) − p(sink) after making its arc tight; a slot
        /// group's price is max(0, p(sink) − p(slot)).
        /// </summary>
        public (long[] Cadres, long[] Slots) Prices()
        {
            var cadres = new long[cadreCount];
            for (var c = 0; c < cadreCount; c++)
            {
                // Raise the cadre's potential until its held arc (or its "not placed" arc) has reduced cost 0; its only
                // incoming residual arc is that arc's reverse, so every reduced cost stays non-negative.
                var p = slotOf[c] == NotPlaced ? potential[sink] : potential[cadreCount + slotOf[c]] - heldCost[c];
                cadres[c] = p - potential[sink];
            }
            var slots = new long[capacity.Length];
            for (var k = 0; k < capacity.Length; k++) slots[k] = Math.Max(0, potential[sink] - potential[cadreCount + k]);
            return (cadres, slots);
        }
    }
}
