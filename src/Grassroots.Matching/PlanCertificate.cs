using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace Grassroots.Matching;

/// <summary>
/// Checks a plan against an instance from scratch: that it keeps every rule (and every lock and forbidden pair), and that
/// it is optimal over every allowed cadre–village pair, using the dual prices of the weighted b-matching it solves
/// (linear-programming duality, the b-matching polytope being integral). It shares nothing with the solver but the
/// instance's own cost rule.
/// </summary>
/// <remarks>
/// <para>Regions are independent. In a region, the cadres that are not locked fill the slots that locks leave
/// (first secretary; speaker; other members, counted so that non-speakers never take the speaker's place). With
/// non-negative prices u (cadres) and y (slot groups) such that u(c) + y(k) ≥ worth(c, k) for every allowed, not forbidden
/// cadre and slot group, every feasible plan is worth at most Σu + Σ capacity(k)·y(k); a plan worth exactly that is
/// optimal. The worth of a placement is B − cost, plus A for a first secretary; the weights are checked to be large
/// enough (B &gt; the worst total cost, A ≥ B × (slots + 1)) for the weighted optimum to be the lexicographic one.</para>
/// <para>Every dense pair is covered without enumerating cadres one by one: cadres of one unit with the same line,
/// eligibility and language have the same worth everywhere, so only the least price among them matters; and a pair
/// whose distance is provably long (the straight chord through the sphere is shorter than the arc) needs no trigonometry.
/// Cadres with forbidden pairs are checked one by one.</para>
/// </remarks>
public static class PlanCertificate
{
    /// <summary>Checks the plan and the prices with no locks or forbidden pairs; an empty list means the plan keeps every rule and is proved optimal.</summary>
    public static IReadOnlyList<string> Verify(DispatchInstance instance, DispatchPlan plan, DispatchPrices prices) =>
        Verify(instance, plan, prices, DispatchConstraints.None);

