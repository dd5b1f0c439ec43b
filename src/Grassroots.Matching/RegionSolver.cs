namespace Grassroots.Matching;

/// <summary>
/// Solves one dispatch region: cadre classes → village slot groups → sink, on a sparse network grown by pricing every
/// dense pair with the simplex's dual prices until none improves the plan.
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

    static readonly bool Trace = Environment.GetEnvironmentVariable("GRASSROOTS_DISPATCH_TRACE") == "1";

    void Log(System.Diagnostics.Stopwatch watch, string what)
    {
        if (Trace) Console.Error.WriteLine(FormattableString.Invariant($"[{region.Name}] {watch.Elapsed.TotalMilliseconds,8:F1} ms {what}"));
    }

    public DispatchWeights Solve(int[] slotOf, long[] cadrePrices, long[] fsPrices, long[] speakerPrices, long[] memberPrices)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var weights = ComputeWeights();
        Log(watch, $"weights; {classCount} classes, {units.Length} units, {villages.Length} villages");
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

        // Initial network: for each unit, its nearest villages and the villages it claims when all units flood outwards
        // together (see Flood).
        var candidates = Flood();
        var distance = new long[units.Length][];
        Parallel.For(0, units.Length, k => distance[k] = candidates[k].Select(j => instance.DistanceCost(units[k], villages[j])).ToArray());
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

        Log(watch, $"initial network {simplex.ArcCount} arcs");
        // Solve, price every dense pair, add the improving ones, repeat.
        var classPrice = new long[classCount];
        var groupPrice = new long[3 * n];
        while (true)
        {
            simplex.Solve();
            Log(watch, $"simplex: {simplex.Pivots} pivots so far, {simplex.ArcCount} arcs");
            var potential = simplex.LargestPotentials();
            Log(watch, "largest potentials");
            for (var c = 0; c < classCount; c++) classPrice[c] = potential[c];
            for (var g = 0; g < 3 * n; g++) groupPrice[g] = groupNode[g] >= 0 ? Math.Max(0, -potential[groupNode[g]]) : 0;
            var improving = Price(classPrice, groupPrice, groupNode);
            Log(watch, $"pricing: {improving.Count} improving pairs");
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

    /// <summary>
    /// Candidate villages per unit: its <see cref="MinimumCandidates"/> nearest allowed villages, plus those it claims when
    /// every unit, in turn, claims the next nearest village with room left (first-secretary room for its eligible cadres,
    /// member room for the others, a fifth more than it needs). Co-located units thus reach out as far as their numbers
    /// require, instead of all asking for the same few villages. Only the starting network depends on this.
    /// </summary>
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
    /// Dense pairs (class, village, slot kind) whose worth exceeds the class's price plus the group's price, with their
    /// cost: for each class the <see cref="AddedPerClass"/> most improving. None means the prices prove the flow optimal
    /// over every allowed pair.
    /// </summary>
    List<(int Class, int Village, int Kind, long Cost)> Price(long[] classPrice, long[] groupPrice, int[] groupNode)
    {
        var workers = Math.Max(1, Math.Min(Environment.ProcessorCount, units.Length));
        var perClass = new List<(int Class, int Village, int Kind, long Cost)>[workers];
        var perGroup = new GroupBest[workers];
        var perKm = instance.PerKmCost;
        var mismatchCost = instance.MismatchCost;
        Parallel.For(0, workers, w =>
        {
            var top = new TopGains(AddedPerClass);
            var best = perGroup[w] = new GroupBest(3 * villages.Length, AddedPerGroup);
            var chosen = perClass[w] = [];
            var least = new long[3 * 6];
            for (var k = w; k < units.Length; k += workers)
            {
                // For each kind and village line: the least class price (plus mismatch) among this unit's ordinary classes.
                Array.Fill(least, long.MaxValue);
                var hasSingles = false;
                var first = classStart[k];
                top.Reset(classStart[k + 1] - first);
                for (var c = first; c < classStart[k + 1]; c++)
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
                for (var j = 0; j < villages.Length; j++)
                {
                    if (vCounty[j] == uCounty[k]) continue;
                    // The largest gain any class of the unit could make here before paying the distance.
                    long threshold = long.MinValue;
                    long floor = top.Floor;
                    for (var kind = 0; kind < 3; kind++)
                    {
                        if (groupNode[3 * j + kind] < 0) continue;
                        var l = least[kind * 6 + vLine[j]];
                        if (l != long.MaxValue) threshold = Math.Max(threshold, Worth(kind) - groupPrice[3 * j + kind] - l);
                        floor = Math.Min(floor, best.Floor(3 * j + kind));
                    }
                    if (!hasSingles)
                    {
                        if (threshold <= floor) continue;
                        if (perKm > 0 && threshold - perKm * DispatchSolver.KilometresAtLeast(Chord(k, j)) + 0.5 <= floor) continue;
                    }
                    var distanceCost = instance.DistanceCost(units[k], villages[j]);
                    for (var c = first; c < classStart[k + 1]; c++)
                    {
                        if (classForbidden[c] is { } banned && banned.Contains(villages[j])) continue;
                        var cost = distanceCost + Mismatch(c, j);
                        for (var kind = 0; kind < 3; kind++)
                        {
                            if (groupNode[3 * j + kind] < 0 || !Eligible(c, kind)) continue;
                            var gain = Worth(kind) - cost - classPrice[c] - groupPrice[3 * j + kind];
                            if (gain <= 0) continue;
                            top.Offer(c - first, gain, j, kind, cost);
                            best.Offer(3 * j + kind, gain, c, cost);
                        }
                    }
                }
                chosen.AddRange(top.Drain(first));
            }
        });
        // The union of both choices, each pair once.
        var result = new List<(int, int, int, long)>();
        var seen = new HashSet<(int, int, int)>();
        foreach (var list in perClass)
        {
            foreach (var x in list) if (seen.Add((x.Class, x.Village, x.Kind))) result.Add(x);
        }
        for (var g = 0; g < 3 * villages.Length; g++)
        {
            var merged = perGroup.SelectMany(b => b.Entries(g)).OrderByDescending(e => e.Gain).Take(AddedPerGroup);
            foreach (var (_, c, cost) in merged) if (seen.Add((c, g / 3, g % 3))) result.Add((c, g / 3, g % 3, cost));
        }
        return result;
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

        public IEnumerable<(long Gain, int Class, long Cost)> Entries(int g)
        {
            for (var i = 0; i < count[g]; i++) yield return (gain[g * size + i], cls[g * size + i], cost[g * size + i]);
        }
    }

    /// <summary>Per class of one unit, the pairs of largest gain seen so far (a min-heap each), and the least gain still worth offering.</summary>
    sealed class TopGains(int perClass)
    {
        (long Gain, int Village, int Kind, long Cost)[] heap = [];
        int[] count = [];
        int classes;

        /// <summary>Gains at or below this cannot enter any class's list.</summary>
        public long Floor { get; private set; }

        public void Reset(int classCount)
        {
            classes = classCount;
            if (count.Length < classCount)
            {
                count = new int[classCount];
                heap = new (long, int, int, long)[classCount * perClass];
            }
            Array.Clear(count, 0, classCount);
            Floor = 0;
        }

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
            else return;
            // The floor rises once every class's list is full.
            long floor = long.MaxValue;
            for (var c = 0; c < classes && floor > 0; c++) floor = count[c] < perClass ? 0 : Math.Min(floor, heap[c * perClass].Gain);
            Floor = floor == long.MaxValue ? 0 : floor;
        }

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
