using System.Collections.Concurrent;

namespace Grassroots.Matching;

/// <summary>The lexicographic weights of one dispatch region (see <see cref="DispatchPrices"/>).</summary>
/// <param name="FirstSecretaryWeight">Extra worth of a first-secretary placement (A).</param>
/// <param name="SlotWeight">Worth of any placement before its cost (B).</param>
public readonly record struct DispatchWeights(long FirstSecretaryWeight, long SlotWeight);

/// <summary>
/// Dual prices that prove a plan optimal (see <see cref="PlanCertificate"/>). Regions are independent problems; in each,
/// the plan is read as a weighted b-matching of the cadres that are not locked: placing cadre <c>c</c> in village
/// <c>v</c> is worth the region's <see cref="DispatchWeights.SlotWeight"/> − cost(c, v), plus
/// <see cref="DispatchWeights.FirstSecretaryWeight"/> for a first-secretary slot. The weights make the weighted optimum
/// the lexicographic one. Prices are per cadre and per village slot group (first secretary, speaker, other members),
/// addressed by position in the instance; all are non-negative.
/// </summary>
/// <param name="Weights">The weights of each region, by region name.</param>
/// <param name="Cadres">Price of each cadre, by position in <see cref="DispatchInstance.Cadres"/>.</param>
/// <param name="FirstSecretarySlots">Price of each village's first-secretary slot, by position in <see cref="DispatchInstance.Villages"/>.</param>
/// <param name="SpeakerSlots">Price of each village's speaker slot (used where the village needs a speaker).</param>
/// <param name="MemberSlots">Price of each of a village's other member slots.</param>
public sealed record DispatchPrices(
    IReadOnlyDictionary<string, DispatchWeights> Weights,
    long[] Cadres,
    long[] FirstSecretarySlots,
    long[] SpeakerSlots,
    long[] MemberSlots);

/// <summary>An optimal plan with its objective and the prices that prove it optimal.</summary>
/// <param name="Plan">The plan, placements ordered by village, then first secretary, speaker, members.</param>
/// <param name="Objective">The plan's lexicographic objective.</param>
/// <param name="Prices">The dual prices (certificate of optimality).</param>
public sealed record DispatchSolution(DispatchPlan Plan, DispatchObjective Objective, DispatchPrices Prices);

/// <summary>The instance cannot be solved with 64-bit weights (rates or sizes far beyond any real dispatch).</summary>
public sealed class DispatchTooLargeException(string message) : Exception(message);

/// <summary>
/// Exact dispatch solver over every allowed cadre–village pair. Per region, a min-cost flow: cadre classes (cadres of one
/// unit with the same line, first-secretary eligibility and language, whose cost rows are identical) supply their size;
/// village slot groups (first secretary: capacity 1, eligible cadres only; speaker: capacity 1, speakers only; other
/// members) take up to their capacity; every class may also leave cadres not placed at cost 0. A first-secretary arc
/// costs cost − A − B, a member arc cost − B, with B greater than any plan's total cost and A ≥ B × (slots + 1), so the
/// minimum-cost flow maximises first secretaries, then filled slots, then minimises cost.
/// </summary>
/// <remarks>
/// The network starts from each unit's nearest villages and is solved by the network simplex (in large regions from the
/// villages a coarse plan predicts too, and from a tree built out of a cost-scaling flow); then every dense pair is
/// priced with the dual prices (a cheap lower bound on the distance settles almost every pair without trigonometry) and
/// the pairs that would improve the plan are added, and the simplex continues from its basis, until no pair improves it.
/// That last pricing is a proof of optimality over all pairs; <see cref="PlanCertificate"/> repeats it independently.
/// Regions are solved in parallel. See docs/adr/0004-dispatch-planner-column-generation.md.
/// </remarks>
public static class DispatchSolver
{
    /// <summary>Computes each region's weights (A, B) that make the weighted optimum the lexicographic optimum.</summary>
    /// <exception cref="DispatchTooLargeException">The weights do not fit in 64 bits.</exception>
    public static IReadOnlyDictionary<string, DispatchWeights> Weights(DispatchInstance instance)
    {
        var model = new Model(instance, DispatchConstraints.None);
        var result = new Dictionary<string, DispatchWeights>(StringComparer.Ordinal);
        foreach (var region in model.Regions) result[region.Name] = new RegionSolver(model, region).ComputeWeights();
        return result;
    }