    /// <summary>Checks the plan and the prices under locks and forbidden pairs; an empty list means the plan keeps every rule and constraint and is proved optimal.</summary>
    public static IReadOnlyList<string> Verify(DispatchInstance instance, DispatchPlan plan, DispatchPrices prices, DispatchConstraints constraints)
    {
        var problems = new List<string>();
        var cadres = instance.Cadres;
        var villages = instance.Villages;
        Dictionary<string, int> cadreIndex = null!, villageIndex = null!;
        Parallel.Invoke(
            () =>
            {
                cadreIndex = new Dictionary<string, int>(cadres.Count, StringComparer.Ordinal);
                for (var i = 0; i < cadres.Count; i++) cadreIndex[cadres[i].Id] = i;
            },
            () =>
            {
                villageIndex = new Dictionary<string, int>(villages.Count, StringComparer.Ordinal);
                for (var i = 0; i < villages.Count; i++) villageIndex[villages[i].Id] = i;
            });

        // Forbidden pairs and locks, as the rules to check the plan against.
        var forbidden = new Dictionary<int, HashSet<int>>();
        foreach (var f in constraints.Forbidden)
        {
            if (cadreIndex.TryGetValue(f.CadreId, out var c) && villageIndex.TryGetValue(f.VillageId, out var v))
            {
                if (!forbidden.TryGetValue(c, out var set)) forbidden[c] = set = [];
                set.Add(v);
            }
            else problems.Add($"禁止的安排 {f.CadreId}→{f.VillageId} 不在实例中。");
        }
        var locked = new bool[cadres.Count];
        var lockFs = new int[villages.Count];
        var lockMembers = new int[villages.Count];
        var lockNonSpeakers = new int[villages.Count];
        foreach (var l in constraints.Locks)
        {
            if (!cadreIndex.TryGetValue(l.CadreId, out var c) || !villageIndex.TryGetValue(l.VillageId, out var v))
            {
                problems.Add($"锁定的安排 {l.CadreId}→{l.VillageId} 不在实例中。");
                continue;
            }
            if (locked[c]) problems.Add($"干部 {l.CadreId} 被锁定了不止一次。");
            locked[c] = true;
            if (l.Slot == SlotKind.FirstSecretary) lockFs[v]++;
            else
            {
                lockMembers[v]++;
                if (!cadres[c].Speaker) lockNonSpeakers[v]++;
            }
        }

        // Feasibility of the plan.
        var placedAt = new int[cadres.Count];
        Array.Fill(placedAt, -1);
        var placedKind = new SlotKind[cadres.Count];
        var firstSecretaries = new int[villages.Count];
        var members = new int[villages.Count];
        var speakerSlots = new int[villages.Count];
        var nonSpeakers = new int[villages.Count];
        // Each placement's own rules checked side by side (reading the instance only), as flags; then, in the plan's
        // order, the counts per village and cadre and every problem's message.
        var placements = plan.Placements;
        var placedCadre = new int[placements.Count];
        var placedVillage = new int[placements.Count];
        var broken = new Broken[placements.Count];
        if (placements.Count > 0)
        {
            Parallel.ForEach(Partitioner.Create(0, placements.Count), range =>
            {
                for (var i = range.Item1; i < range.Item2; i++)
                {
                    var p = placements[i];
                    var c = placedCadre[i] = cadreIndex.TryGetValue(p.CadreId, out var ci) ? ci : -1;
                    var v = placedVillage[i] = villageIndex.TryGetValue(p.VillageId, out var vi) ? vi : -1;
                    if (c < 0 || v < 0) continue;
                    var cadre = cadres[c];
                    var unit = instance.UnitOf(c);
                    var village = villages[v];
                    var flags = Broken.None;
                    if (unit.Region != village.Region) flags |= Broken.Region;
                    if (unit.County == village.County) flags |= Broken.County;
                    if (p.Slot == SlotKind.FirstSecretary && !cadre.FirstSecretaryEligible) flags |= Broken.NotEligible;
                    if (p.Slot is SlotKind.Speaker or SlotKind.Member && !cadre.Speaker) flags |= Broken.NotSpeaker;
                    if (p.Slot == SlotKind.Speaker && !village.NeedsSpeaker) flags |= Broken.NoSpeakerSlot;
                    broken[i] = flags;
                }
            });
        }
        for (var i = 0; i < placements.Count; i++)
        {
            var p = placements[i];
            var c = placedCadre[i];
            var v = placedVillage[i];
            if (c < 0) { problems.Add($"干部 {p.CadreId} 不在实例中。"); continue; }
            if (v < 0) { problems.Add($"村 {p.VillageId} 不在实例中。"); continue; }
            if (placedAt[c] >= 0) problems.Add($"干部 {p.CadreId} 被安排了不止一次。");
            else
            {
                placedAt[c] = v;
                placedKind[c] = p.Slot;
            }
            var flags = broken[i];
            if ((flags & Broken.Region) != 0) problems.Add($"干部 {p.CadreId} 的派出单位属区域 {instance.UnitOf(c).Region}，不能派往区域 {villages[v].Region} 的村 {p.VillageId}。");
            if ((flags & Broken.County) != 0) problems.Add($"干部 {p.CadreId} 不能派往派出单位所在县 {instance.UnitOf(c).County} 的村 {p.VillageId}（回避）。");
            if (forbidden.TryGetValue(c, out var banned) && banned.Contains(v)) problems.Add($"干部 {p.CadreId} 到村 {p.VillageId} 的安排是被禁止的。");
            switch (p.Slot)
            {
                case SlotKind.FirstSecretary:
                    if ((flags & Broken.NotEligible) != 0) problems.Add($"干部 {p.CadreId} 不具备第一书记资格。");
                    firstSecretaries[v]++;
                    break;
                case SlotKind.Speaker:
                    if ((flags & Broken.NotSpeaker) != 0) problems.Add($"干部 {p.CadreId} 不会当地语言，不能担任村 {p.VillageId} 的语言翻译队员。");
                    if ((flags & Broken.NoSpeakerSlot) != 0) problems.Add($"村 {p.VillageId} 没有语言翻译名额，干部 {p.CadreId} 不能担任语言翻译队员。");
                    speakerSlots[v]++;
                    goto case SlotKind.Member;
                case SlotKind.Member:
                    members[v]++;
                    if ((flags & Broken.NotSpeaker) != 0) nonSpeakers[v]++;
                    break;
                default:
                    problems.Add($"干部 {p.CadreId} 的名额类型无效。");
                    break;
            }
        }
        for (var v = 0; v < villages.Count; v++)
        {
            var village = villages[v];
            if (firstSecretaries[v] > 1) problems.Add($"村 {village.Id} 有 {firstSecretaries[v]} 名第一书记，只能有 1 名。");
            if (speakerSlots[v] > 1) problems.Add($"村 {village.Id} 有 {speakerSlots[v]} 名语言翻译队员，只能有 1 名。");
            if (members[v] > village.Members) problems.Add($"村 {village.Id} 有 {members[v]} 名队员，名额只有 {village.Members} 个。");
            else if (nonSpeakers[v] > village.Members - (village.NeedsSpeaker ? 1 : 0))
                problems.Add($"村 {village.Id} 的语言翻译名额被不会当地语言的干部占用。");
        }
        foreach (var l in constraints.Locks)
        {
            if (cadreIndex.TryGetValue(l.CadreId, out var c) && villageIndex.TryGetValue(l.VillageId, out var v) && (placedAt[c] != v || placedKind[c] != l.Slot))
                problems.Add($"锁定的安排未保留：干部 {l.CadreId} 应在村 {l.VillageId} 担任{Name(l.Slot)}。");
        }

        // Optimality, region by region, for the cadres that are not locked and the slots locks leave.
        var n = cadres.Count;
        if (prices.Cadres.Length != n || prices.FirstSecretarySlots.Length != villages.Count
            || prices.SpeakerSlots.Length != villages.Count || prices.MemberSlots.Length != villages.Count)
        {
            problems.Add("价格的条数与实例的干部数或村数不符。");
            return problems;
        }
        var fsCap = new int[villages.Count];
        var speakerCap = new int[villages.Count];
        var memberCap = new int[villages.Count];
        for (var v = 0; v < villages.Count; v++)
        {
            var s = villages[v].NeedsSpeaker ? 1 : 0;
            fsCap[v] = Math.Max(0, 1 - lockFs[v]);
            var free = Math.Max(0, villages[v].Members - lockMembers[v]);
            memberCap[v] = Math.Max(0, Math.Min(villages[v].Members - s - lockNonSpeakers[v], free));
            speakerCap[v] = free - memberCap[v];
        }
        foreach (var (c, price) in prices.Cadres.Index())
        {
            if (price < 0) problems.Add($"干部 {cadres[c].Id} 的价格为负数。");
        }
        for (var v = 0; v < villages.Count; v++)
        {
            if ((fsCap[v] > 0 && prices.FirstSecretarySlots[v] < 0) || (speakerCap[v] > 0 && prices.SpeakerSlots[v] < 0) || (memberCap[v] > 0 && prices.MemberSlots[v] < 0))
                problems.Add($"村 {villages[v].Id} 的名额价格为负数。");
        }

        var regionNames = villages.Select(v => v.Region).Concat(instance.Units.Select(u => u.Region)).Distinct(StringComparer.Ordinal).ToList();
        var regionVillages = regionNames.ToDictionary(r => r, _ => new List<int>(), StringComparer.Ordinal);
        for (var v = 0; v < villages.Count; v++) regionVillages[villages[v].Region].Add(v);
        var unitCadres = new List<int>[instance.Units.Count];
        for (var u = 0; u < unitCadres.Length; u++) unitCadres[u] = [];
        for (var c = 0; c < n; c++)
        {
            if (!locked[c]) unitCadres[instance.UnitIndexOf(c)].Add(c);
        }

        // Regions side by side, each with its own list of problems, listed in the regions' order.
        var regionProblems = new List<string>[regionNames.Count];
        Parallel.For(0, regionNames.Count, r => regionProblems[r] = CheckRegion(regionNames[r]));
        foreach (var list in regionProblems) problems.AddRange(list);
        return problems;

        List<string> CheckRegion(string region)
        {
            var found = new List<string>();
            var inRegion = regionVillages[region];
            var regionUnits = Enumerable.Range(0, instance.Units.Count).Where(u => instance.Units[u].Region == region && unitCadres[u].Count > 0).ToArray();
            if (!prices.Weights.TryGetValue(region, out var weights))
            {
                if (inRegion.Count > 0 && regionUnits.Length > 0) found.Add($"缺少区域 {region} 的权重。");
                weights = new DispatchWeights(0, 0);
            }
            var check = new RegionCheck(instance, prices, weights, inRegion, fsCap, speakerCap, memberCap);

            // The weights make the weighted optimum the lexicographic one.
            Int128 worstTotal = 0;
            long slots = 0;
            foreach (var v in inRegion) slots += fsCap[v] + speakerCap[v] + memberCap[v];
            var worstOfUnit = new long[regionUnits.Length];
            Parallel.For(0, regionUnits.Length, i => worstOfUnit[i] = check.WorstCostAtMost(regionUnits[i]));
            for (var i = 0; i < regionUnits.Length; i++) worstTotal += (Int128)worstOfUnit[i] * unitCadres[regionUnits[i]].Count;
            if (inRegion.Count > 0 && regionUnits.Length > 0)
            {
                if ((Int128)weights.SlotWeight <= worstTotal)
                {
                    // The bound was too coarse: the exact worst costs decide.
                    worstTotal = 0;
                    foreach (var u in regionUnits) worstTotal += (Int128)check.WorstCost(u) * unitCadres[u].Count;
                    if ((Int128)weights.SlotWeight <= worstTotal) found.Add($"区域 {region}：名额权重 B={weights.SlotWeight} 不大于最坏总代价 {worstTotal}。");
                }
                if ((Int128)weights.FirstSecretaryWeight < (Int128)weights.SlotWeight * (slots + 1))
                    found.Add($"区域 {region}：第一书记权重 A={weights.FirstSecretaryWeight} 小于 B×(名额数+1)。");
            }

            // Dual feasibility over every allowed pair.
            var violations = new long[regionUnits.Length];
            Parallel.For(0, regionUnits.Length, i => violations[i] = check.Violations(regionUnits[i], unitCadres[regionUnits[i]], forbidden));
            var total = violations.Sum();
            if (total > 0) found.Add($"区域 {region}：价格不可行，{total} 个干部与名额的组合价格之和低于其价值。");

            // Equal values: the plan reaches the bound every plan is held to.
            Int128 bound = 0, worth = 0;
            foreach (var u in instance.Units.Select((unit, i) => (unit, i)).Where(x => x.unit.Region == region).Select(x => x.i))
            {
                foreach (var c in unitCadres[u])
                {
                    bound += prices.Cadres[c];
                    var v = placedAt[c];
                    if (v < 0) continue;
                    worth += (placedKind[c] == SlotKind.FirstSecretary ? weights.FirstSecretaryWeight : 0) + (Int128)weights.SlotWeight - instance.Cost(c, v);
                }
            }
            foreach (var v in inRegion)
            {
                bound += (Int128)fsCap[v] * prices.FirstSecretarySlots[v] + (Int128)speakerCap[v] * prices.SpeakerSlots[v] + (Int128)memberCap[v] * prices.MemberSlots[v];
            }
            if (worth != bound) found.Add($"区域 {region}：方案价值 {worth} 不等于价格给出的上界 {bound}：不能证明方案最优。");
            return found;
        }
    }

