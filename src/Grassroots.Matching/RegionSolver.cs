namespace Grassroots.Matching;

/// <summary>
/// Solves one dispatch region: cadre classes → village slot groups → sink, on a sparse network grown by pricing every
/// dense pair with the simplex's dual prices until none improves the plan.
/// </summary>
sealed class RegionSolver
{
    const int Fs = 0, Speaker = 1, Member = 2;
    /// <summary>Villages each unit starts with, at least.</summary>
    const int MinimumCandidates = 24;
    /// <summary>Improving pairs added per class and pricing round, the most improving first.</summary>
    const int AddedPerClass = 48;

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

    long a, b;

    public RegionSolver(DispatchSolver.Model model, DispatchSolver.Region region)
    {
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
        Parallel.For(0, units.Length, k =>
        {
            double far = -1;
            for (var j = 0; j < villages.Length; j++)
            {
                if (vCounty[j] == uCounty[k]) continue;
                far = Math.Max(far, Chord(k, j));
            }
            worst[k] = far < 0 ? 0 : instance.MismatchCost + DispatchInstance.RoundHalfAwayFromZero(instance.PerKmCost * DispatchSolver.KilometresAtMost(far)) + 1;
        });
        try
        {
            long sum = 0;
            for (var c = 0; c < classCount; c++) sum = checked(sum + checked(worst[classUnit[c]] * classSize[c]));
            b = checked(sum + 1);
            a = checked(b * (slotTotal + 1L));
            // Potentials are sums along tree paths: at most (nodes) × the largest arc cost.
            _ = checked(checked(a + b) * (classCount + 3L * villages.Length + 2) * 4);
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

    public DispatchWeights Solve(int[] slotOf, long[] cadrePrices, long[] fsPrices, long[] speakerPrices, long[] memberPrices)
    {
        var weights = ComputeWeights();
        var n = villages.Length;

        // Nodes: classes 0..C−1, slot groups C.., the sink is the root.
        var groupNode = new int[3 * n];
        var nodeCount = classCount;
        for (var g = 0; g < 3 * n; g++) groupNode[g] = capacity[g] > 0 ? nodeCount++ : -1;
        var groupOfNode = new int[nodeCount - classCount];
        for (var g = 0; g < 3 * n; g++) if (groupNode[g] >= 0) groupOfNode[groupNode[g] - classCount] = g;

        var simplex = new NetworkSimplex(nodeCount, nodeCount + classCount * 64);
        var sink = simplex.Root;
        var rootArc = new int[nodeCount];
        var supply = new long[nodeCount];
        for (var c = 0; c < classCount; c++)
        {
            rootArc[c] = simplex.AddArc(c, sink, NetworkSimplex.Infinite, 0);
            supply[c] = classSize[c];
        }
        for (var g = 0; g < 3 * n; g++)
        {
            if (groupNode[g] >= 0) rootArc[groupNode[g]] = simplex.AddArc(groupNode[g], sink, capacity[g], 0);
        }
        var firstPlacementArc = simplex.ArcCount;
        simplex.Start(rootArc, supply);

        // Initial network: each unit's nearest villages, enough for its cadres a few times over.
        var slotsPerVillage = (double)slotTotal / Math.Max(1, n);
        var candidates = new int[units.Length][];
        var distance = new long[units.Length][];
        Parallel.For(0, units.Length, k =>
        {
            var size = 0;
            for (var c = classStart[k]; c < classStart[k + 1]; c++) size += classSize[c];
            var want = Math.Max(MinimumCandidates, (int)Math.Ceiling(2.5 * size / Math.Max(1.0, slotsPerVillage)));
            candidates[k] = Nearest(k, want);
            distance[k] = candidates[k].Select(j => instance.DistanceCost(units[k], villages[j])).ToArray();
        });
        for (var k = 0; k < units.Length; k++)
        {
            for (var c = classStart[k]; c < classStart[k + 1]; c++)
            {
                var banned = classForbidden[c];
                for (var i = 0; i < candidates[k].Length; i++)
                {
                    var j = candidates[k][i];
                    if (banned is not null && banned.Contains(villages[j])) continue;
                    var cost = distance[k][i] + Mismatch(c, j);
                    for (var kind = 0; kind < 3; kind++)
                    {
                        var node = groupNode[3 * j + kind];
                        if (node >= 0 && Eligible(c, kind)) simplex.AddArc(c, node, NetworkSimplex.Infinite, cost - Worth(kind));
                    }
                }
            }
        }

        // Solve, price every dense pair, add the improving ones, repeat.
        var classPrice = new long[classCount];
        var groupPrice = new long[3 * n];
        while (true)
        {
            simplex.Solve();
            var rootPotential = simplex.Potential(sink);
            for (var c = 0; c < classCount; c++) classPrice[c] = simplex.Potential(c) - rootPotential;
            for (var g = 0; g < 3 * n; g++) groupPrice[g] = groupNode[g] >= 0 ? Math.Max(0, rootPotential - simplex.Potential(groupNode[g])) : 0;
            var improving = Price(classPrice, groupPrice, groupNode);
            if (improving.Count == 0) break;
            foreach (var (c, j, kind, cost) in improving) simplex.AddArc(c, groupNode[3 * j + kind], NetworkSimplex.Infinite, cost - Worth(kind));
        }

        // Read the flow: each class's cadres, in order, fill the groups its flow reaches.
        var next = new int[classCount];
        for (var e = firstPlacementArc; e < simplex.ArcCount; e++)
        {
            var f = simplex.Flow(e);
            if (f == 0) continue;
            var c = simplex.Source(e);
            var g = groupOfNode[simplex.Target(e) - classCount];
            var slot = 3 * villages[g / 3] + g % 3;
            for (var i = 0; i < f; i++) slotOf[classCadres[c][next[c]++]] = slot;
        }
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
        return weights;
    }

    /// <summary>The <paramref name="want"/> allowed villages nearest to unit <paramref name="k"/>.</summary>
    int[] Nearest(int k, int want)
    {
        // A max-heap on the chord keeps the nearest seen so far.
        var heapChord = new double[want];
        var heapVillage = new int[want];
        var count = 0;
        for (var j = 0; j < villages.Length; j++)
        {
            if (vCounty[j] == uCounty[k]) continue;
            var d = Chord(k, j);
            if (count < want)
            {
                var i = count++;
                while (i > 0 && heapChord[(i - 1) / 2] < d) { heapChord[i] = heapChord[(i - 1) / 2]; heapVillage[i] = heapVillage[(i - 1) / 2]; i = (i - 1) / 2; }
                heapChord[i] = d; heapVillage[i] = j;
            }
            else if (d < heapChord[0])
            {
                var i = 0;
                while (true)
                {
                    var child = 2 * i + 1;
                    if (child >= count) break;
                    if (child + 1 < count && heapChord[child + 1] > heapChord[child]) child++;
                    if (heapChord[child] <= d) break;
                    heapChord[i] = heapChord[child]; heapVillage[i] = heapVillage[child];
                    i = child;
                }
                heapChord[i] = d; heapVillage[i] = j;
            }
        }
        return heapVillage[..count];
    }

    /// <summary>
    /// Every dense pair (class, village, slot kind) whose worth exceeds the class's price plus the group's price, with its
    /// cost; at most <see cref="AddedPerClass"/> per class, the most improving first.
    /// </summary>
    List<(int Class, int Village, int Kind, long Cost)> Price(long[] classPrice, long[] groupPrice, int[] groupNode)
    {
        var found = new List<(int Class, int Village, int Kind, long Cost, long Gain)>[units.Length];
        var perKm = instance.PerKmCost;
        var mismatchCost = instance.MismatchCost;
        Parallel.For(0, units.Length, k =>
        {
            // For each kind and village line: the least class price (plus mismatch) among this unit's ordinary classes.
            var least = new long[3 * 6];
            Array.Fill(least, long.MaxValue);
            var hasSingles = false;
            for (var c = classStart[k]; c < classStart[k + 1]; c++)
            {
                if (classForbidden[c] is not null) { hasSingles = true; continue; }
                for (var line = 0; line < 5; line++)
                {
                    var p = classPrice[c] + (DispatchInstance.Mismatches((WorkLine)classLine[c], (WorkLine)line) ? mismatchCost : 0);
                    for (var kind = 0; kind < 3; kind++)
                    {
                        if (Eligible(c, kind) && p < least[kind * 6 + line]) least[kind * 6 + line] = p;
                    }
                }
            }
            List<(int, int, int, long, long)>? list = null;
            for (var j = 0; j < villages.Length; j++)
            {
                if (vCounty[j] == uCounty[k]) continue;
                // The largest distance cost that would still leave a pair improving, over the three kinds.
                long threshold = long.MinValue;
                for (var kind = 0; kind < 3; kind++)
                {
                    if (groupNode[3 * j + kind] < 0) continue;
                    var l = least[kind * 6 + vLine[j]];
                    if (l != long.MaxValue) threshold = Math.Max(threshold, Worth(kind) - groupPrice[3 * j + kind] - l);
                }
                if (hasSingles) threshold = long.MaxValue; // checked pair by pair below
                if (threshold <= 0) continue;
                if (perKm > 0 && threshold != long.MaxValue && perKm * DispatchSolver.KilometresAtLeast(Chord(k, j)) >= threshold - 0.5) continue;
                var distanceCost = instance.DistanceCost(units[k], villages[j]);
                for (var c = classStart[k]; c < classStart[k + 1]; c++)
                {
                    if (classForbidden[c] is { } banned && banned.Contains(villages[j])) continue;
                    var cost = distanceCost + Mismatch(c, j);
                    for (var kind = 0; kind < 3; kind++)
                    {
                        if (groupNode[3 * j + kind] < 0 || !Eligible(c, kind)) continue;
                        var gain = Worth(kind) - cost - classPrice[c] - groupPrice[3 * j + kind];
                        if (gain > 0) (list ??= []).Add((c, j, kind, cost, gain));
                    }
                }
            }
            found[k] = list ?? [];
        });
        var result = new List<(int, int, int, long)>();
        var perClass = new Dictionary<int, int>();
        foreach (var list in found)
        {
            if (list.Count == 0) continue;
            list.Sort((x, y) => x.Class != y.Class ? x.Class.CompareTo(y.Class) : y.Gain.CompareTo(x.Gain));
            perClass.Clear();
            foreach (var (c, j, kind, cost, _) in list)
            {
                perClass.TryGetValue(c, out var taken);
                if (taken >= AddedPerClass) continue;
                perClass[c] = taken + 1;
                result.Add((c, j, kind, cost));
            }
        }
        return result;
    }
}
