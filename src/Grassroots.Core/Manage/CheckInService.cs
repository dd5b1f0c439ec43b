using Grassroots.Common;
using Grassroots.Data;
using Grassroots.Dispatch;
using Grassroots.Regions;
using Grassroots.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Grassroots.Manage;

/// <summary>A check-in in an office's list (no raw position: the distance from the village says what matters).</summary>
public sealed record CheckInRow(
    Guid Id, Guid PersonId, string PersonName, string VillageName, string PlaceName, DateTime At, DateTime ReceivedAt,
    bool OnPost, bool Late, CheckInFlags Flags, int DistanceMetres, double Accuracy, string? Reason,
    DateTime? ReviewedAt, string? ReviewedBy, string? ReviewNote)
{
    public string FlagNames => CheckInFlagNames.Describe(Flags);
}

/// <summary>A stationed cadre without a check-in on the day (and not on approved leave).</summary>
public sealed record MissingRow(Guid PersonId, string PersonName, PostingRole Role, string VillageName, string PlaceName)
{
    public string RoleName => Posting.RoleName(Role);
}

/// <summary>An office's day at a glance, inside its scope.</summary>
public sealed record CheckInDay(DateOnly Date, int Stationed, int CheckedIn, int OnPost, int OffPost, int OnLeave, int Missing, int Flagged, int Late);

public sealed record CheckInListQuery
{
    public DateOnly? Date { get; init; }
    /// <summary>A region code inside the account's scope (a county, township or village); the whole scope when not given.</summary>
    public string? Region { get; init; }
    /// <summary><c>all</c> (default), <c>offPost</c>, <c>flagged</c> (not yet reviewed), <c>late</c>.</summary>
    public string? View { get; init; }
    /// <summary><c>-time</c> (default, newest first), <c>time</c>, <c>distance</c>, <c>-distance</c>.</summary>
    public string? Sort { get; init; }
    public int? Page { get; init; }
    public int? PageSize { get; init; }
}