    /// <summary>The rules one placement breaks by itself (its cadre, unit and village).</summary>
    [Flags]
    enum Broken : byte
    {
        None = 0,
        Region = 1,
        County = 2,
        NotEligible = 4,
        NotSpeaker = 8,
        NoSpeakerSlot = 16,
    }

    static string Name(SlotKind kind) => kind switch
    {
        SlotKind.FirstSecretary => "第一书记",
        SlotKind.Speaker => "语言翻译队员",
        _ => "队员",
    };

    /// <summary>
    /// One region's villages and prices, for the checks that run unit by unit. The villages are grouped in cells of a
    /// latitude–longitude grid, each with a ball (in unit vectors) that holds all its villages, so that a whole cell can be
    /// settled by one chord bound when even its best slot is too far to be worth anything.
    /// </summary>
    sealed class RegionCheck
    {
        const int PerCell = 16;
        readonly DispatchInstance instance;
        readonly DispatchPrices prices;
        readonly DispatchWeights weights;
        readonly int[] villages;
        readonly double[] x, y, z;
        readonly int[] villageCounty, villageLine;
        readonly Dictionary<string, int> counties = new(StringComparer.Ordinal);
        readonly int[] fsCap, speakerCap, memberCap;
        readonly int cellCount;
        readonly int[] cellStart, cellVillage;
        readonly double[] cx, cy, cz, radius;
        /// <summary>Per cell, kind and village line: the most a slot of that kind is worth above its price there.</summary>
        readonly Int128[] cellBest;

