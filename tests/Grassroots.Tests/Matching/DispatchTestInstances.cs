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
    public static DispatchObjective BruteForce(DispatchInstance instance)
    {
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
            Go(c + 1, fsCount, filled, cost);
            var cadre = instance.Cadres[c];
            for (var v = 0; v < m; v++)
            {
                if (!instance.IsAllowed(c, v)) continue;
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
        Go(0, 0, 0, 0);
        return best!.Value;
    }

    public static DispatchInstance Parse(string text) => DispatchInstance.Parse(new StringReader(text));
}
