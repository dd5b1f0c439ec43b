using Grassroots.Data;
using Grassroots.Dispatch;
using Microsoft.EntityFrameworkCore;

namespace Grassroots.Manage;

/// <summary>A team's on-post figures over a window: the days its cadres were on post and the days they were due.</summary>
public sealed record TeamOnPostRate(Guid VillageId, int Cadres, int OnPostDays, int DueDays)
{
    /// <summary>On-post days over due days (elapsed posting days not on leave); 1 when nothing was due.</summary>
    public double Rate => DueDays <= 0 ? 1 : Math.Min(1, (double)OnPostDays / DueDays);
}

/// <summary>
/// On-post rates of teams over a window of days, computed by the same rule as the monthly on-post days
/// (<see cref="OnPostDays.Compute"/>: a day counts when it has an on-post check-in; leave days are not due).
/// </summary>
public static class TeamOnPost
{
    /// <summary>
    /// The rate of each village's team over [<paramref name="from"/>, <paramref name="to"/>] (China dates, both included).
    /// The caller chooses the villages inside the user's scope; the rows are read by their ids.
    /// </summary>
    public static async Task<Dictionary<Guid, TeamOnPostRate>> RatesAsync(GrassrootsDb db, IReadOnlyCollection<Guid> villageIds, DateOnly from, DateOnly to, CancellationToken ct)
    {
        var ids = villageIds.ToList();
        var postings = await db.Postings.IgnoreQueryFilters().AsNoTracking()
            .Where(p => ids.Contains(p.VillageId) && p.Status == PostingStatus.Active && p.StartDate <= to && p.EndDate >= from)
            .Select(p => new { p.VillageId, p.PersonId, p.StartDate, p.EndDate })
            .ToListAsync(ct);
        var people = postings.Select(p => p.PersonId).Distinct().ToList();
        var dates = (await db.CheckIns.IgnoreQueryFilters().AsNoTracking()
                .Where(c => ids.Contains(c.VillageId) && c.OnPost && c.Date >= from && c.Date <= to)
                .Select(c => new { c.PersonId, c.Date }).Distinct().ToListAsync(ct))
            .ToLookup(c => c.PersonId, c => c.Date);
        var leave = (await db.LeaveRequests.IgnoreQueryFilters().AsNoTracking()
                .Where(l => people.Contains(l.PersonId) && (l.Status == LeaveStatus.Approved || l.Status == LeaveStatus.Returned) && l.StartDate <= to && l.EndDate >= from)
                .ToListAsync(ct))
            .ToLookup(l => l.PersonId);

        var result = ids.ToDictionary(id => id, id => new TeamOnPostRate(id, 0, 0, 0));
        foreach (var p in postings)
        {
            var start = p.StartDate > from ? p.StartDate : from;
            var end = p.EndDate < to ? p.EndDate : to;
            int onPost = 0, due = 0;
            var taken = leave[p.PersonId].Select(l => l.TakenRange).Where(r => r is not null).Select(r => r!.Value).ToList();
            for (var month = new DateOnly(start.Year, start.Month, 1); month <= end; month = month.AddMonths(1))
            {
                var m = OnPostDays.Compute(month.Year, month.Month, start, end, end, dates[p.PersonId], taken, minimum: 0);
                onPost += m.OnPostDays;
                due += m.ElapsedDays - m.LeaveDays;
            }
            var r = result[p.VillageId];
            result[p.VillageId] = r with { Cadres = r.Cadres + 1, OnPostDays = r.OnPostDays + onPost, DueDays = r.DueDays + due };
        }
        return result;
    }
}