        public RegionCheck(DispatchInstance instance, DispatchPrices prices, DispatchWeights weights, List<int> villages, int[] fsCap, int[] speakerCap, int[] memberCap)
        {
            this.instance = instance;
            this.prices = prices;
            this.weights = weights;
            this.villages = [.. villages];
            this.fsCap = fsCap;
            this.speakerCap = speakerCap;
            this.memberCap = memberCap;
            var n = this.villages.Length;
            x = new double[n];
            y = new double[n];
            z = new double[n];
            villageCounty = new int[n];
            villageLine = new int[n];
            for (var i = 0; i < n; i++)
            {
                var v = instance.Villages[this.villages[i]];
                (x[i], y[i], z[i]) = Point(v.Latitude, v.Longitude);
                if (!counties.TryGetValue(v.County, out villageCounty[i])) counties[v.County] = villageCounty[i] = counties.Count;
                villageLine[i] = (int)v.Line;
            }

            // Cells: a grid of about PerCell villages each over the region's bounding box.
            var lat = this.villages.Select(v => instance.Villages[v].Latitude).ToArray();
            var lon = this.villages.Select(v => instance.Villages[v].Longitude).ToArray();
            double minLat = n > 0 ? lat.Min() : 0, minLon = n > 0 ? lon.Min() : 0;
            var lonScale = n > 0 ? Math.Max(0.05, Math.Cos(lat.Average() * Math.PI / 180)) : 1;
            var height = Math.Max(1e-6, (n > 0 ? lat.Max() : 0) - minLat);
            var width = Math.Max(1e-6, ((n > 0 ? lon.Max() : 0) - minLon) * lonScale);
            var side = Math.Max(1e-4, Math.Sqrt(height * width * PerCell / Math.Max(1, n)));
            var cols = (int)(width / side) + 1;
            var rows = (int)(height / side) + 1;
            var cellOf = new int[n];
            var index = new Dictionary<int, int>();
            for (var i = 0; i < n; i++)
            {
                var key = Math.Clamp((int)((lat[i] - minLat) / side), 0, rows - 1) * cols + Math.Clamp((int)((lon[i] - minLon) * lonScale / side), 0, cols - 1);
                if (!index.TryGetValue(key, out cellOf[i])) index[key] = cellOf[i] = index.Count;
            }
            cellCount = index.Count;
            cellStart = new int[cellCount + 1];
            foreach (var c in cellOf) cellStart[c + 1]++;
            for (var c = 0; c < cellCount; c++) cellStart[c + 1] += cellStart[c];
            cellVillage = new int[n];
            var fill = cellStart[..cellCount];
            for (var i = 0; i < n; i++) cellVillage[fill[cellOf[i]]++] = i;
            cx = new double[cellCount]; cy = new double[cellCount]; cz = new double[cellCount]; radius = new double[cellCount];
            cellBest = new Int128[cellCount * 15];
            Array.Fill(cellBest, Int128.MinValue);
            for (var c = 0; c < cellCount; c++)
            {
                for (var t = cellStart[c]; t < cellStart[c + 1]; t++) { var i = cellVillage[t]; cx[c] += x[i]; cy[c] += y[i]; cz[c] += z[i]; }
                var count = cellStart[c + 1] - cellStart[c];
                cx[c] /= count; cy[c] /= count; cz[c] /= count;
                double r = 0;
                for (var t = cellStart[c]; t < cellStart[c + 1]; t++)
                {
                    var i = cellVillage[t];
                    r = Math.Max(r, Math.Sqrt((x[i] - cx[c]) * (x[i] - cx[c]) + (y[i] - cy[c]) * (y[i] - cy[c]) + (z[i] - cz[c]) * (z[i] - cz[c])));
                    for (var kind = 0; kind < 3; kind++)
                    {
                        var value = SlotValue(kind, this.villages[i]);
                        ref var best = ref cellBest[c * 15 + kind * 5 + villageLine[i]];
                        if (value > best) best = value;
                    }
                }
                radius[c] = r * (1 + 1e-9) + 1e-12;
            }
        }

