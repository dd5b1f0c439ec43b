namespace Grassroots.Manage;

/// <summary>A team that may be drawn: its village, its on-post rate over the window and the weight that gives it.</summary>
public sealed record DrawCandidate(Guid VillageId, string VillageCode, string VillageName, double OnPostRate, double Weight);

/// <summary>Everything a draw depends on besides its seed. Stored with the draw (as JSON) so it can be run again.</summary>
public sealed record DrawInputs(IReadOnlyList<DrawCandidate> Teams, IReadOnlyList<string> Inspectors, int Count, int InspectorsPerTeam);

/// <summary>A drawn team, in the order drawn, with the inspectors drawn for it.</summary>
public sealed record DrawnTeam(string VillageCode, IReadOnlyList<string> Inspectors);

public sealed record DrawResult(IReadOnlyList<DrawnTeam> Teams);

/// <summary>
/// The random draw of inspection targets and inspectors (S-MNG-5) as a pure function of its inputs and a seed.
/// </summary>
/// <remarks>
/// <para>Targets: weighted sampling without replacement, one team at a time: a uniform number in [0, total weight of the
/// teams not yet drawn) picks the team whose cumulative weight passes it, in the order of their village codes. A team's
/// chance at each step is its weight over the remaining weight, so a team with twice the weight is about twice as
/// likely to be drawn; a team of weight 0 is never drawn while another remains.</para>
/// <para>Inspectors: for each drawn team in order, <see cref="DrawInputs.InspectorsPerTeam"/> distinct names from the
/// pool (all of them when the pool is smaller), uniformly, continuing the same random stream.</para>
/// <para>The random stream is SplitMix64 (Steele, Lea and Flood 2014) seeded with the draw's seed, and the arithmetic is
/// only additions, multiplications and comparisons of doubles, which IEEE 754 fixes bit for bit. So the same seed and
/// the same inputs give the same draw on any machine and any .NET version (<see cref="System.Random"/> promises no
/// such thing across versions).</para>
/// </remarks>
public static class InspectionDrawing
{
    /// <summary>The weight of a team with on-post rate <paramref name="rate"/> (clamped to [0, 1]): base + factor × (1 − rate).</summary>
    public static double Weight(double rate, OversightOptions o) => o.RiskBaseWeight + o.RiskFactor * (1 - Math.Clamp(rate, 0, 1));

    public static DrawResult Draw(DrawInputs inputs, int seed)
    {
        var rng = new SplitMix64(seed);
        var remaining = inputs.Teams.OrderBy(t => t.VillageCode, StringComparer.Ordinal).ToList();
        var picks = new List<DrawnTeam>();
        var count = Math.Min(Math.Max(inputs.Count, 0), remaining.Count);
        for (var k = 0; k < count; k++)
        {
            var total = 0.0;
            foreach (var t in remaining) total += Math.Max(t.Weight, 0);
            int index;
            if (total <= 0)
            {
                index = rng.NextInt(remaining.Count);
            }
            else
            {
                var x = rng.NextUnit() * total;
                index = remaining.Count - 1;
                for (var i = 0; i < remaining.Count; i++)
                {
                    var w = Math.Max(remaining[i].Weight, 0);
                    if (w > 0 && x < w)
                    {
                        index = i;
                        break;
                    }
                    x -= w;
                }
                // Rounding can carry x past the last positive weight: take the last team that has one.
                if (Math.Max(remaining[index].Weight, 0) == 0) index = remaining.FindLastIndex(t => t.Weight > 0);
            }
            picks.Add(new DrawnTeam(remaining[index].VillageCode, []));
            remaining.RemoveAt(index);
        }

        var pool = inputs.Inspectors.ToList();
        var each = Math.Min(Math.Max(inputs.InspectorsPerTeam, 0), pool.Count);
        for (var k = 0; k < picks.Count; k++)
        {
            var names = pool.ToList();
            var chosen = new List<string>(each);
            for (var j = 0; j < each; j++)
            {
                var i = j + rng.NextInt(names.Count - j);
                (names[j], names[i]) = (names[i], names[j]);
                chosen.Add(names[j]);
            }
            picks[k] = picks[k] with { Inspectors = chosen };
        }
        return new DrawResult(picks);
    }

    /// <summary>SplitMix64: a small, well-studied generator whose output is fixed by its seed.</summary>
    sealed class SplitMix64(long seed)
    {
        ulong state = unchecked((ulong)seed);

        ulong Next()
        {
            unchecked
            {
                state += 0x9E3779B97F4A7C15UL;
                var z = state;
                z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
                z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
                return z ^ (z >> 31);
            }
        }

        /// <summary>A double in [0, 1) with 53 random bits.</summary>
        public double NextUnit() => (Next() >> 11) * (1.0 / (1UL << 53));

        /// <summary>An integer in [0, n), by multiplication (no modulo bias worth speaking of for small n).</summary>
        public int NextInt(int n) => n <= 1 ? 0 : (int)((Next() >> 32) * (ulong)n >> 32);
    }
}