/// <summary>
/// Check-ins (S-MNG-1): a cadre checks in and sees their own; the township, county and prefecture see those of the
/// villages in their scope (the query filter), the day's exceptions and the flags to review (S-MNG-7).
/// </summary>
public sealed class CheckInService(
    GrassrootsDb db, CurrentUser user, TimeProvider clock, CadreService cadre)
{
    public static readonly IReadOnlyList<string> Views = ["all", "offPost", "flagged", "late", "missing"];
    public static readonly IReadOnlyList<string> SortKeys = ["-time", "time", "distance", "-distance"];

    /// <summary>The signed-in cadre's own check-ins from <paramref name="from"/> (China date), newest first.</summary>
    public async Task<IReadOnlyList<CheckInRow>> MineAsync(DateOnly from, CancellationToken ct)
    {
        var personId = cadre.RequirePersonId();
        var rows = await db.CheckIns.IgnoreQueryFilters().AsNoTracking()
            .Where(c => c.PersonId == personId && c.Date >= from)
            .OrderByDescending(c => c.AtUtc).Take(200)
            .ToListAsync(ct);
        return await RowsAsync(rows, ct);
    }

    void RequireOffice()
    {
        if (!user.HasScope || !user.Roles.Overlaps(Roles.ManageStaff)) throw new ForbiddenException("您的角色不能查看驻村干部的签到。");
    }

    /// <summary>The check-ins of one day in the user's scope, filtered, sorted and paged.</summary>
    public async Task<PagedResult<CheckInRow>> ListAsync(CheckInListQuery q, CancellationToken ct)
    {
        RequireOffice();
        var (page, size) = Paging.Normalise(q.Page, q.PageSize);
        var errors = new ValidationErrors();
        var view = string.IsNullOrWhiteSpace(q.View) ? "all" : q.View.Trim();
        var sort = string.IsNullOrWhiteSpace(q.Sort) ? "-time" : q.Sort.Trim();
        if (!Views.Contains(view) || view == "missing") errors.Add("view", $"列表“{Cut(view)}”无效，可选：all、offPost、flagged、late。");
        if (!SortKeys.Contains(sort)) errors.Add("sort", $"排序“{Cut(sort)}”无效，可选：{string.Join("、", SortKeys)}。");
        errors.ThrowIfAny();
        var path = ScopeRegions.PathOf(user, ScopeRegions.Find(user, q.Region));
        var date = q.Date ?? ChinaTime.Today(clock);
        var query = db.CheckIns.AsNoTracking().Where(c => c.Date == date && c.RegionPath.StartsWith(path));
        query = view switch
        {
            "offPost" => query.Where(c => !c.OnPost),
            "flagged" => query.Where(c => c.Flags != CheckInFlags.None && c.ReviewedAtUtc == null),
            "late" => query.Where(c => c.Late),
            _ => query,
        };
        query = sort switch
        {
            "time" => query.OrderBy(c => c.AtUtc).ThenBy(c => c.Id),
            "distance" => query.OrderBy(c => c.DistanceMetres).ThenBy(c => c.Id),
            "-distance" => query.OrderByDescending(c => c.DistanceMetres).ThenBy(c => c.Id),
            _ => query.OrderByDescending(c => c.AtUtc).ThenBy(c => c.Id),
        };
        var total = await query.CountAsync(ct);
        var items = await query.Skip((page - 1) * size).Take(size).ToListAsync(ct);
        return new PagedResult<CheckInRow>(await RowsAsync(items, ct), total, page, size);
    }

    /// <summary>The day's figures in the user's scope: stationed cadres, who checked in, on and off post, on leave, missing, flags to review.</summary>
    public async Task<CheckInDay> DayAsync(DateOnly? date, string? region, CancellationToken ct)
    {
        RequireOffice();
        var day = date ?? ChinaTime.Today(clock);
        var scope = ScopeRegions.PathOf(user, ScopeRegions.Find(user, region));
        var stationed = await StationedQuery(scope).Select(p => p.PersonId).Distinct().CountAsync(ct);
        var checkIns = db.CheckIns.AsNoTracking().Where(c => c.Date == day && c.RegionPath.StartsWith(scope));
        var people = await checkIns.GroupBy(c => c.PersonId)
            .Select(g => new { OnPost = g.Any(c => c.OnPost) })
            .ToListAsync(ct);
        var offPost = await checkIns.CountAsync(c => !c.OnPost, ct);
        var flagged = await checkIns.CountAsync(c => c.Flags != CheckInFlags.None && c.ReviewedAtUtc == null, ct);
        var late = await checkIns.CountAsync(c => c.Late, ct);
        var missing = await MissingQuery(day, scope).CountAsync(ct);
        var onLeave = await OnLeaveQuery(day).Where(l => l.RegionPath.StartsWith(scope)).Select(l => l.PersonId).Distinct().CountAsync(ct);
        return new CheckInDay(day, stationed, people.Count, people.Count(p => p.OnPost), offPost, onLeave, missing, flagged, late);
    }

    /// <summary>Stationed cadres in scope without any check-in on the day and not on approved leave, by village.</summary>
    public async Task<PagedResult<MissingRow>> MissingAsync(DateOnly? date, string? region, int? page, int? pageSize, CancellationToken ct)
    {
        RequireOffice();
        var day = date ?? ChinaTime.Today(clock);
        var scope = ScopeRegions.PathOf(user, ScopeRegions.Find(user, region));
        var (p, size) = Paging.Normalise(page, pageSize);
        var query = MissingQuery(day, scope).OrderBy(x => x.VillageCode).ThenBy(x => x.Role).ThenBy(x => x.PersonId);
        var total = await query.CountAsync(ct);
        var items = await query.Skip((p - 1) * size).Take(size).ToListAsync(ct);
        var ids = items.Select(i => i.PersonId).ToList();
        var names = await db.People.IgnoreQueryFilters().AsNoTracking().Where(x => ids.Contains(x.Id)).ToDictionaryAsync(x => x.Id, x => x.Name, ct);
        return new PagedResult<MissingRow>(
            [.. items.Select(i => new MissingRow(i.PersonId, names.GetValueOrDefault(i.PersonId, ""), i.Role, i.VillageName, CadreService.PlaceName(i.RegionPath)))],
            total, p, size);
    }

    /// <summary>Active postings in villages of the scope (not those merely seen through the cadre's home unit).</summary>
    IQueryable<Posting> StationedQuery(string scope) =>
        db.Postings.AsNoTracking().Where(p => p.Status == PostingStatus.Active && p.RegionPath.StartsWith(scope));

    IQueryable<LeaveRequest> OnLeaveQuery(DateOnly day) =>
        db.LeaveRequests.AsNoTracking().Where(l => (l.Status == LeaveStatus.Approved || (l.Status == LeaveStatus.Returned && l.ReturnedOn > day))
            && l.StartDate <= day && l.EndDate >= day);

    sealed class MissingItem
    {
        public Guid PersonId { get; init; }
        public PostingRole Role { get; init; }
        public Regions.RegionCode VillageCode { get; init; }
        public string VillageName { get; init; } = "";
        public string RegionPath { get; init; } = "";
    }

    IQueryable<MissingItem> MissingQuery(DateOnly day, string scope)
    {
        var checkedIn = db.CheckIns.Where(c => c.Date == day).Select(c => c.PersonId);
        var onLeave = OnLeaveQuery(day).Select(l => l.PersonId);
        return StationedQuery(scope)
            .Where(p => !checkedIn.Contains(p.PersonId) && !onLeave.Contains(p.PersonId))
            .Select(p => new MissingItem { PersonId = p.PersonId, Role = p.Role, VillageCode = p.VillageCode, VillageName = p.Village!.Name, RegionPath = p.RegionPath });
    }

    /// <summary>One check-in in the user's scope (404 outside it).</summary>
    public async Task<CheckInRow> GetAsync(Guid id, CancellationToken ct)
    {
        RequireOffice();
        var row = await db.CheckIns.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct) ?? throw new NotFoundException("该签到记录");
        return (await RowsAsync([row], ct))[0];
    }

    /// <summary>Marks a flagged or off-post check-in as reviewed by the office (S-MNG-1), with a note. Reviewing twice is a conflict.</summary>
    public async Task<CheckInRow> ReviewAsync(Guid id, string? note, CancellationToken ct)
    {
        RequireOffice();
        var text = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
        if (text is { Length: > 200 }) throw new ValidationException("note", "核实意见不能超过 200 个字。");
        var row = await db.CheckIns.FirstOrDefaultAsync(c => c.Id == id, ct) ?? throw new NotFoundException("该签到记录");
        if (row.Flags == CheckInFlags.None && row.OnPost) throw new DomainRuleException("这条签到在岗且没有异常标记，无需核实。", conflict: false);
        if (row.ReviewedAtUtc is not null) throw new DomainRuleException($"这条签到已由 {row.ReviewedBy} 核实。");
        row.ReviewedAtUtc = clock.GetUtcNow().UtcDateTime;
        row.ReviewedBy = user.DisplayName.Length > 0 ? user.DisplayName : user.UserName;
        row.ReviewNote = text;
        await db.SaveChangesAsync(ct);
        return (await RowsAsync([row], ct))[0];
    }

    /// <summary>Names for a page of check-ins. The rows were read in scope; the names are looked up by their ids only.</summary>
    async Task<IReadOnlyList<CheckInRow>> RowsAsync(IReadOnlyList<CheckIn> items, CancellationToken ct)
    {
        var personIds = items.Select(i => i.PersonId).Distinct().ToList();
        var villageIds = items.Select(i => i.VillageId).Distinct().ToList();
        var names = await db.People.IgnoreQueryFilters().AsNoTracking().Where(p => personIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.Name, ct);
        var villages = await db.Villages.IgnoreQueryFilters().AsNoTracking().Where(v => villageIds.Contains(v.Id)).ToDictionaryAsync(v => v.Id, v => v.Name, ct);
        return [.. items.Select(c => new CheckInRow(
            c.Id, c.PersonId, names.GetValueOrDefault(c.PersonId, ""), villages.GetValueOrDefault(c.VillageId, ""), CadreService.PlaceName(c.RegionPath),
            Utc(c.AtUtc), Utc(c.ReceivedAtUtc), c.OnPost, c.Late, c.Flags, c.DistanceMetres, c.Accuracy, c.Reason,
            c.ReviewedAtUtc is { } r ? Utc(r) : null, c.ReviewedBy, c.ReviewNote))];
    }

    static DateTime Utc(DateTime t) => DateTime.SpecifyKind(t, DateTimeKind.Utc);

    static string Cut(string s) => s.Length > 20 ? s[..20] + "…" : s;
}
