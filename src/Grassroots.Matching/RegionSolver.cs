using System.Runtime.CompilerServices;

namespace Grassroots.Matching;

/// <summary>
/// Solves one dispatch region: cadre classes → hubs (unit, slot kind, village line) → village slot groups → sink, on a
/// sparse network grown by pricing every dense pair with the simplex's dual prices until none improves the plan.
/// </summary>
sealed class RegionSolver
{
    const int Fs = 0, Speaker = 1, Member = 2;
    /// <summary>Villages each unit starts with, at least.</summary>
    const int MinimumCandidates = 48;
    /// <summary>How much first-secretary and member room a unit claims when flooding, relative to its cadres.</summary>
    const double FloodFs = 1.2, FloodMembers = 1.2;
    /// <summary>Improving pairs added per class and pricing round, the most improving first.</summary>
    const int AddedPerClass = 8;
    /// <summary>Improving pairs added per slot group and pricing round, the most improving first.</summary>
    const int AddedPerGroup = 4;
    /// <summary>Village lines (a village never has the line "other").</summary>
    const int VillageLines = 5;
    /// <summary>Hubs of a unit: one per slot kind and village line.</summary>
    const int HubsPerUnit = 3 * VillageLines;

    readonly DispatchSolver.Model model;
    readonly DispatchInstance instance;
    readonly DispatchSolver.Region region;

    // Villages of the region (local index j).
    readonly int[] villages;
    readonly double[] vx, vy, vz;
    readonly int[] vCounty;
    readonly byte[] vLine;
    readonly int[] capacity;      // 3j + kind
    readonly int slotTotal;

    // Units of the region with free cadres (local index k) and their classes.
    readonly int[] units;
    readonly double[] ux, uy, uz;
    readonly int[] uCounty;
    readonly int[] classStart;    // classes of unit k: classStart[k] .. classStart[k+1]−1

    // Classes.
    readonly int classCount;
    readonly int[] classUnit;     // local unit
    readonly byte[] classLine;
    readonly bool[] classFs, classSpeaker;
    readonly int[] classSize;
    readonly HashSet<int>?[] classForbidden; // global village indices
    readonly int[][] classCadres;

    readonly VillageCells cells;
    /// <summary>
    /// Distance costs from unit k to the villages of each cell (at k × cells + cell, in the cell's order of
    /// <see cref="VillageCells.Village"/>), computed when first needed (−1 until then), so later pricing rounds pay no
    /// trigonometry twice.
    /// </summary>
    readonly int[]?[] cellDistances;

    long a, b;
    /// <summary>The largest cost of any allowed pair of the region (an upper bound), for the staged costs of the warm start.</summary>
    long largestPairCost;
    /// <summary>Per pricing worker, the best columns of each slot group (kept from round to round).</summary>
    GroupBest[] groupBest = [];

    // Incremental pricing: the prices of the last pricing round, and per unit and village cell an upper bound on the gain
    // of every pair of the unit with a village of the cell at those prices (long.MinValue: the cell holds no allowed pair).
    long[]? pricedClass, pricedHub, pricedGroup, cellBound;

    public RegionSolver(DispatchSolver.Model model, DispatchSolver.Region region, bool? warmStart = null, NetworkSimplex.Spares? spares = null)
    {
        this.warmStart = warmStart ?? WarmStartsForced ?? region.Cadres.Count >= WarmStartFrom;
        this.spares = spares;
        this.model = model;
        instance = model.Instance;
        this.region = region;

        villages = [.. region.Villages];
        var n = villages.Length;
        vx = new double[n]; vy = new double[n]; vz = new double[n];
        vCounty = new int[n];
        vLine = new byte[n];
        capacity = new int[3 * n];
        for (var j = 0; j < n; j++)
        {
            var v = villages[j];
            var village = instance.Villages[v];
            (vx[j], vy[j], vz[j]) = DispatchSolver.UnitVector(village.Latitude, village.Longitude);
            vCounty[j] = model.VillageCounty[v];
            vLine[j] = (byte)village.Line;
            capacity[3 * j + Fs] = model.FsCap[v];
            capacity[3 * j + Speaker] = model.SpeakerCap[v];
            capacity[3 * j + Member] = model.MemberCap[v];
            slotTotal += model.FsCap[v] + model.SpeakerCap[v] + model.MemberCap[v];
        }

        // Classes: cadres of one unit with the same line, eligibility and language have identical rows; a cadre with
        // forbidden pairs is a class of its own.
        var byUnit = new SortedDictionary<int, List<int>>();
        foreach (var c in region.Cadres)
        {
            var u = instance.UnitIndexOf(c);
            if (!byUnit.TryGetValue(u, out var list)) byUnit[u] = list = [];
            list.Add(c);
        }
        units = [.. byUnit.Keys];
        ux = new double[units.Length]; uy = new double[units.Length]; uz = new double[units.Length];
        uCounty = new int[units.Length];
        classStart = new int[units.Length + 1];
        var cUnit = new List<int>();
        var cLine = new List<byte>();
        var cFs = new List<bool>();
        var cSpeaker = new List<bool>();
        var cForbidden = new List<HashSet<int>?>();
        var cCadres = new List<int[]>();
        var k = 0;
        foreach (var (u, cadres) in byUnit)
        {
            var unit = instance.Units[u];
            (ux[k], uy[k], uz[k]) = DispatchSolver.UnitVector(unit.Latitude, unit.Longitude);
            uCounty[k] = model.UnitCounty[u];
            classStart[k] = cUnit.Count;
            var groups = new Dictionary<int, List<int>>();
            foreach (var c in cadres)
            {
                var cadre = instance.Cadres[c];
                if (model.Forbidden.TryGetValue(c, out var banned))
                {
                    cUnit.Add(k); cLine.Add((byte)cadre.Line); cFs.Add(cadre.FirstSecretaryEligible); cSpeaker.Add(cadre.Speaker);
                    cForbidden.Add(banned); cCadres.Add([c]);
                    continue;
                }
                var key = (int)cadre.Line * 4 + (cadre.FirstSecretaryEligible ? 2 : 0) + (cadre.Speaker ? 1 : 0);
                if (!groups.TryGetValue(key, out var g)) groups[key] = g = [];
                g.Add(c);
            }
            foreach (var (key, g) in groups.OrderBy(p => p.Key))
            {
                cUnit.Add(k); cLine.Add((byte)(key / 4)); cFs.Add((key & 2) != 0); cSpeaker.Add((key & 1) != 0);
                cForbidden.Add(null); cCadres.Add([.. g]);
            }
            k++;
        }
        classStart[units.Length] = cUnit.Count;
        classCount = cUnit.Count;
        classUnit = [.. cUnit];
        classLine = [.. cLine];
        classFs = [.. cFs];
        classSpeaker = [.. cSpeaker];
        classForbidden = [.. cForbidden];
        classCadres = [.. cCadres];
        classSize = classCadres.Select(x => x.Length).ToArray();
        cells = new VillageCells(this);
        cellDistances = new int[]?[units.Length * cells.Count];
    }

    /// <summary>
    /// The distance cost from unit k to the village at position x of the cells' order, x in <paramref name="cell"/>.
    /// Remembered per unit and cell, a cell's list made when the pricing first computes an exact distance there (about
    /// one cell in twenty per unit at nation scale; a list over all the region's villages per unit was 98 % unused).
    /// </summary>
    long DistanceAt(int k, int cell, int x)
    {
        ref var list = ref cellDistances[k * cells.Count + cell];
        if (list is null)
        {
            list = new int[cells.Start[cell + 1] - cells.Start[cell]];
            Array.Fill(list, -1);
        }
        var i = x - cells.Start[cell];
        if (list[i] >= 0) return list[i];
        var d = instance.DistanceCost(units[k], villages[cells.Village[x]]);
        if (d <= int.MaxValue) list[i] = (int)d;
        return d;
    }