    /// <summary>Solves the instance exactly.</summary>
    /// <exception cref="DispatchTooLargeException">The weights do not fit in 64 bits.</exception>
    public static DispatchSolution Solve(DispatchInstance instance) => Solve(instance, DispatchConstraints.None);

    /// <summary>Solves the instance exactly with locked placements kept and forbidden pairs left out.</summary>
    /// <exception cref="ArgumentException">A lock breaks a hard rule, or a lock or forbidden pair names an unknown cadre or village.</exception>
    /// <exception cref="DispatchTooLargeException">The weights do not fit in 64 bits.</exception>
    public static DispatchSolution Solve(DispatchInstance instance, DispatchConstraints constraints) => Solve(instance, constraints, null);

    /// <summary>
    /// Solves the instance exactly; with <paramref name="warmStart"/> true, each region's simplex starts from a
    /// cost-scaling flow, with false from nobody placed, with null as the region's size suggests.
    /// </summary>
    internal static DispatchSolution Solve(DispatchInstance instance, DispatchConstraints constraints, bool? warmStart)
    {
        var model = new Model(instance, constraints);
        var cadreCount = instance.Cadres.Count;
        var villageCount = instance.Villages.Count;
        var slotOf = new int[cadreCount];        // 3 × village + kind (0 FS, 1 speaker, 2 member) or −1
        Array.Fill(slotOf, -1);
        var cadrePrices = new long[cadreCount];
        var fsPrices = new long[villageCount];
        var speakerPrices = new long[villageCount];
        var memberPrices = new long[villageCount];
        var weights = new ConcurrentDictionary<string, DispatchWeights>(StringComparer.Ordinal);

        // Largest regions first, so the two cores finish together (and the first regions' arc arrays serve the later ones).
        var spares = new NetworkSimplex.Spares();
        var order = model.Regions.OrderByDescending(r => (long)r.Cadres.Count * r.Villages.Count).ToArray();
        try
        {
            // One region at a time from the queue: a plain Parallel.ForEach over an array hands each worker a range
            // of it and claims ever larger chunks, which left one core idle for the last 17 s at nation scale.
            Parallel.ForEach(Partitioner.Create(order, EnumerablePartitionerOptions.NoBuffering), new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, region =>
            {
                var solver = new RegionSolver(model, region, warmStart, spares);
                weights[region.Name] = solver.Solve(slotOf, cadrePrices, fsPrices, speakerPrices, memberPrices);
            });
        }
        catch (AggregateException error) when (error.InnerExceptions.FirstOrDefault(e => e is DispatchTooLargeException) is { } tooLarge)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(tooLarge);
        }

