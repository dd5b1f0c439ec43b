using Grassroots.Data;
using Grassroots.Dispatch;
using Grassroots.People;
using Grassroots.Regions;
using Microsoft.EntityFrameworkCore;

namespace Grassroots.Demo;

/// <summary>
/// Stations the demo's 616 Ali cadres in its 145 villages when nothing else has: the 145 first-secretary candidates one
/// per village, the 471 others as team members spread evenly, nobody in the county of their own unit or of their
/// birthplace. A stand-in until the demo publishes a dispatch plan through the selection workflow, which then makes
/// the postings and this step finds them present and does nothing.
/// </summary>
internal static class DemoPostings
{
    /// <summary>The first day of the demo's posting term (two years).</summary>
    public static readonly DateOnly TermStart = new(2026, 3, 1);
    public static readonly DateOnly TermEnd = new(2028, 2, 29);

    /// <summary>Adds the postings (and sets each cadre's stationed path) unless any posting exists; returns how many it made.</summary>
    public static async Task<int> EnsureAsync(GrassrootsDb db, DateTime nowUtc, CancellationToken ct)
    {
        if (await db.Postings.IgnoreQueryFilters().AnyAsync(ct)) return 0;
        var villages = await db.Villages.IgnoreQueryFilters().Where(v => v.RegionPath.StartsWith("/540000/" + DemoRegistry.AliCode + "/"))
            .OrderBy(v => v.Code).ToListAsync(ct);
        var cadres = await db.People.IgnoreQueryFilters()
            .Where(p => p.Kind == PersonKind.Cadre && p.RegionPath.StartsWith("/540000/" + DemoRegistry.AliCode + "/"))
            .OrderBy(p => p.IdNumber).ToListAsync(ct);
        var postings = Station(villages, cadres, nowUtc);
        db.Postings.AddRange(postings);
        await db.SaveChangesAsync(ct);
        return postings.Count;
    }

    /// <summary>The assignment itself, deterministic for the same villages and cadres (in the order given).</summary>
    public static List<Posting> Station(IReadOnlyList<Village> villages, IReadOnlyList<Person> cadres, DateTime nowUtc)
    {
        var secretaries = cadres.Where(p => DemoSeeder.IsFirstSecretaryCandidate(p, DemoSeeder.ReferenceDate)).ToList();
        var members = cadres.Where(p => !DemoSeeder.IsFirstSecretaryCandidate(p, DemoSeeder.ReferenceDate)).ToList();
        bool Allowed(Person p, Village v, bool strict) =>
            County(p.RegionPath) != v.Code.CountyPrefix && (!strict || p.HomeCountyCode?.Value != v.Code.CountyPrefix);

        // First secretaries: a perfect matching village ↔ candidate (augmenting paths), strict rules first.
        var byVillage = new Person?[villages.Count];
        foreach (var strict in new[] { true, false })
        {
            foreach (var p in secretaries.Where(p => !byVillage.Contains(p)))
                Augment(p, new bool[villages.Count], strict);
        }
        bool Augment(Person p, bool[] seen, bool strict)
        {
            for (var i = 0; i < villages.Count; i++)
            {
                if (seen[i] || !Allowed(p, villages[i], strict)) continue;
                seen[i] = true;
                if (byVillage[i] is null || Augment(byVillage[i]!, seen, strict))
                {
                    byVillage[i] = p;
                    return true;
                }
            }
            return false;
        }

        var postings = new List<Posting>();
        for (var i = 0; i < villages.Count; i++)
        {
            if (byVillage[i] is { } p) postings.Add(Post(p, villages[i], PostingRole.FirstSecretary, nowUtc));
        }
        // Members: each to the allowed village with the fewest members so far (lowest code on a tie).
        var teamSize = new int[villages.Count];
        foreach (var p in members)
        {
            var best = -1;
            foreach (var strict in new[] { true, false })
            {
                for (var i = 0; i < villages.Count; i++)
                {
                    if (Allowed(p, villages[i], strict) && (best < 0 || teamSize[i] < teamSize[best])) best = i;
                }
                if (best >= 0) break;
            }
            if (best < 0) continue;
            teamSize[best]++;
            postings.Add(Post(p, villages[best], PostingRole.Member, nowUtc));
        }
        return postings;
    }

    static string? County(string regionPath) =>
        regionPath.Split('/', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(c => RegionCatalog.Embedded.Find(c)?.Level == RegionLevel.County);

    static Posting Post(Person p, Village v, PostingRole role, DateTime nowUtc)
    {
        p.StationedRegionPath = v.RegionPath;
        return new Posting
        {
            PersonId = p.Id, VillageId = v.Id, Role = role, StartDate = TermStart, EndDate = TermEnd,
            VillageCode = v.Code, RegionPath = v.RegionPath, HomeRegionPath = p.RegionPath,
            CreatedAtUtc = nowUtc, CreatedBy = DemoSeeder.RecordedBy,
        };
    }
}