    double Chord(int k, int j)
    {
        double dx = ux[k] - vx[j], dy = uy[k] - vy[j], dz = uz[k] - vz[j];
        return Math.Sqrt(dx * dx + dy * dy + dz * dz);
    }

    /// <summary>The weights: B above any plan's total cost (each cadre at its worst allowed village), A ≥ B × (slots + 1).</summary>
    public DispatchWeights ComputeWeights()
    {
        var worst = new long[units.Length];
        Parallel.For(0, units.Length, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (k) =>
        {
            // The farthest allowed village: first a lower bound from one village per cell, then only the cells whose
            // farthest point lies beyond it.
            double far = -1;
            for (var cell = 0; cell < cells.Count; cell++)
            {
                var j = cells.Village[cells.Start[cell]];
                if (vCounty[j] != uCounty[k]) far = Math.Max(far, Chord(k, j));
            }
            for (var cell = 0; cell < cells.Count; cell++)
            {
                if (cells.ChordAtMost(cell, ux[k], uy[k], uz[k]) <= far) continue;
                for (var x = cells.Start[cell]; x < cells.Start[cell + 1]; x++)
                {
                    var j = cells.Village[x];
                    if (vCounty[j] != uCounty[k]) far = Math.Max(far, Chord(k, j));
                }
            }
            worst[k] = far < 0 ? 0 : instance.MismatchCost + DispatchInstance.RoundHalfAwayFromZero(instance.PerKmCost * DispatchSolver.KilometresAtMost(far)) + 1;
        });
        try
        {
            long sum = 0;
            largestPairCost = worst.Length == 0 ? 0 : worst.Max();
            for (var c = 0; c < classCount; c++) sum = checked(sum + checked(worst[classUnit[c]] * classSize[c]));
            b = checked(sum + 1);
            a = checked(b * (slotTotal + 1L));
            // Potentials are sums along tree paths: at most (nodes) × the largest arc cost.
            _ = checked(checked(a + b) * (classCount + (long)units.Length * HubsPerUnit + 3L * villages.Length + 2) * 4);
        }
        catch (OverflowException)
        {
            throw new DispatchTooLargeException($"实例过大：区域 {region.Name} 的代价或名额使字典序目标的权重超出 64 位整数范围，无法求解。");
        }
        return new DispatchWeights(a, b);
    }

    long Worth(int kind) => kind == Fs ? a + b : b;

    bool Eligible(int cls, int kind) => kind switch { Fs => classFs[cls], Speaker => classSpeaker[cls], _ => true };

    long Mismatch(int cls, int j) =>
        DispatchInstance.Mismatches((WorkLine)classLine[cls], (WorkLine)vLine[j]) ? instance.MismatchCost : 0;

    static readonly bool Trace = Environment.GetEnvironmentVariable("GRASSROOTS_DISPATCH_TRACE") == "1";
    /// <summary>
    /// Whether the region starts from predicted columns and a cost-scaling flow rather than from the flood alone and nobody
    /// placed, when the caller does not say:
    /// <c>GRASSROOTS_DISPATCH_WARM=1</c> or <c>0</c> forces it on or off (to compare), otherwise regions of at least
    /// <see cref="WarmStartFrom"/> cadres start warm (ADR 0004, second amendment).
    /// </summary>
    internal static readonly bool? WarmStartsForced = Environment.GetEnvironmentVariable("GRASSROOTS_DISPATCH_WARM") switch { "1" => true, "0" => false, _ => null };
    /// <summary>Regions this large start warm by default; below, the cold start is faster (a prefecture: 12 against 22 ms).</summary>
    internal const int WarmStartFrom = 5_000;
    /// <summary>The warm start's flow is within this much per node of the staged optimum (unscaled costs).</summary>
    const long WarmEpsilon = 5;
    readonly bool warmStart;
    /// <summary>The solve's arc arrays given back by regions already solved.</summary>
    readonly NetworkSimplex.Spares? spares;
    /// <summary>
    /// The warm start's first ε when its prices come from the coarse plan (phases ε = 42, 5 instead of 339, 42, 5 from
    /// zero prices). Nation: 9.3 million pushes and 9.9 million relabels instead of 22.2 and 23.2 million, 0.8 % more
    /// pivots; province: 1.41 and 2.08 million instead of 2.05 and 2.23 million. Seeded prices with their own first ε
    /// (94, from a few arcs' worst violation) gave no gain, nor did a first ε of 42 from zero prices.
    /// </summary>
    const long SeededFirstEpsilon = 42;