        /// <summary>What a slot of the kind in the village is worth above its price; −∞ when the village has no such slot.</summary>
        Int128 SlotValue(int kind, int v)
        {
            var (cap, price, worth) = kind switch
            {
                0 => (fsCap[v], prices.FirstSecretarySlots[v], (Int128)weights.FirstSecretaryWeight + weights.SlotWeight),
                1 => (speakerCap[v], prices.SpeakerSlots[v], (Int128)weights.SlotWeight),
                _ => (memberCap[v], prices.MemberSlots[v], (Int128)weights.SlotWeight),
            };
            return cap > 0 ? worth - price : Int128.MinValue;
        }

        /// <summary>Bounds on the chord from a point to any village of the cell (unit vectors, widened for rounding).</summary>
        (double AtLeast, double AtMost) CellChord(int c, double px, double py, double pz)
        {
            double dx = px - cx[c], dy = py - cy[c], dz = pz - cz[c];
            var d = Math.Sqrt(dx * dx + dy * dy + dz * dz);
            return (Math.Max(0, d * (1 - 1e-12) - radius[c]), d * (1 + 1e-12) + radius[c]);
        }

        static (double, double, double) Point(double latitude, double longitude)
        {
            const double toRad = Math.PI / 180.0;
            double lat = latitude * toRad, lon = longitude * toRad;
            return (Math.Cos(lat) * Math.Cos(lon), Math.Cos(lat) * Math.Sin(lon), Math.Sin(lat));
        }