        // The plan: locked placements as locked, the others as solved; by village, then first secretary, speaker,
        // member, then cadre (a counting sort on village and kind, the cadres already in order).
        var slotOfCadre = new int[cadreCount];
        var start = new int[3 * villageCount + 1];
        var fs = 0;
        for (var c = 0; c < cadreCount; c++)
        {
            var slot = model.LockedVillage[c] >= 0 ? 3 * model.LockedVillage[c] + Order(model.LockedKind[c]) : slotOf[c];
            slotOfCadre[c] = slot;
            if (slot < 0) continue;
            start[slot + 1]++;
            if (slot % 3 == 0) fs++;
        }
        for (var s = 0; s < 3 * villageCount; s++) start[s + 1] += start[s];
        var placedCadres = new int[start[3 * villageCount]];
        for (var c = 0; c < cadreCount; c++)
        {
            if (slotOfCadre[c] >= 0) placedCadres[start[slotOfCadre[c]]++] = c;
        }
        var placements = new Placement[placedCadres.Length];
        long cost = 0;
        if (placedCadres.Length > 0) Parallel.ForEach(Partitioner.Create(0, placedCadres.Length, Math.Max(1, placedCadres.Length / (4 * Environment.ProcessorCount))), range =>
        {
            long local = 0;
            for (var i = range.Item1; i < range.Item2; i++)
            {
                var c = placedCadres[i];
                var v = slotOfCadre[c] / 3;
                var kind = (slotOfCadre[c] % 3) switch { 0 => SlotKind.FirstSecretary, 1 => SlotKind.Speaker, _ => SlotKind.Member };
                placements[i] = new Placement(instance.Cadres[c].Id, instance.Villages[v].Id, kind);
                local += instance.Cost(c, v);
            }
            Interlocked.Add(ref cost, local);
        });
        var plan = new DispatchPlan(placements);
        foreach (var name in model.RegionNames) weights.TryAdd(name, new DispatchWeights(1, 1));
        var prices = new DispatchPrices(new Dictionary<string, DispatchWeights>(weights, StringComparer.Ordinal), cadrePrices, fsPrices, speakerPrices, memberPrices);
        return new DispatchSolution(plan, new DispatchObjective(fs, placements.Length, cost), prices);
    }

    static int Order(SlotKind kind) => kind switch { SlotKind.FirstSecretary => 0, SlotKind.Speaker => 1, _ => 2 };

    /// <summary>One region's cadres that are not locked and its villages.</summary>
    internal sealed record Region(string Name, List<int> Cadres, List<int> Villages);

    /// <summary>The instance read for solving: regions, avoidance counties as numbers, locks and forbidden pairs checked.</summary>
    internal sealed class Model
    {
        public readonly DispatchInstance Instance;
        public readonly int[] UnitRegion, UnitCounty, VillageRegion, VillageCounty;
        public readonly string[] RegionNames;
        public readonly List<Region> Regions = [];
        public readonly int[] LockedVillage;
        public readonly SlotKind[] LockedKind;
        /// <summary>Residual capacities per village after locks: first secretary, speaker, other members.</summary>
        public readonly int[] FsCap, SpeakerCap, MemberCap;
        /// <summary>Forbidden villages of each cadre that has any.</summary>
        public readonly Dictionary<int, HashSet<int>> Forbidden = [];

        public Model(DispatchInstance instance, DispatchConstraints constraints)
        {
            Instance = instance;
            var regionIds = new Dictionary<string, int>(StringComparer.Ordinal);
            var countyIds = new Dictionary<string, int>(StringComparer.Ordinal);
            int Intern(Dictionary<string, int> map, string key)
            {
                if (!map.TryGetValue(key, out var id)) map[key] = id = map.Count;
                return id;
            }
            var units = instance.Units;
            UnitRegion = new int[units.Count];
            UnitCounty = new int[units.Count];
            for (var u = 0; u < units.Count; u++)
            {
                UnitRegion[u] = Intern(regionIds, units[u].Region);
                UnitCounty[u] = Intern(countyIds, units[u].County);
            }
            var villages = instance.Villages;
            VillageRegion = new int[villages.Count];
            VillageCounty = new int[villages.Count];
            for (var v = 0; v < villages.Count; v++)
            {
                VillageRegion[v] = Intern(regionIds, villages[v].Region);
                VillageCounty[v] = Intern(countyIds, villages[v].County);
            }
            RegionNames = new string[regionIds.Count];
            foreach (var (name, id) in regionIds) RegionNames[id] = name;

            FsCap = new int[villages.Count];
            SpeakerCap = new int[villages.Count];
            MemberCap = new int[villages.Count];
            LockedVillage = new int[instance.Cadres.Count];
            Array.Fill(LockedVillage, -1);
            LockedKind = new SlotKind[instance.Cadres.Count];
            ApplyConstraints(constraints);

            var regionCadres = new List<int>[RegionNames.Length];
            var regionVillages = new List<int>[RegionNames.Length];
            for (var r = 0; r < RegionNames.Length; r++) { regionCadres[r] = []; regionVillages[r] = []; }
            for (var v = 0; v < villages.Count; v++) regionVillages[VillageRegion[v]].Add(v);
            for (var c = 0; c < instance.Cadres.Count; c++)
            {
                if (LockedVillage[c] < 0) regionCadres[UnitRegion[instance.UnitIndexOf(c)]].Add(c);
            }
            for (var r = 0; r < RegionNames.Length; r++)
            {
                if (regionCadres[r].Count > 0 && regionVillages[r].Count > 0) Regions.Add(new Region(RegionNames[r], regionCadres[r], regionVillages[r]));
            }
        }

        public bool IsAllowed(int cadre, int village)
        {
            var u = Instance.UnitIndexOf(cadre);
            return UnitRegion[u] == VillageRegion[village] && UnitCounty[u] != VillageCounty[village];
        }

        void ApplyConstraints(DispatchConstraints constraints)
        {
            var instance = Instance;
            Dictionary<string, int>? cadreIndex = null, villageIndex = null;
            if (constraints.Locks.Count > 0 || constraints.Forbidden.Count > 0)
            {
                cadreIndex = new Dictionary<string, int>(instance.Cadres.Count, StringComparer.Ordinal);
                for (var i = 0; i < instance.Cadres.Count; i++) cadreIndex[instance.Cadres[i].Id] = i;
                villageIndex = new Dictionary<string, int>(instance.Villages.Count, StringComparer.Ordinal);
                for (var i = 0; i < instance.Villages.Count; i++) villageIndex[instance.Villages[i].Id] = i;
            }
            int Cadre(string id, string what) => cadreIndex!.TryGetValue(id, out var c) ? c : throw new ArgumentException($"{what}中的干部 {id} 不在实例中。", nameof(constraints));
            int Village(string id, string cadre, string what) => villageIndex!.TryGetValue(id, out var v) ? v : throw new ArgumentException($"{what}中干部 {cadre} 的村 {id} 不在实例中。", nameof(constraints));

            foreach (var pair in constraints.Forbidden)
            {
                var c = Cadre(pair.CadreId, "禁止的安排");
                var v = Village(pair.VillageId, pair.CadreId, "禁止的安排");
                if (!Forbidden.TryGetValue(c, out var set)) Forbidden[c] = set = [];
                set.Add(v);
            }

            var fsLock = new Dictionary<int, int>();
            var speakerLock = new Dictionary<int, int>();
            var memberLocks = new Dictionary<int, (int All, int NonSpeakers)>();
            foreach (var l in constraints.Locks)
            {
                var c = Cadre(l.CadreId, "锁定");
                var v = Village(l.VillageId, l.CadreId, "锁定");
                var cadre = instance.Cadres[c];
                var unit = instance.UnitOf(c);
                var village = instance.Villages[v];
                string Where() => $"干部 {cadre.Id} 锁定到村 {village.Id}";
                if (LockedVillage[c] >= 0)
                    throw new ArgumentException($"干部 {cadre.Id} 被锁定了不止一次（村 {instance.Villages[LockedVillage[c]].Id} 和村 {village.Id}）。", nameof(constraints));
                if (Forbidden.TryGetValue(c, out var banned) && banned.Contains(v))
                    throw new ArgumentException($"{Where()}，但这一安排同时被禁止。", nameof(constraints));
                if (unit.Region != village.Region)
                    throw new ArgumentException($"{Where()}无效：派出单位属区域 {unit.Region}，村属区域 {village.Region}。", nameof(constraints));
                if (unit.County == village.County)
                    throw new ArgumentException($"{Where()}无效：派出单位在县 {unit.County}，不能派往本县的村（回避）。", nameof(constraints));
                switch (l.Slot)
                {
                    case SlotKind.FirstSecretary:
                        if (!cadre.FirstSecretaryEligible)
                            throw new ArgumentException($"{Where()}担任第一书记无效：该干部不具备第一书记资格。", nameof(constraints));
                        if (fsLock.TryGetValue(v, out var other))
                            throw new ArgumentException($"{Where()}担任第一书记无效：村 {village.Id} 只有 1 个第一书记名额，已锁定给干部 {instance.Cadres[other].Id}。", nameof(constraints));
                        fsLock[v] = c;
                        break;
                    case SlotKind.Speaker:
                        if (!cadre.Speaker)
                            throw new ArgumentException($"{Where()}担任语言翻译队员无效：该干部不会当地语言。", nameof(constraints));
                        if (!village.NeedsSpeaker)
                            throw new ArgumentException($"{Where()}担任语言翻译队员无效：村 {village.Id} 没有语言翻译名额。", nameof(constraints));
                        if (speakerLock.TryGetValue(v, out var taken))
                            throw new ArgumentException($"{Where()}担任语言翻译队员无效：村 {village.Id} 只有 1 个语言翻译名额，已锁定给干部 {instance.Cadres[taken].Id}。", nameof(constraints));
                        speakerLock[v] = c;
                        goto case SlotKind.Member;
                    case SlotKind.Member:
                        memberLocks.TryGetValue(v, out var count);
                        count = (count.All + 1, count.NonSpeakers + (cadre.Speaker ? 0 : 1));
                        if (count.All > village.Members)
                            throw new ArgumentException($"{Where()}无效：村 {village.Id} 只有 {village.Members} 个队员名额，已被锁定占满。", nameof(constraints));
                        var nonSpeakerRoom = village.Members - (village.NeedsSpeaker ? 1 : 0);
                        if (count.NonSpeakers > nonSpeakerRoom)
                            throw new ArgumentException($"{Where()}无效：该干部不会当地语言，村 {village.Id} 其余 {nonSpeakerRoom} 个队员名额已被锁定占满，剩下的是语言翻译名额。", nameof(constraints));
                        memberLocks[v] = count;
                        break;
                    default:
                        throw new ArgumentException($"{Where()}的名额类型无效。", nameof(constraints));
                }
                LockedVillage[c] = v;
                LockedKind[c] = l.Slot;
            }

            for (var v = 0; v < instance.Villages.Count; v++)
            {
                var village = instance.Villages[v];
                var s = village.NeedsSpeaker ? 1 : 0;
                memberLocks.TryGetValue(v, out var locked);
                FsCap[v] = fsLock.ContainsKey(v) ? 0 : 1;
                var free = village.Members - locked.All;
                MemberCap[v] = Math.Min(village.Members - s - locked.NonSpeakers, free);
                SpeakerCap[v] = free - MemberCap[v];
            }
        }
    }

    /// <summary>Unit vectors on the sphere; the chord between two points bounds their great-circle distance from below.</summary>
    internal static (double X, double Y, double Z) UnitVector(double latitude, double longitude)
    {
        const double toRad = Math.PI / 180.0;
        double lat = latitude * toRad, lon = longitude * toRad;
        return (Math.Cos(lat) * Math.Cos(lon), Math.Cos(lat) * Math.Sin(lon), Math.Sin(lat));
    }

    /// <summary>
    /// An upper bound on the great-circle distance (km) for a chord of length <paramref name="chord"/> between unit
    /// vectors computed in double precision: 2R·asin(chord/2), widened for rounding.
    /// </summary>
    internal static double KilometresAtMost(double chord) =>
        2 * Haversine.EarthRadiusKm * Math.Asin(Math.Min(1.0, chord / 2 * (1 + 1e-9) + 1e-9)) + 1e-6;

    /// <summary>A lower bound on the great-circle distance (km) for a chord: R·chord, narrowed for rounding.</summary>
    internal static double KilometresAtLeast(double chord) => Haversine.EarthRadiusKm * chord * (1 - 1e-9) - 1e-6;
}