    static readonly System.Diagnostics.Stopwatch Since = System.Diagnostics.Stopwatch.StartNew();
    void Log(System.Diagnostics.Stopwatch watch, string what)
    {
        if (Trace) Console.Error.WriteLine(FormattableString.Invariant($"[{region.Name}] {watch.Elapsed.TotalMilliseconds,8:F1} ms (at {Since.Elapsed.TotalSeconds:F2} s, processor {System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds:F3} s) {what}"));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public DispatchWeights Solve(int[] slotOf, long[] cadrePrices, long[] fsPrices, long[] speakerPrices, long[] memberPrices)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var weights = ComputeWeights();
        Log(watch, $"weights; {classCount} classes, {units.Length} units, {villages.Length} villages");
        var n = villages.Length;

        // Nodes: classes 0..C−1, then hubs, then slot groups; the sink is the root. A hub (unit, kind, village line)
        // gathers the unit's ordinary classes that may fill that kind of slot, each paying its mismatch with the line on
        // the way in, and sends them on to the villages of that line at the distance cost: one arc per unit, village and
        // kind instead of one per class. Classes with forbidden pairs go straight to the slot groups.
        var hubNode = new int[units.Length * HubsPerUnit];
        Array.Fill(hubNode, -1);
        var nodeCount = classCount;
        for (var c = 0; c < classCount; c++)
        {
            if (classForbidden[c] is not null) continue;
            var k = classUnit[c];
            for (var kind = 0; kind < 3; kind++)
            {
                if (!Eligible(c, kind)) continue;
                for (var line = 0; line < VillageLines; line++)
                {
                    ref var h = ref hubNode[k * HubsPerUnit + kind * VillageLines + line];
                    if (h < 0) h = nodeCount++;
                }
            }
        }
        var firstGroupNode = nodeCount;
        var groupNode = new int[3 * n];
        for (var g = 0; g < 3 * n; g++) groupNode[g] = capacity[g] > 0 ? nodeCount++ : -1;
        var groupOfNode = new int[nodeCount - firstGroupNode];
        for (var g = 0; g < 3 * n; g++) if (groupNode[g] >= 0) groupOfNode[groupNode[g] - firstGroupNode] = g;
        var hubOfNode = new int[firstGroupNode - classCount];
        for (var i = 0; i < hubNode.Length; i++) if (hubNode[i] >= 0) hubOfNode[hubNode[i] - classCount] = i;

        var simplex = new NetworkSimplex(nodeCount, nodeCount * 8, spares);
        var sink = simplex.Root;
        var rootArc = new int[nodeCount];
        var supply = new long[nodeCount];
        for (var c = 0; c < classCount; c++)
        {
            rootArc[c] = simplex.AddArc(c, sink, NetworkSimplex.Infinite, 0);
            supply[c] = classSize[c];
        }
        // A hub's own arc to the sink is a longer way of leaving its cadres unplaced (it costs their mismatch), never
        // better than the class's own; it only lets the hub start in the tree.
        for (var node = classCount; node < firstGroupNode; node++) rootArc[node] = simplex.AddArc(node, sink, NetworkSimplex.Infinite, 0);
        for (var g = 0; g < 3 * n; g++)
        {
            if (groupNode[g] >= 0) rootArc[groupNode[g]] = simplex.AddArc(groupNode[g], sink, capacity[g], 0);
        }
        var firstHubArc = simplex.ArcCount;
        for (var c = 0; c < classCount; c++)
        {
            if (classForbidden[c] is not null) continue;
            var k = classUnit[c];
            for (var kind = 0; kind < 3; kind++)
            {
                if (!Eligible(c, kind)) continue;
                for (var line = 0; line < VillageLines; line++)
                {
                    var mismatch = DispatchInstance.Mismatches((WorkLine)classLine[c], (WorkLine)line) ? instance.MismatchCost : 0;
                    simplex.AddArc(c, hubNode[k * HubsPerUnit + kind * VillageLines + line], NetworkSimplex.Infinite, mismatch);
                }
            }
        }
        var firstPlacementArc = simplex.ArcCount;
        simplex.Start(rootArc, supply);

        // Initial network: for each unit, its nearest villages and the villages it claims when all units flood outwards
        // together (see Flood).
        // The coarse plan does not depend on the flood: on a warm start both run at once, one per core.
        int[][] candidates = [];
        HashSet<int>[]? predicted = null;
        if (warmStart) Parallel.Invoke(() => candidates = Flood(), () => predicted = Predicted());
        else candidates = Flood();
        Log(watch, "flood");
        if (predicted is not null) candidates = WithPredicted(candidates, predicted);
        var distance = new long[units.Length][];
        Parallel.For(0, units.Length, k => distance[k] = candidates[k].Select(j => instance.DistanceCost(units[k], villages[j])).ToArray());
        void AddCandidates()
        {
            for (var k = 0; k < units.Length; k++)
            {
                for (var i = 0; i < candidates[k].Length; i++)
                {
                    var j = candidates[k][i];
                    for (var kind = 0; kind < 3; kind++)
                    {
                        var node = groupNode[3 * j + kind];
                        var hub = hubNode[k * HubsPerUnit + kind * VillageLines + vLine[j]];
                        if (node >= 0 && hub >= 0) simplex.AddArc(hub, node, NetworkSimplex.Infinite, distance[k][i] - Worth(kind));
                    }
                }
                for (var c = classStart[k]; c < classStart[k + 1]; c++)
                {
                    if (classForbidden[c] is not { } banned) continue;
                    for (var i = 0; i < candidates[k].Length; i++)
                    {
                        var j = candidates[k][i];
                        if (banned.Contains(villages[j])) continue;
                        var cost = distance[k][i] + Mismatch(c, j);
                        for (var kind = 0; kind < 3; kind++)
                        {
                            var node = groupNode[3 * j + kind];
                            if (node >= 0 && Eligible(c, kind)) simplex.AddArc(c, node, NetworkSimplex.Infinite, cost - Worth(kind));
                        }
                    }
                }
            }
            Log(watch, $"candidates added: {nodeCount} nodes, {simplex.ArcCount} arcs");
        }

        // Solve, price every dense pair, add the improving ones, repeat.
        var classPrice = new long[classCount];
        var hubPrice = new long[hubNode.Length];
        var groupPrice = new long[3 * n];
        TimeSpan simplexTime = default, potentialTime = default, pricingTime = default, pricingCpu = default, simplexCpu = default, warmTime = default, warmCpu = default;
        var rounds = 0;
        void SolveAndPrice()
        {
            while (true)
            {
                var stage = watch.Elapsed;
                var before = Trace ? System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime : default;
                simplex.Solve();
                simplexTime += watch.Elapsed - stage;
                if (Trace) simplexCpu += System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - before;
                Log(watch, $"simplex: {simplex.Pivots} pivots so far, {simplex.ArcCount} arcs");
                stage = watch.Elapsed;
                var potential = simplex.LargestPotentials();
                potentialTime += watch.Elapsed - stage;
                Log(watch, "largest potentials");
                stage = watch.Elapsed;
                var cpu = Trace ? System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime : default;
                rounds++;
                for (var c = 0; c < classCount; c++) classPrice[c] = potential[c];
                for (var h = 0; h < hubNode.Length; h++) hubPrice[h] = hubNode[h] >= 0 ? potential[hubNode[h]] : long.MaxValue;
                for (var g = 0; g < 3 * n; g++) groupPrice[g] = groupNode[g] >= 0 ? Math.Max(0, -potential[groupNode[g]]) : 0;
                var improving = Price(classPrice, hubPrice, groupPrice, groupNode);
                pricingTime += watch.Elapsed - stage;
                if (Trace) pricingCpu += System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpu;
                Log(watch, $"pricing: {improving.Count} improving pairs");
                if (improving.Count == 0) break;
                foreach (var (from, j, kind, cost) in improving)
                {
                    var node = from >= 0 ? from : hubNode[~from];
                    simplex.AddArc(node, groupNode[3 * j + kind], NetworkSimplex.Infinite, cost - Worth(kind));
                }
            }
        }

        // The warm start: a near-optimal flow on the starting network at small staged costs — every placement worth the
        // same W above the largest pair cost, a first secretary 2W — found by cost scaling, then turned into a strongly
        // feasible tree for the simplex, which finishes on the true weights and goes on with the pricing rounds.
        void WarmStart()
        {
            var stage = watch.Elapsed;
            var cpu = Trace ? System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime : default;
            long total = 0;
            for (var c = 0; c < classCount; c++) total += classSize[c];
            var supplies = new long[nodeCount + 1];
            for (var c = 0; c < classCount; c++) supplies[c] = classSize[c];
            supplies[sink] = -total;
            var softB = largestPairCost + 1;
            var scaling = new CostScaling(supplies, 1, WarmEpsilon);
            long SoftCost(int e)
            {
                var t = simplex.Target(e);
                var arcCost = simplex.Cost(e);
                if (t < firstGroupNode || t == sink) return arcCost;
                var kind = groupOfNode[t - firstGroupNode] % 3;
                return arcCost + Worth(kind) - (kind == Fs ? 2 * softB : softB);
            }
            // Tight capacities keep the scaling's saturating pushes small: no arc carries more than its tail can receive
            // (a class its size, a hub its classes' sizes) or its head can pass on (a slot group its capacity).
            var bound = new long[nodeCount + 1];
            Array.Fill(bound, total);
            for (var c = 0; c < classCount; c++) bound[c] = classSize[c];
            var hubIn = new long[nodeCount + 1];
            for (var e = firstHubArc; e < firstPlacementArc; e++) hubIn[simplex.Target(e)] += classSize[simplex.Source(e)];
            for (var node = classCount; node < firstGroupNode; node++) bound[node] = hubIn[node];
            for (var e = 0; e < simplex.ArcCount; e++)
            {
                int from = simplex.Source(e), to = simplex.Target(e);
                var cap = Math.Min(simplex.Capacity(e), bound[from]);
                if (to >= firstGroupNode && to != sink) cap = Math.Min(cap, capacity[groupOfNode[to - firstGroupNode]]);
                // A hub's own arc to the sink is never better than its classes' own; the scaling leaves it out.
                if (to == sink && from >= classCount && from < firstGroupNode) cap = 0;
                scaling.AddArc(from, to, cap, SoftCost(e));
            }
            // Seeded with the coarse plan's prices (a unit's cadres and hubs take their pool's, a slot group its cell's),
            // the first phase starts at a smaller ε than the worst violation they leave, which a few arcs set.
            void Seed(CostScaling into)
            {
                if (seedPoolPrice is null || seedCellPrice is null) return;
                var cellOfVillage = new int[n];
                for (var i = 0; i < cells.Count; i++) for (var x = cells.Start[i]; x < cells.Start[i + 1]; x++) cellOfVillage[cells.Village[x]] = i;
                var seeded = new long[nodeCount + 1];
                for (var c = 0; c < classCount; c++) seeded[c] = seedPoolPrice[2 * classUnit[c] + (classFs[c] ? 0 : 1)];
                for (var node = classCount; node < firstGroupNode; node++) seeded[node] = long.MaxValue;
                for (var e = firstHubArc; e < firstPlacementArc; e++)
                {
                    int c = simplex.Source(e), h = simplex.Target(e);
                    seeded[h] = Math.Min(seeded[h], seeded[c] + simplex.Cost(e));
                }
                for (var node = classCount; node < firstGroupNode; node++) if (seeded[node] == long.MaxValue) seeded[node] = 0;
                for (var g = firstGroupNode; g < nodeCount; g++)
                {
                    var group = groupOfNode[g - firstGroupNode];
                    seeded[g] = seedCellPrice[2 * cellOfVillage[group / 3] + (group % 3 == Fs ? 0 : 1)];
                }
                seeded[sink] = seedSinkPrice;
                for (var v = 0; v <= nodeCount; v++) into.SetPrice(v, seeded[v]);
                into.FirstEpsilonAtMost = SeededFirstEpsilon;
            }
            Seed(scaling);
            scaling.Solve();
            Log(watch, $"warm start: cost scaling {scaling.ArcCount} arcs, {scaling.Pushes} pushes, {scaling.Relabels} relabels, {scaling.GlobalUpdates} global updates");
            var arcFlow = new long[simplex.ArcCount];
            for (var e = 0; e < arcFlow.Length; e++) arcFlow[e] = scaling.Flow(e);
            var cycles = simplex.StartFromFlow(rootArc, arcFlow);
            warmTime = watch.Elapsed - stage;
            if (Trace) warmCpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpu;
            Log(watch, $"warm start: tree from the flow, {cycles} cycles cancelled");
        }

        AddCandidates();
        if (warmStart) WarmStart();
        SolveAndPrice();

        // Read the flow. Each hub passes on the cadres its classes send it, in class order; each class's cadres, in
        // order, fill the groups its flow reaches.
        var next = new int[classCount];
        var hubInflow = new List<(int Class, long Count)>[firstGroupNode - classCount];
        for (var e = firstHubArc; e < firstPlacementArc; e++)
        {
            var f = simplex.Flow(e);
            if (f == 0) continue;
            var h = simplex.Target(e) - classCount;
            (hubInflow[h] ??= []).Add((simplex.Source(e), f));
        }
        var hubCursor = new int[hubInflow.Length];
        for (var e = firstPlacementArc; e < simplex.ArcCount; e++)
        {
            var f = simplex.Flow(e);
            if (f == 0) continue;
            var from = simplex.Source(e);
            var g = groupOfNode[simplex.Target(e) - firstGroupNode];
            var slot = 3 * villages[g / 3] + g % 3;
            if (from < classCount)
            {
                for (var i = 0; i < f; i++) slotOf[classCadres[from][next[from]++]] = slot;
                continue;
            }
            var inflow = hubInflow[from - classCount];
            for (var i = 0; i < f; i++)
            {
                ref var cursor = ref hubCursor[from - classCount];
                while (inflow[cursor].Count == 0) cursor++;
                var c = inflow[cursor].Class;
                inflow[cursor] = (c, inflow[cursor].Count - 1);
                slotOf[classCadres[c][next[c]++]] = slot;
            }
        }
        var pivots = simplex.Pivots;
        simplex.Release();
        for (var c = 0; c < classCount; c++)
        {
            foreach (var cadre in classCadres[c]) cadrePrices[cadre] = classPrice[c];
        }
        for (var j = 0; j < n; j++)
        {
            fsPrices[villages[j]] = groupPrice[3 * j + Fs];
            speakerPrices[villages[j]] = groupPrice[3 * j + Speaker];
            memberPrices[villages[j]] = groupPrice[3 * j + Member];
        }
        Log(watch, FormattableString.Invariant(
            $"done: warm start {warmTime.TotalMilliseconds:F0} ms, {warmCpu.TotalMilliseconds:F0} ms of processor time; simplex {simplexTime.TotalMilliseconds:F0} ms, {simplexCpu.TotalMilliseconds:F0} ms of processor time ({pivots} pivots), potentials {potentialTime.TotalMilliseconds:F0} ms, pricing {pricingTime.TotalMilliseconds:F0} ms, {pricingCpu.TotalMilliseconds:F0} ms of processor time ({rounds} rounds)"));
        return weights;
    }