        int CountyOf(int unit) => counties.TryGetValue(instance.Units[unit].County, out var c) ? c : -1;

        bool Allowed(int unit, int village) => instance.Units[unit].County != instance.Villages[village].County;

        /// <summary>An upper bound on the cost of any allowed placement from the unit: the farthest chord's arc, plus the mismatch.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public long WorstCostAtMost(int unit)
        {
            var u = instance.Units[unit];
            var (ux, uy, uz) = Point(u.Latitude, u.Longitude);
            var home = CountyOf(unit);
            // The farthest allowed village: a cell whose farthest point is nearer than a village already found can hold none.
            double far = -1;
            for (var c = 0; c < cellCount; c++)
            {
                var i = cellVillage[cellStart[c]];
                if (villageCounty[i] != home) far = Math.Max(far, Chord(ux, uy, uz, i));
            }
            for (var c = 0; c < cellCount; c++)
            {
                if (CellChord(c, ux, uy, uz).AtMost <= far) continue;
                for (var t = cellStart[c]; t < cellStart[c + 1]; t++)
                {
                    var i = cellVillage[t];
                    if (villageCounty[i] != home) far = Math.Max(far, Chord(ux, uy, uz, i));
                }
            }
            if (far < 0) return 0;
            var km = 2 * Haversine.EarthRadiusKm * Math.Asin(Math.Min(1.0, far / 2 * (1 + 1e-12) + 1e-12)) + 1e-7;
            return instance.MismatchCost + DispatchInstance.RoundHalfAwayFromZero(instance.PerKmCost * km);
        }

        double Chord(double ux, double uy, double uz, int i)
        {
            double dx = ux - x[i], dy = uy - y[i], dz = uz - z[i];
            return Math.Sqrt(dx * dx + dy * dy + dz * dz);
        }

        /// <summary>The exact worst cost of any allowed placement from the unit (mismatch counted wherever it may apply).</summary>
        public long WorstCost(int unit)
        {
            long worst = 0;
            foreach (var v in villages)
            {
                if (Allowed(unit, v)) worst = Math.Max(worst, instance.MismatchCost + instance.DistanceCost(unit, v));
            }
            return worst;
        }

