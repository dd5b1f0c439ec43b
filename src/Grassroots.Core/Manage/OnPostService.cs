using Grassroots.Common;
using Grassroots.Data;
using Grassroots.Dispatch;
using Grassroots.Regions;
using Grassroots.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Grassroots.Manage;

public sealed record OnPostRow(Guid PersonId, string PersonName, PostingRole Role, string VillageName, string PlaceName, OnPostMonth Month)
{
    public string RoleName => Posting.RoleName(Role);
}

/// <summary>Monthly on-post days (S-MNG-2) from check-ins and leave, against the required minimum.</summary>
public sealed class OnPostService(GrassrootsDb db, CurrentUser user, TimeProvider clock, IOptions<ManageOptions> options, CadreService cadre)
{
    /// <summary>Parses <c>2026-11</c>; the current China month when empty. 400 on anything else.</summary>
    public (int Year, int Month) ParseMonth(string? month)
    {
        if (string.IsNullOrWhiteSpace(month))
        {
            var today = ChinaTime.Today(clock);
            return (today.Year, today.Month);
        }
        if (DateOnly.TryParseExact(month.Trim() + "-01", "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var d) && d.Year is >= 2000 and <= 2100)
            return (d.Year, d.Month);
        throw new ValidationException("month", "月份格式应为 年-月，如 2026-11。");
    }

    /// <summary>The signed-in cadre's month at their current posting.</summary>
    public async Task<OnPostMonth> MineAsync(int year, int month, CancellationToken ct)
    {
        var post = await cadre.RequirePostAsync(ct);
        var rows = await ComputeAsync([new PostingSpan(post.PersonId, post.StartDate, post.EndDate)], year, month, personScoped: true, ct);
        return rows[post.PersonId];
    }

    /// <summary>Every cadre stationed in the user's scope, with the month's figures; those below the minimum first.</summary>
    public async Task<PagedResult<OnPostRow>> ListAsync(int year, int month, bool belowOnly, string? region, int? page, int? pageSize, CancellationToken ct)
    {
        if (!user.HasScope || !user.Roles.Overlaps(Roles.ManageStaff)) throw new ForbiddenException("您的角色不能查看驻村干部的在岗天数。");
        var (p, size) = Paging.Normalise(page, pageSize);
        var first = new DateOnly(year, month, 1);
        var last = first.AddMonths(1).AddDays(-1);
        var scope = ScopeRegions.PathOf(user, ScopeRegions.Find(user, region));
        var postings = await db.Postings.AsNoTracking()
            .Where(x => x.Status == PostingStatus.Active && x.RegionPath.StartsWith(scope) && x.StartDate <= last && x.EndDate >= first)
            .Select(x => new { x.PersonId, x.StartDate, x.EndDate, x.Role, VillageName = x.Village!.Name, x.RegionPath, x.VillageCode })
            .ToListAsync(ct);
        var months = await ComputeAsync([.. postings.Select(x => new PostingSpan(x.PersonId, x.StartDate, x.EndDate))], year, month, personScoped: false, ct);
        var ids = postings.Select(x => x.PersonId).ToList();
        var names = await db.People.IgnoreQueryFilters().AsNoTracking().Where(x => ids.Contains(x.Id)).ToDictionaryAsync(x => x.Id, x => x.Name, ct);
        var rows = postings
            .Select(x => new OnPostRow(x.PersonId, names.GetValueOrDefault(x.PersonId, ""), x.Role, x.VillageName, CadreService.PlaceName(x.RegionPath), months[x.PersonId]))
            .Where(r => !belowOnly || !r.Month.Met)
            .OrderBy(r => r.Month.Met).ThenBy(r => r.Month.OnPostDays - r.Month.Required).ThenBy(r => r.VillageName, StringComparer.Ordinal).ThenBy(r => r.PersonId)
            .ToList();
        return new PagedResult<OnPostRow>([.. rows.Skip((p - 1) * size).Take(size)], rows.Count, p, size);
    }

    sealed record PostingSpan(Guid PersonId, DateOnly Start, DateOnly End);

    /// <summary>One query for the on-post dates and one for the leave of all the given cadres in the month.</summary>
    async Task<Dictionary<Guid, OnPostMonth>> ComputeAsync(IReadOnlyList<PostingSpan> spans, int year, int month, bool personScoped, CancellationToken ct)
    {
        var first = new DateOnly(year, month, 1);
        var last = first.AddMonths(1).AddDays(-1);
        var ids = spans.Select(s => s.PersonId).Distinct().ToList();
        // A cadre reads their own rows (no region scope); an office reads the rows of its villages (the query filter).
        var checkIns = personScoped ? db.CheckIns.IgnoreQueryFilters() : db.CheckIns;
        var leaves = personScoped ? db.LeaveRequests.IgnoreQueryFilters() : db.LeaveRequests;
        var dates = (await checkIns.AsNoTracking()
                .Where(c => ids.Contains(c.PersonId) && c.OnPost && c.Date >= first && c.Date <= last)
                .Select(c => new { c.PersonId, c.Date }).Distinct().ToListAsync(ct))
            .ToLookup(c => c.PersonId, c => c.Date);
        var leave = (await leaves.AsNoTracking()
                .Where(l => ids.Contains(l.PersonId) && (l.Status == LeaveStatus.Approved || l.Status == LeaveStatus.Returned) && l.StartDate <= last && l.EndDate >= first)
                .ToListAsync(ct))
            .ToLookup(l => l.PersonId);
        var today = ChinaTime.Today(clock);
        var minimum = options.Value.MinimumOnPostDays;
        var result = new Dictionary<Guid, OnPostMonth>();
        foreach (var s in spans)
        {
            result[s.PersonId] = OnPostDays.Compute(year, month, s.Start, s.End, today, dates[s.PersonId],
                leave[s.PersonId].Select(l => l.TakenRange).Where(r => r is not null).Select(r => r!.Value), minimum);
        }
        return result;
    }
}