    /// <summary>
    /// Candidate villages per unit: its <see cref="MinimumCandidates"/> nearest allowed villages, plus those it claims when
    /// every unit, in turn, claims the next nearest village with room left (first-secretary room for its eligible cadres,
    /// member room for the others, a fifth more than it needs). Co-located units thus reach out as far as their numbers
    /// require, instead of all asking for the same few villages. Only the starting network depends on this.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    int[][] Flood()
    {
        var grid = new VillageGrid(this);
        var streams = new VillageGrid.Stream[units.Length];
        var needFs = new int[units.Length];
        var needMembers = new int[units.Length];
        var claimed = new List<int>[units.Length];
        for (var k = 0; k < units.Length; k++)
        {
            streams[k] = grid.Open(k);
            int eligible = 0, size = 0;
            for (var c = classStart[k]; c < classStart[k + 1]; c++)
            {
                size += classSize[c];
                if (classFs[c]) eligible += classSize[c];
            }
            needFs[k] = (int)Math.Ceiling(FloodFs * eligible);
            needMembers[k] = (int)Math.Ceiling(FloodMembers * (size - eligible));
            claimed[k] = [];
        }
        var roomFs = new int[villages.Length];
        var roomMembers = new int[villages.Length];
        for (var j = 0; j < villages.Length; j++)
        {
            roomFs[j] = capacity[3 * j + Fs];
            roomMembers[j] = capacity[3 * j + Speaker] + capacity[3 * j + Member];
        }
        var active = Enumerable.Range(0, units.Length).ToList();
        for (var step = 0; active.Count > 0; step++)
        {
            var still = 0;
            for (var a = 0; a < active.Count; a++)
            {
                var k = active[a];
                if (!streams[k].Next(out var j)) continue;
                var near = step < MinimumCandidates;
                var fs = Math.Min(needFs[k], roomFs[j]);
                var members = Math.Min(needMembers[k], roomMembers[j]);
                if (near || fs + members > 0) claimed[k].Add(j);
                needFs[k] -= fs; roomFs[j] -= fs;
                needMembers[k] -= members; roomMembers[j] -= members;
                if (near || needFs[k] + needMembers[k] > 0) active[still++] = k;
            }
            active.RemoveRange(still, active.Count - still);
        }
        return claimed.Select(l => l.ToArray()).ToArray();
    }

    /// <summary>
    /// The starting candidates plus the villages a coarse plan sends each unit to: units at one place and county pooled,
    /// villages pooled by cell (first-secretary and member room apart), distances to the cell's centre, staged costs as in
    /// the warm start, solved by cost scaling; each pool's flow to a cell is shared out among its units in turn, and each
    /// unit gets every allowed village of the cells it is given.
    /// </summary>
    const double PoolDegrees = 0.1;
    /// <summary>Villages of a cell a unit is given: its nearest, this many per cadre it sends there, and four more.</summary>
    const int PredictedPerCadre = 4;

    long[]? seedPoolPrice, seedCellPrice;
    long seedSinkPrice;