        /// <summary>Counts the allowed pairs of the unit's free cadres whose prices fall below their worth.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public long Violations(int unit, List<int> freeCadres, Dictionary<int, HashSet<int>> forbidden)
        {
            // Least price per slot kind (0 first secretary, 1 speaker, 2 member) and village line, over ordinary cadres.
            var least = new long[3 * 5];
            Array.Fill(least, long.MaxValue);
            var singles = new List<int>();
            foreach (var c in freeCadres)
            {
                if (forbidden.ContainsKey(c)) { singles.Add(c); continue; }
                var cadre = instance.Cadres[c];
                for (var line = 0; line < 5; line++)
                {
                    var p = prices.Cadres[c] + (DispatchInstance.Mismatches(cadre.Line, (WorkLine)line) ? instance.MismatchCost : 0);
                    if (cadre.FirstSecretaryEligible) least[line] = Math.Min(least[line], p);
                    if (cadre.Speaker) least[5 + line] = Math.Min(least[5 + line], p);
                    least[10 + line] = Math.Min(least[10 + line], p);
                }
            }
            // For the cell bound: the least price per kind and village line over every free cadre, single ones included.
            var leastAll = (long[])least.Clone();
            foreach (var c in singles)
            {
                var cadre = instance.Cadres[c];
                for (var l = 0; l < 5; l++)
                {
                    var p = prices.Cadres[c] + (DispatchInstance.Mismatches(cadre.Line, (WorkLine)l) ? instance.MismatchCost : 0);
                    if (cadre.FirstSecretaryEligible) leastAll[l] = Math.Min(leastAll[l], p);
                    if (cadre.Speaker) leastAll[5 + l] = Math.Min(leastAll[5 + l], p);
                    leastAll[10 + l] = Math.Min(leastAll[10 + l], p);
                }
            }
            var u = instance.Units[unit];
            var (ux, uy, uz) = Point(u.Latitude, u.Longitude);
            var home = CountyOf(unit);
            long violations = 0;
            for (var cell = 0; cell < cellCount; cell++)
            {
                // The most any pair of the unit with a village of this cell could be worth above its prices, before distance.
                Int128 cellMost = Int128.MinValue;
                for (var h = 0; h < 15; h++)
                {
                    if (cellBest[cell * 15 + h] == Int128.MinValue || leastAll[h] == long.MaxValue) continue;
                    cellMost = Int128.Max(cellMost, cellBest[cell * 15 + h] - leastAll[h]);
                }
                if (cellMost <= 0) continue;
                if (instance.PerKmCost > 0 && cellMost < long.MaxValue)
                {
                    var kmAtLeast = Haversine.EarthRadiusKm * CellChord(cell, ux, uy, uz).AtLeast * (1 - 1e-12) - 1e-7;
                    if (instance.PerKmCost * kmAtLeast >= (double)cellMost - 0.5) continue;
                }
                for (var t = cellStart[cell]; t < cellStart[cell + 1]; t++)
                {
                    var i = cellVillage[t];
                    if (villageCounty[i] == home) continue;
                    var v = villages[i];
                    var village = instance.Villages[v];
                    var vLine = villageLine[i];
                    // Each kind's condition: distance cost ≥ worth − slot price − least cadre price (with mismatch).
                    Span<Int128> need = [Need(0, v, vLine, least), Need(1, v, vLine, least), Need(2, v, vLine, least)];
                    Int128 most = Int128.Max(need[0], Int128.Max(need[1], need[2]));
                    if (singles.Count == 0)
                    {
                        if (most <= 0) continue;
                        if (instance.PerKmCost > 0 && most < long.MaxValue)
                        {
                            var kmAtLeast = Haversine.EarthRadiusKm * Chord(ux, uy, uz, i) * (1 - 1e-12) - 1e-7;
                            if (instance.PerKmCost * kmAtLeast >= (double)most - 0.5) continue;
                        }
                    }
                    var distance = instance.DistanceCost(unit, v);
                    for (var kind = 0; kind < 3; kind++)
                    {
                        if (need[kind] > distance) violations++;
                    }
                    foreach (var c in singles)
                    {
                        if (forbidden[c].Contains(v)) continue;
                        var cadre = instance.Cadres[c];
                        var cost = distance + (DispatchInstance.Mismatches(cadre.Line, village.Line) ? instance.MismatchCost : 0);
                        Int128 member = (Int128)weights.SlotWeight - cost;
                        if (cadre.FirstSecretaryEligible && fsCap[v] > 0 && prices.Cadres[c] + (Int128)prices.FirstSecretarySlots[v] < member + weights.FirstSecretaryWeight) violations++;
                        if (cadre.Speaker && speakerCap[v] > 0 && prices.Cadres[c] + (Int128)prices.SpeakerSlots[v] < member) violations++;
                        if (memberCap[v] > 0 && prices.Cadres[c] + (Int128)prices.MemberSlots[v] < member) violations++;
                    }
                }
            }
            return violations;
        }

        /// <summary>The least distance cost a pair of this kind needs to be priced out (−∞ when the kind has no room or no eligible cadre).</summary>
        Int128 Need(int kind, int v, int line, long[] least)
        {
            var l = least[kind * 5 + line];
            if (l == long.MaxValue) return Int128.MinValue;
            var (cap, price, worth) = kind switch
            {
                0 => (fsCap[v], prices.FirstSecretarySlots[v], (Int128)weights.FirstSecretaryWeight + weights.SlotWeight),
                1 => (speakerCap[v], prices.SpeakerSlots[v], (Int128)weights.SlotWeight),
                _ => (memberCap[v], prices.MemberSlots[v], (Int128)weights.SlotWeight),
            };
            return cap > 0 ? worth - price - l : Int128.MinValue;
        }
    }
}
