using Grassroots.Matching;

namespace Grassroots.Tests.Matching;

/// <summary>Small dispatch instances for tests, and an exhaustive reference solver.</summary>
static class DispatchTestInstances
{
    /// <summary>A random tiny instance: up to <paramref name="maxCadres"/> cadres, up to 3 villages with 1–2 members.</summary>
    public static DispatchInstance Random(Random random, int maxCadres = 6)
    {
        string[] counties = ["c1", "c2", "c3"];
        var lines = Enum.GetValues<WorkLine>();
        var villages = Enumerable.Range(0, random.Next(1, 4)).Select(i => new DispatchVillage(
            $"v{i}", random.Next(5) == 0 ? "r2" : "r1", counties[random.Next(3)], lines[random.Next(2)],
            31 + random.NextDouble() * 2, 80 + random.NextDouble() * 2, random.Next(1, 3), random.Next(2) == 0)).ToList();
        var units = Enumerable.Range(0, random.Next(1, 4)).Select(i => new DispatchUnit(
            $"u{i}", random.Next(5) == 0 ? "r2" : "r1", counties[random.Next(3)], 31 + random.NextDouble() * 2, 80 + random.NextDouble() * 2)).ToList();
        var cadres = Enumerable.Range(0, random.Next(0, maxCadres + 1)).Select(i => new DispatchCadre(
            $"k{i}", units[random.Next(units.Count)].Id, lines[random.Next(2)], random.Next(3) != 0, random.Next(3) == 0)).ToList();
        return new DispatchInstance(random.Next(0, 60), random.Next(0, 4), villages, units, cadres);
    }

    /// <summary>The best lexicographic objective over every assignment of cadres to (village, slot) or to nothing.</summary>
    public static DispatchObjective BruteForce(DispatchInstance instance) => BruteForce(instance, DispatchConstraints.None);

    /// <summary>
    /// Random valid constraints for a tiny instance: a few locks (each checked against the hard rules and the locks before
    /// it) and a few forbidden pairs.
    /// </summary>
    public static DispatchConstraints RandomConstraints(Random random, DispatchInstance instance)
    {
        var locks = new List<DispatchLock>();
        var fs = new HashSet<int>();
        var speaker = new HashSet<int>();
        var members = new int[instance.Villages.Count];
        var nonSpeakers = new int[instance.Villages.Count];
        var lockedCadres = new HashSet<int>();
        for (var attempt = 0; attempt < random.Next(0, 4); attempt++)
        {
            if (instance.Cadres.Count == 0) break;
            var c = random.Next(instance.Cadres.Count);
            var v = random.Next(instance.Villages.Count);
            var cadre = instance.Cadres[c];
            var village = instance.Villages[v];
            if (lockedCadres.Contains(c) || !instance.IsAllowed(c, v)) continue;
            var kind = (SlotKind)random.Next(3);
            var room = village.Members - (village.NeedsSpeaker ? 1 : 0);
            var ok = kind switch
            {
                SlotKind.FirstSecretary => cadre.FirstSecretaryEligible && !fs.Contains(v),
                SlotKind.Speaker => cadre.Speaker && village.NeedsSpeaker && !speaker.Contains(v) && members[v] < village.Members,
                _ => members[v] < village.Members && (cadre.Speaker || nonSpeakers[v] < room),
            };
            if (!ok) continue;
            if (kind == SlotKind.FirstSecretary) fs.Add(v);
            else
            {
                if (kind == SlotKind.Speaker) speaker.Add(v);
                members[v]++;
                if (!cadre.Speaker) nonSpeakers[v]++;
            }
            lockedCadres.Add(c);
            locks.Add(new DispatchLock(cadre.Id, village.Id, kind));
        }
        var forbidden = new List<ForbiddenPair>();
        for (var i = 0; i < random.Next(0, 4) && instance.Cadres.Count > 0; i++)
        {
            var c = random.Next(instance.Cadres.Count);
            if (lockedCadres.Contains(c)) continue;
            forbidden.Add(new ForbiddenPair(instance.Cadres[c].Id, instance.Villages[random.Next(instance.Villages.Count)].Id));
        }
        return new DispatchConstraints(locks, forbidden);
    }

    /// <summary>The best lexicographic objective with locked placements kept and forbidden pairs left out.</summary>
    public static DispatchObjective BruteForce(DispatchInstance instance, DispatchConstraints constraints)
    {
        var cadreIndex = instance.Cadres.Select((c, i) => (c.Id, i)).ToDictionary(x => x.Id, x => x.i);
        var villageIndex = instance.Villages.Select((v, i) => (v.Id, i)).ToDictionary(x => x.Id, x => x.i);
        var locked = constraints.Locks.ToDictionary(l => cadreIndex[l.CadreId], l => (Village: villageIndex[l.VillageId], l.Slot));
        var banned = constraints.Forbidden.Select(f => (cadreIndex[f.CadreId], villageIndex[f.VillageId])).ToHashSet();
        int n = instance.Cadres.Count, m = instance.Villages.Count;
        var fs = new int[m];
        var members = new int[m];
        var nonSpeakers = new int[m];
        DispatchObjective? best = null;
        void Go(int c, int fsCount, int filled, long cost)
        {
            if (c == n)
            {
                var current = new DispatchObjective(fsCount, filled, cost);
                if (best is null || current.CompareTo(best.Value) > 0) best = current;
                return;
            }
            var cadre = instance.Cadres[c];
            if (locked.ContainsKey(c))
            {
                Go(c + 1, fsCount, filled, cost);
                return;
            }
            Go(c + 1, fsCount, filled, cost);
            for (var v = 0; v < m; v++)
            {
                if (!instance.IsAllowed(c, v) || banned.Contains((c, v))) continue;
                var village = instance.Villages[v];
                var price = instance.Cost(c, v);
                if (cadre.FirstSecretaryEligible && fs[v] == 0)
                {
                    fs[v]++;
                    Go(c + 1, fsCount + 1, filled + 1, cost + price);
                    fs[v]--;
                }
                var nonSpeakerRoom = village.Members - (village.NeedsSpeaker ? 1 : 0);
                if (members[v] < village.Members && (cadre.Speaker || nonSpeakers[v] < nonSpeakerRoom))
                {
                    members[v]++;
                    if (!cadre.Speaker) nonSpeakers[v]++;
                    Go(c + 1, fsCount, filled + 1, cost + price);
                    members[v]--;
                    if (!cadre.Speaker) nonSpeakers[v]--;
                }
            }
        }
        // Locked placements first: they hold their slots whatever the others do.
        int lockedFs = 0;
        long lockedCost = 0;
        foreach (var (c, (at, slot)) in locked)
        {
            lockedCost += instance.Cost(c, at);
            if (slot == SlotKind.FirstSecretary) { fs[at]++; lockedFs++; }
            else
            {
                members[at]++;
                if (!instance.Cadres[c].Speaker) nonSpeakers[at]++;
            }
        }
        Go(0, lockedFs, locked.Count, lockedCost);
        return best!.Value;
    }

    public static DispatchInstance Parse(string text) => DispatchInstance.Parse(new StringReader(text));
}