    HashSet<int>[] Predicted()
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        // Pools of units: same position and county.
        var poolOf = new int[units.Length];
        var pools = new Dictionary<(int, int, int), int>();
        var poolUnits = new List<List<int>>();
        for (var k = 0; k < units.Length; k++)
        {
            var unit = instance.Units[units[k]];
            var key = (uCounty[k], (int)Math.Floor(unit.Latitude / PoolDegrees), (int)Math.Floor(unit.Longitude / PoolDegrees));
            if (!pools.TryGetValue(key, out var p)) { pools[key] = p = poolUnits.Count; poolUnits.Add([]); }
            poolOf[k] = p;
            poolUnits[p].Add(k);
        }
        var poolCount = poolUnits.Count;
        var eligible = new long[units.Length];
        var others = new long[units.Length];
        for (var c = 0; c < classCount; c++)
        {
            if (classFs[c]) eligible[classUnit[c]] += classSize[c];
            else others[classUnit[c]] += classSize[c];
        }
        // Nodes: pool FS-eligible 2p, pool others 2p+1, cell FS 2P + 2i, cell members 2P + 2i + 1, sink.
        var cellCount = cells.Count;
        var nodes = 2 * poolCount + 2 * cellCount + 1;
        var sink = nodes - 1;
        var supplies = new long[nodes];
        for (var k = 0; k < units.Length; k++) { supplies[2 * poolOf[k]] += eligible[k]; supplies[2 * poolOf[k] + 1] += others[k]; }
        long total = 0;
        for (var i = 0; i < nodes - 1; i++) total += supplies[i];
        supplies[sink] = -total;
        var softB = largestPairCost + 1;
        var scaling = new CostScaling(supplies, 1, WarmEpsilon);
        for (var p = 0; p < poolCount; p++)
        {
            scaling.AddArc(2 * p, sink, supplies[2 * p], 0);
            scaling.AddArc(2 * p + 1, sink, supplies[2 * p + 1], 0);
        }
        for (var i = 0; i < cellCount; i++)
        {
            long fs = 0, members = 0;
            for (var x = cells.Start[i]; x < cells.Start[i + 1]; x++) { var j = cells.Village[x]; fs += capacity[3 * j + Fs]; members += capacity[3 * j + Speaker] + capacity[3 * j + Member]; }
            scaling.AddArc(2 * poolCount + 2 * i, sink, fs, 0);
            scaling.AddArc(2 * poolCount + 2 * i + 1, sink, members, 0);
        }
        var arcPool = new List<(int Pool, int Cell, bool FsSupply, bool FsSlot)>();
        var firstPairArc = scaling.ArcCount;
        var perKm = instance.PerKmCost;
        for (var p = 0; p < poolCount; p++)
        {
            var k0 = poolUnits[p][0];
            for (var i = 0; i < cellCount; i++)
            {
                long fs = 0, members = 0;
                for (var x = cells.Start[i]; x < cells.Start[i + 1]; x++)
                {
                    var j = cells.Village[x];
                    if (vCounty[j] == uCounty[k0]) continue;
                    fs += capacity[3 * j + Fs];
                    members += capacity[3 * j + Speaker] + capacity[3 * j + Member];
                }
                var (cx, cy, cz) = cells.Centre(i);
                double dx = ux[k0] - cx, dy = uy[k0] - cy, dz = uz[k0] - cz;
                var cost = (long)Math.Round(perKm * Math.Max(0, DispatchSolver.KilometresAtLeast(Math.Sqrt(dx * dx + dy * dy + dz * dz))));
                if (fs > 0 && supplies[2 * p] > 0) { scaling.AddArc(2 * p, 2 * poolCount + 2 * i, Math.Min(fs, supplies[2 * p]), cost - 2 * softB); arcPool.Add((p, i, true, true)); }
                if (members > 0 && supplies[2 * p] > 0) { scaling.AddArc(2 * p, 2 * poolCount + 2 * i + 1, Math.Min(members, supplies[2 * p]), cost - softB); arcPool.Add((p, i, true, false)); }
                if (members > 0 && supplies[2 * p + 1] > 0) { scaling.AddArc(2 * p + 1, 2 * poolCount + 2 * i + 1, Math.Min(members, supplies[2 * p + 1]), cost - softB); arcPool.Add((p, i, false, false)); }
            }
        }
        scaling.Solve();
        // The coarse prices, kept to seed the warm start's prices: a unit's cadres take their pool's, a slot group its
        // cell's.
        seedPoolPrice = new long[2 * units.Length];
        for (var k = 0; k < units.Length; k++)
        {
            seedPoolPrice[2 * k] = scaling.Price(2 * poolOf[k]);
            seedPoolPrice[2 * k + 1] = scaling.Price(2 * poolOf[k] + 1);
        }
        seedCellPrice = new long[2 * cellCount];
        for (var i = 0; i < 2 * cellCount; i++) seedCellPrice[i] = scaling.Price(2 * poolCount + i);
        seedSinkPrice = scaling.Price(sink);
        // Share each pool's flow to each cell out among its units, in turn, by what each still has to place.
        var given = new HashSet<int>[units.Length];
        for (var k = 0; k < units.Length; k++) given[k] = [];
        var cursor = new int[2 * poolCount];
        var leftFs = (long[])eligible.Clone();
        var leftOthers = (long[])others.Clone();
        var near = new List<(double Chord, int Village)>();
        for (var a = 0; a < arcPool.Count; a++)
        {
            var f = scaling.Flow(firstPairArc + a);
            if (f == 0) continue;
            var (p, i, fsSupply, _) = arcPool[a];
            var list = poolUnits[p];
            var remaining = fsSupply ? leftFs : leftOthers;
            ref var at = ref cursor[2 * p + (fsSupply ? 0 : 1)];
            while (f > 0)
            {
                var k = list[at % list.Count];
                var take = Math.Min(f, Math.Max(1, remaining[k]));
                remaining[k] = Math.Max(0, remaining[k] - take);
                f -= take;
                // The unit's nearest allowed villages of the cell, a few per cadre it sends there.
                near.Clear();
                for (var x = cells.Start[i]; x < cells.Start[i + 1]; x++)
                {
                    var j = cells.Village[x];
                    if (vCounty[j] != uCounty[k]) near.Add((Chord(k, j), j));
                }
                near.Sort();
                for (var t = 0; t < Math.Min(near.Count, PredictedPerCadre * take + 4); t++) given[k].Add(near[t].Village);
                if (remaining[k] == 0 || f > 0) at++;
            }
        }
        Log(watch, $"predicted: {poolCount} pools, {cellCount} cells, {scaling.ArcCount} coarse arcs");
        return given;
    }

    /// <summary>Each unit's flooded villages and those the coarse plan predicts for it.</summary>
    int[][] WithPredicted(int[][] candidates, HashSet<int>[] predicted)
    {
        var added = 0;
        var result = new int[units.Length][];
        for (var k = 0; k < units.Length; k++)
        {
            // The flooded villages first, then the predicted ones in the order they were given (the network's arc order).
            var all = new HashSet<int>(candidates[k]);
            foreach (var j in predicted[k]) if (all.Add(j)) added++;
            result[k] = [.. all];
        }
        if (Trace) Console.Error.WriteLine(FormattableString.Invariant($"[{region.Name}] {added} predicted unit–village pairs added"));
        return result;
    }

    /// <summary>Villages of the region in cells of a latitude–longitude grid, for streams in roughly increasing distance.</summary>
    sealed class VillageGrid
    {
        readonly RegionSolver owner;
        readonly double minLat, minLon, cell, lonScale;
        readonly int rows, cols;
        readonly int[] cellStart, cellVillages;

        public VillageGrid(RegionSolver owner)
        {
            this.owner = owner;
            var vs = owner.villages.Select(v => owner.instance.Villages[v]).ToArray();
            minLat = vs.Min(v => v.Latitude);
            minLon = vs.Min(v => v.Longitude);
            var meanLat = vs.Average(v => v.Latitude);
            lonScale = Math.Max(0.05, Math.Cos(meanLat * Math.PI / 180));
            var height = Math.Max(1e-6, vs.Max(v => v.Latitude) - minLat);
            var width = Math.Max(1e-6, (vs.Max(v => v.Longitude) - minLon) * lonScale);
            // About four villages per cell.
            cell = Math.Max(1e-4, Math.Sqrt(height * width * 4 / vs.Length));
            rows = (int)(height / cell) + 1;
            cols = (int)(width / cell) + 1;
            var counts = new int[rows * cols + 1];
            var cellOf = vs.Select(v => Cell(v.Latitude, v.Longitude)).ToArray();
            foreach (var c in cellOf) counts[c + 1]++;
            for (var i = 0; i < rows * cols; i++) counts[i + 1] += counts[i];
            cellStart = counts;
            cellVillages = new int[vs.Length];
            var fill = counts[..^1].ToArray();
            for (var j = 0; j < vs.Length; j++) cellVillages[fill[cellOf[j]]++] = j;
        }

        (int Row, int Col) RowCol(double lat, double lon) =>
            (Math.Clamp((int)((lat - minLat) / cell), 0, rows - 1), Math.Clamp((int)((lon - minLon) * lonScale / cell), 0, cols - 1));

        int Cell(double lat, double lon)
        {
            var (r, c) = RowCol(lat, lon);
            return r * cols + c;
        }

        public Stream Open(int unit)
        {
            var u = owner.instance.Units[owner.units[unit]];
            var (r, c) = RowCol(u.Latitude, u.Longitude);
            return new Stream(this, unit, r, c);
        }

        /// <summary>The unit's allowed villages ring by ring around its cell, each ring in order of distance.</summary>
        public sealed class Stream(VillageGrid grid, int unit, int row, int col)
        {
            readonly List<(double Chord, int Village)> ring = [];
            int ringIndex = -1, position;

            public bool Next(out int village)
            {
                while (position >= ring.Count)
                {
                    ringIndex++;
                    if (ringIndex > Math.Max(grid.rows, grid.cols)) { village = -1; return false; }
                    Fill(ringIndex);
                }
                village = ring[position++].Village;
                return true;
            }

            [MethodImpl(MethodImplOptions.AggressiveOptimization)]
            void Fill(int r)
            {
                ring.Clear();
                position = 0;
                for (var i = row - r; i <= row + r; i++)
                {
                    if (i < 0 || i >= grid.rows) continue;
                    var edge = i == row - r || i == row + r;
                    for (var j = col - r; j <= col + r; j += edge || r == 0 ? 1 : 2 * r)
                    {
                        if (j < 0 || j >= grid.cols) continue;
                        var cellIndex = i * grid.cols + j;
                        for (var x = grid.cellStart[cellIndex]; x < grid.cellStart[cellIndex + 1]; x++)
                        {
                            var v = grid.cellVillages[x];
                            if (grid.owner.vCounty[v] == grid.owner.uCounty[unit]) continue;
                            ring.Add((grid.owner.Chord(unit, v), v));
                        }
                    }
                }
                ring.Sort();
            }
        }
    }

    /// <summary>
    /// Dense pairs whose worth exceeds the prices of their ends, with their arc cost: (hub, village, kind) for ordinary
    /// classes — the hub written as ~(unit × <see cref="HubsPerUnit"/> + kind × 5 + line) — and (class, village, kind)
    /// for classes with forbidden pairs. For each hub or such class the <see cref="AddedPerClass"/> most improving, for
    /// each slot group the <see cref="AddedPerGroup"/> most improving. None means the prices prove the flow optimal over
    /// every allowed pair: every class's price plus its mismatch is at least its hub's price.
    /// </summary>
    List<(int From, int Village, int Kind, long Cost)> Price(long[] classPrice, long[] hubPrice, long[] groupPrice, int[] groupNode)
    {
        var workers = Math.Max(1, Math.Min(Environment.ProcessorCount, units.Length));
        var perSource = new List<(int From, int Village, int Kind, long Cost)>[workers];
        if (groupBest.Length != workers)
        {
            groupBest = new GroupBest[workers];
            for (var w = 0; w < workers; w++) groupBest[w] = new GroupBest(3 * villages.Length, AddedPerGroup);
        }
        var perGroup = groupBest;
        var perKm = instance.PerKmCost;
        var cellBest = cells.BestSlotValues(this, groupPrice, groupNode);
        // Since the last round, a pair's gain rose by at most its source's price drop plus its slot group's: a cell whose
        // bound stays at or below zero with both added holds no improving pair, and is not looked at again.
        var incremental = cellBound is not null;
        var bounds = cellBound ??= new long[units.Length * cells.Count];
        long[] unitDrop = [], cellDrop = [], hubDrop = [], cellHubDrop = [];
        if (incremental)
        {
            // Coarse: per unit and per cell the largest drop of any of its prices (at least 0). Fine, for the cells the
            // coarse test keeps: per unit hub (a slot kind and village line; the unit's single classes count for every
            // hub) and per cell and hub the largest drop, rises counting as negative drops.
            unitDrop = new long[units.Length];
            hubDrop = new long[units.Length * HubsPerUnit];
            for (var k = 0; k < units.Length; k++)
            {
                var single = long.MinValue;
                for (var c = classStart[k]; c < classStart[k + 1]; c++) if (classForbidden[c] is not null) single = Math.Max(single, Drop(pricedClass![c], classPrice[c]));
                var d = long.MinValue;
                for (var h = k * HubsPerUnit; h < (k + 1) * HubsPerUnit; h++)
                {
                    hubDrop[h] = Math.Max(Drop(pricedHub![h], hubPrice[h]), single);
                    d = Math.Max(d, hubDrop[h]);
                }
                unitDrop[k] = Math.Max(d, 0);
            }
            cellDrop = new long[cells.Count];
            cellHubDrop = new long[cells.Count * HubsPerUnit];
            Array.Fill(cellHubDrop, long.MinValue);
            for (var cell = 0; cell < cells.Count; cell++)
            {
                var d = 0L;
                for (var x = cells.Start[cell]; x < cells.Start[cell + 1]; x++)
                {
                    var j = cells.Village[x];
                    for (var kind = 0; kind < 3; kind++)
                    {
                        if (groupNode[3 * j + kind] < 0) continue;
                        var drop = Drop(pricedGroup![3 * j + kind], groupPrice[3 * j + kind]);
                        d = Math.Max(d, drop);
                        ref var hub = ref cellHubDrop[cell * HubsPerUnit + kind * VillageLines + vLine[j]];
                        hub = Math.Max(hub, drop);
                    }
                }
                cellDrop[cell] = d;
            }
        }
        pricedClass = (long[])classPrice.Clone();
        pricedHub = (long[])hubPrice.Clone();
        pricedGroup = (long[])groupPrice.Clone();
        Parallel.For(0, workers, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (w) =>
        {
            var top = new TopGains(AddedPerClass);
            var best = perGroup[w];
            best.Clear();
            var chosen = perSource[w] = [];
            var singles = new List<int>();
            var least = new long[HubsPerUnit];
            for (var k = w; k < units.Length; k += workers)
            {
                var hubs = k * HubsPerUnit;
                singles.Clear();
                for (var c = classStart[k]; c < classStart[k + 1]; c++) if (classForbidden[c] is not null) singles.Add(c);
                // The least price, with mismatch, any source of the unit asks per kind and village line.
                for (var h = 0; h < HubsPerUnit; h++) least[h] = hubPrice[hubs + h];
                foreach (var c in singles)
                {
                    for (var kind = 0; kind < 3; kind++)
                    {
                        if (!Eligible(c, kind)) continue;
                        for (var line = 0; line < VillageLines; line++)
                        {
                            var mismatch = DispatchInstance.Mismatches((WorkLine)classLine[c], (WorkLine)line) ? instance.MismatchCost : 0;
                            least[kind * VillageLines + line] = Math.Min(least[kind * VillageLines + line], classPrice[c] + mismatch);
                        }
                    }
                }
                // Sources of this unit: its hubs 0..14, then its single classes.
                top.Reset(HubsPerUnit + singles.Count);
                var row = k * cells.Count;
                for (var cell = 0; cell < cells.Count; cell++)
                {
                    ref var bound = ref bounds[row + cell];
                    if (incremental)
                    {
                        if (bound == long.MinValue) continue; // no allowed pair, whatever the prices
                        var risen = bound + unitDrop[k] + cellDrop[cell];
                        if (risen <= 0) { bound = risen; continue; }
                        var rise = long.MinValue;
                        for (var h = 0; h < HubsPerUnit; h++)
                        {
                            var c = cellHubDrop[cell * HubsPerUnit + h];
                            if (c != long.MinValue) rise = Math.Max(rise, hubDrop[hubs + h] + c);
                        }
                        if (rise == long.MinValue) { bound = long.MinValue; continue; } // the cell has no slot group at all
                        risen = bound + rise;
                        if (risen <= 0) { bound = risen; continue; }
                    }
                    // No village of the cell can gain anything when even the nearest point of its ball is too far.
                    long most = long.MinValue;
                    for (var h = 0; h < HubsPerUnit; h++)
                    {
                        var v = cellBest[cell * HubsPerUnit + h];
                        if (v != long.MinValue && least[h] != long.MaxValue) most = Math.Max(most, v - least[h]);
                    }
                    bound = most;
                    if (most <= 0) continue;
                    if (perKm > 0)
                    {
                        var reach = most - perKm * DispatchSolver.KilometresAtLeast(cells.ChordAtLeast(cell, ux[k], uy[k], uz[k])) + 0.5;
                        if (reach <= 0) { bound = (long)Math.Floor(reach); continue; }
                    }
                    bound = long.MinValue;
                    for (var x = cells.Start[cell]; x < cells.Start[cell + 1]; x++)
                    {
                    var j = cells.Village[x];
                    if (vCounty[j] == uCounty[k]) continue;
                    if (singles.Count == 0)
                    {
                        // Skip the village when no hub could gain here more than what its own list and the slot group's
                        // list already hold, even at the least distance the chord allows.
                        var near = perKm > 0 ? perKm * DispatchSolver.KilometresAtLeast(Chord(k, j)) - 0.5 : 0;
                        var worth = false;
                        var reach = double.NegativeInfinity;
                        for (var kind = 0; kind < 3 && !worth; kind++)
                        {
                            if (groupNode[3 * j + kind] < 0) continue;
                            var hub = kind * VillageLines + vLine[j];
                            var p = least[hub];
                            if (p == long.MaxValue) continue;
                            var floor = Math.Min(top.FloorOf(hub), best.Floor(3 * j + kind));
                            var before = Worth(kind) - groupPrice[3 * j + kind] - p;
                            worth = before > floor && before - near > floor;
                            reach = Math.Max(reach, before - near);
                        }
                        if (!worth)
                        {
                            // Every gain here is at most the reach (the least price, the least distance).
                            if (reach != double.NegativeInfinity) bound = Math.Max(bound, (long)Math.Floor(reach));
                            continue;
                        }
                    }
                    var distanceCost = DistanceAt(k, cell, x);
                    for (var kind = 0; kind < 3; kind++)
                    {
                        if (groupNode[3 * j + kind] < 0) continue;
                        var hub = kind * VillageLines + vLine[j];
                        var p = hubPrice[hubs + hub];
                        if (p == long.MaxValue) continue;
                        var gain = Worth(kind) - distanceCost - p - groupPrice[3 * j + kind];
                        bound = Math.Max(bound, gain);
                        if (gain <= 0) continue;
                        top.Offer(hub, gain, j, kind, distanceCost);
                        best.Offer(3 * j + kind, gain, ~(hubs + hub), distanceCost);
                    }
                    for (var s = 0; s < singles.Count; s++)
                    {
                        var c = singles[s];
                        if (classForbidden[c]!.Contains(villages[j])) continue;
                        var cost = distanceCost + Mismatch(c, j);
                        for (var kind = 0; kind < 3; kind++)
                        {
                            if (groupNode[3 * j + kind] < 0 || !Eligible(c, kind)) continue;
                            var gain = Worth(kind) - cost - classPrice[c] - groupPrice[3 * j + kind];
                            bound = Math.Max(bound, gain);
                            if (gain <= 0) continue;
                            top.Offer(HubsPerUnit + s, gain, j, kind, cost);
                            best.Offer(3 * j + kind, gain, c, cost);
                        }
                    }
                    }
                }
                foreach (var (source, village, kind, cost) in top.Drain(0))
                    chosen.Add((source < HubsPerUnit ? ~(hubs + source) : singles[source - HubsPerUnit], village, kind, cost));
            }
        });
        // The union of both choices, each pair once.
        var merged = new List<(long Gain, int From, long Cost)>(AddedPerGroup * workers);
        var result = new List<(int, int, int, long)>();
        var seen = new HashSet<(int, int, int)>();
        foreach (var list in perSource)
        {
            foreach (var x in list) if (seen.Add((x.From, x.Village, x.Kind))) result.Add(x);
        }
        for (var g = 0; g < 3 * villages.Length; g++)
        {
            // The workers' lists are each sorted by gain: take the best AddedPerGroup of their union.
            merged.Clear();
            foreach (var list in perGroup) list.AddEntries(g, merged);
            if (merged.Count > AddedPerGroup)
            {
                // Largest gain first; among equal gains, the order the workers listed them (as a stable sort keeps it).
                for (var i = 1; i < merged.Count; i++)
                {
                    var x = merged[i];
                    var k = i - 1;
                    while (k >= 0 && merged[k].Gain < x.Gain) { merged[k + 1] = merged[k]; k--; }
                    merged[k + 1] = x;
                }
            }
            for (var i = 0; i < Math.Min(AddedPerGroup, merged.Count); i++)
            {
                var (_, from, cost) = merged[i];
                if (seen.Add((from, g / 3, g % 3))) result.Add((from, g / 3, g % 3, cost));
            }
        }
        return result;
    }

    /// <summary>How much a price fell from one round to the next (a price that comes or goes counts as a fall without bound).</summary>
    static long Drop(long before, long now) =>
        before == now ? 0 : before == long.MaxValue || now == long.MaxValue ? long.MaxValue / 4 : before - now;

    /// <summary>
    /// The region's villages in cells of a latitude–longitude grid (about <see cref="PerCell"/> each), each cell with the
    /// ball around the mean of its unit vectors that holds them all, so that one chord bounds the distance from a unit to
    /// every village of the cell from below.
    /// </summary>
    sealed class VillageCells
    {
        const int PerCell = 16;
        public readonly int Count;
        /// <summary>The most villages in one cell.</summary>
        public readonly int MaxSize;
        /// <summary>Villages of cell i: <see cref="Village"/>[Start[i] .. Start[i+1]−1] (local indices).</summary>
        public readonly int[] Start, Village;
        readonly double[] cx, cy, cz, radius;

        /// <summary>The centre of a cell's ball (a point inside the sphere).</summary>
        public (double X, double Y, double Z) Centre(int cell) => (cx[cell], cy[cell], cz[cell]);

        public VillageCells(RegionSolver owner)
        {
            var n = owner.villages.Length;
            var lat = new double[n];
            var lon = new double[n];
            for (var j = 0; j < n; j++)
            {
                var v = owner.instance.Villages[owner.villages[j]];
                lat[j] = v.Latitude;
                lon[j] = v.Longitude;
            }
            double minLat = n > 0 ? lat.Min() : 0, minLon = n > 0 ? lon.Min() : 0;
            var lonScale = n > 0 ? Math.Max(0.05, Math.Cos(lat.Average() * Math.PI / 180)) : 1;
            var height = Math.Max(1e-6, (n > 0 ? lat.Max() : 0) - minLat);
            var width = Math.Max(1e-6, ((n > 0 ? lon.Max() : 0) - minLon) * lonScale);
            var side = Math.Max(1e-4, Math.Sqrt(height * width * PerCell / Math.Max(1, n)));
            var rows = (int)(height / side) + 1;
            var cols = (int)(width / side) + 1;
            var cellOf = new int[n];
            var counts = new int[rows * cols + 1];
            for (var j = 0; j < n; j++)
            {
                var r = Math.Clamp((int)((lat[j] - minLat) / side), 0, rows - 1);
                var c = Math.Clamp((int)((lon[j] - minLon) * lonScale / side), 0, cols - 1);
                cellOf[j] = r * cols + c;
                counts[cellOf[j] + 1]++;
            }
            // Keep only cells with villages.
            var renumber = new int[rows * cols];
            var used = 0;
            for (var i = 0; i < rows * cols; i++) renumber[i] = counts[i + 1] > 0 ? used++ : -1;
            Count = used;
            Start = new int[used + 1];
            for (var j = 0; j < n; j++) Start[renumber[cellOf[j]] + 1]++;
            for (var i = 0; i < used; i++) Start[i + 1] += Start[i];
            Village = new int[n];
            var fill = Start[..^1].ToArray();
            for (var j = 0; j < n; j++) Village[fill[renumber[cellOf[j]]]++] = j;
            for (var i = 0; i < used; i++) MaxSize = Math.Max(MaxSize, Start[i + 1] - Start[i]);
            cx = new double[used]; cy = new double[used]; cz = new double[used]; radius = new double[used];
            for (var i = 0; i < used; i++)
            {
                double x = 0, y = 0, z = 0;
                for (var t = Start[i]; t < Start[i + 1]; t++) { var j = Village[t]; x += owner.vx[j]; y += owner.vy[j]; z += owner.vz[j]; }
                var count = Start[i + 1] - Start[i];
                cx[i] = x / count; cy[i] = y / count; cz[i] = z / count;
                double r = 0;
                for (var t = Start[i]; t < Start[i + 1]; t++)
                {
                    var j = Village[t];
                    double dx = owner.vx[j] - cx[i], dy = owner.vy[j] - cy[i], dz = owner.vz[j] - cz[i];
                    r = Math.Max(r, Math.Sqrt(dx * dx + dy * dy + dz * dz));
                }
                // Widened for rounding: the bound below must never exceed a true chord.
                radius[i] = r * (1 + 1e-9) + 1e-12;
            }
        }

        /// <summary>An upper bound on the chord from the point (x, y, z) to any village of the cell.</summary>
        public double ChordAtMost(int cell, double x, double y, double z)
        {
            double dx = x - cx[cell], dy = y - cy[cell], dz = z - cz[cell];
            return Math.Sqrt(dx * dx + dy * dy + dz * dz) * (1 + 1e-12) + radius[cell];
        }

        /// <summary>A lower bound on the chord from the point (x, y, z) to any village of the cell.</summary>
        public double ChordAtLeast(int cell, double x, double y, double z)
        {
            double dx = x - cx[cell], dy = y - cy[cell], dz = z - cz[cell];
            return Math.Max(0, Math.Sqrt(dx * dx + dy * dy + dz * dz) * (1 - 1e-12) - radius[cell]);
        }

        /// <summary>
        /// Per cell and hub index (kind × 5 + line), the most a slot group of that kind in a village of that line in the
        /// cell is worth above its price; <see cref="long.MinValue"/> where there is none.
        /// </summary>
        public long[] BestSlotValues(RegionSolver owner, long[] groupPrice, int[] groupNode)
        {
            var best = new long[Count * HubsPerUnit];
            Array.Fill(best, long.MinValue);
            for (var i = 0; i < Count; i++)
            {
                for (var t = Start[i]; t < Start[i + 1]; t++)
                {
                    var j = Village[t];
                    for (var kind = 0; kind < 3; kind++)
                    {
                        if (groupNode[3 * j + kind] < 0) continue;
                        ref var b = ref best[i * HubsPerUnit + kind * VillageLines + owner.vLine[j]];
                        b = Math.Max(b, owner.Worth(kind) - groupPrice[3 * j + kind]);
                    }
                }
            }
            return best;
        }
    }

    /// <summary>Per slot group, the few classes of largest gain seen so far.</summary>
    sealed class GroupBest(int groups, int size)
    {
        readonly long[] gain = new long[groups * size];
        readonly int[] cls = new int[groups * size];
        readonly long[] cost = new long[groups * size];
        readonly byte[] count = new byte[groups];

        /// <summary>Gains at or below this cannot enter the group's list.</summary>
        public long Floor(int g) => count[g] < size ? 0 : gain[g * size + size - 1];

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Offer(int g, long value, int c, long price)
        {
            var n = count[g];
            if (n == size && value <= gain[g * size + size - 1]) return;
            var i = n == size ? size - 1 : n;
            if (n < size) count[g] = (byte)(n + 1);
            // Keep the list sorted by gain, largest first.
            while (i > 0 && gain[g * size + i - 1] < value)
            {
                gain[g * size + i] = gain[g * size + i - 1];
                cls[g * size + i] = cls[g * size + i - 1];
                cost[g * size + i] = cost[g * size + i - 1];
                i--;
            }
            gain[g * size + i] = value;
            cls[g * size + i] = c;
            cost[g * size + i] = price;
        }

        public void AddEntries(int g, List<(long Gain, int From, long Cost)> into)
        {
            for (var i = 0; i < count[g]; i++) into.Add((gain[g * size + i], cls[g * size + i], cost[g * size + i]));
        }

        public void Clear() => Array.Clear(count);
    }

    /// <summary>Per class of one unit, the pairs of largest gain seen so far (a min-heap each), and the least gain still worth offering.</summary>
    sealed class TopGains(int perClass)
    {
        (long Gain, int Village, int Kind, long Cost)[] heap = [];
        int[] count = [];
        int classes;

        public void Reset(int classCount)
        {
            classes = classCount;
            if (count.Length < classCount)
            {
                count = new int[classCount];
                heap = new (long, int, int, long)[classCount * perClass];
            }
            Array.Clear(count, 0, classCount);
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Offer(int cls, long gain, int village, int kind, long cost)
        {
            var h = cls * perClass;
            var n = count[cls];
            if (n < perClass)
            {
                var i = n;
                count[cls] = n + 1;
                while (i > 0 && heap[h + (i - 1) / 2].Gain > gain) { heap[h + i] = heap[h + (i - 1) / 2]; i = (i - 1) / 2; }
                heap[h + i] = (gain, village, kind, cost);
            }
            else if (gain > heap[h].Gain)
            {
                var i = 0;
                while (true)
                {
                    var child = 2 * i + 1;
                    if (child >= n) break;
                    if (child + 1 < n && heap[h + child + 1].Gain < heap[h + child].Gain) child++;
                    if (heap[h + child].Gain >= gain) break;
                    heap[h + i] = heap[h + child];
                    i = child;
                }
                heap[h + i] = (gain, village, kind, cost);
            }
        }

        /// <summary>Gains at or below this cannot enter the list of class <paramref name="cls"/>.</summary>
        public long FloorOf(int cls) => count[cls] < perClass ? 0 : heap[cls * perClass].Gain;

        public List<(int Class, int Village, int Kind, long Cost)> Drain(int firstClass)
        {
            var list = new List<(int, int, int, long)>();
            for (var c = 0; c < classes; c++)
            {
                for (var i = 0; i < count[c]; i++)
                {
                    var (_, village, kind, cost) = heap[c * perClass + i];
                    list.Add((firstClass + c, village, kind, cost));
                }
            }
            return list;
        }
    }
}
