using Grassroots.Common;
using Grassroots.Data;
using Grassroots.Dispatch;
using Grassroots.Regions;
using Grassroots.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Grassroots.Manage;

/// <summary>Where a stationed cadre was on one day, as the dashboard counts it. Every stationed cadre is exactly one of these.</summary>
public enum DayStatus
{
    /// <summary>在岗: at least one check-in inside the village's fence that day.</summary>
    OnPost = 1,
    /// <summary>请假: on approved leave that day (<see cref="LeaveRequest.TakenRange"/>) and not on post.</summary>
    OnLeave = 2,
    /// <summary>村外签到: checked in that day, but only outside the fence, and not on leave.</summary>
    OffPost = 3,
    /// <summary>未签到: no check-in that day and not on leave.</summary>
    Missing = 4,
}

public static class DayStatusNames
{
    public static readonly IReadOnlyList<(DayStatus Status, string Key, string Name)> All =
    [
        (DayStatus.OnPost, "onPost", "在岗"),
        (DayStatus.OnLeave, "leave", "请假"),
        (DayStatus.OffPost, "offPost", "村外签到"),
        (DayStatus.Missing, "missing", "未签到"),
    ];

    public static string Name(DayStatus s) => All.First(x => x.Status == s).Name;

    public static string Key(DayStatus s) => All.First(x => x.Status == s).Key;
}

/// <summary>
/// On-post figures of a day, or of the days of a month so far (then every figure counts cadre-days).
/// <see cref="Stationed"/> = <see cref="OnPost"/> + <see cref="OnLeave"/> + <see cref="OffPost"/> + <see cref="Missing"/>.
/// </summary>
/// <param name="Stationed">Cadres stationed (an active posting covering the day) in the region.</param>
/// <param name="OnPost">Of them, with an on-post check-in.</param>
/// <param name="OnLeave">On approved leave and not on post.</param>
/// <param name="OffPost">Checked in only outside the fence, not on leave.</param>
/// <param name="Missing">No check-in, not on leave.</param>
public sealed record OnPostFigures(int Stationed, int OnPost, int OnLeave, int OffPost, int Missing)
{
    public static readonly OnPostFigures Zero = new(0, 0, 0, 0, 0);

    /// <summary>Due on post: stationed and not on leave.</summary>
    public int Due => Stationed - OnLeave;

    /// <summary>
    /// The on-post rate (在岗率): <see cref="OnPost"/> ÷ <see cref="Due"/> — leave is not due, as in the monthly on-post
    /// days (<see cref="OnPostDays.Compute"/>) and the inspection draw's team rates; null when nobody was due.
    /// </summary>
    public double? Rate => Due <= 0 ? null : (double)OnPost / Due;

    /// <summary>Not on post although due: <see cref="OffPost"/> + <see cref="Missing"/>.</summary>
    public int Absent => OffPost + Missing;

    public OnPostFigures Plus(OnPostFigures o) => new(Stationed + o.Stationed, OnPost + o.OnPost, OnLeave + o.OnLeave, OffPost + o.OffPost, Missing + o.Missing);
}

/// <summary>One line of the dashboard: a region (or the whole of the chosen one) with its figures.</summary>
/// <param name="Code">The region's code: the <c>region</c> filter of the record lists each figure opens.</param>
/// <param name="Drill">Whether the dashboard can open the region (a county or township, not a village).</param>
/// <param name="Day">The chosen day.</param>
/// <param name="Month">The month's days from the 1st up to the chosen day, in cadre-days.</param>
/// <param name="KeyPeriodAbsent">Cadres under a key period that day who were not on post (leave included: all are due then).</param>
/// <param name="OffPostCheckIns">Check-ins outside the fence that day.</param>
/// <param name="FlaggedCheckIns">Check-ins of that day flagged as suspicious and not yet reviewed.</param>
/// <param name="OverdueReturns">Approved leave past its last day without a recorded return, now.</param>
/// <param name="FollowUpsOverdue">Open inspection follow-ups past their deadline, now.</param>
/// <param name="FollowUpsDueSoon">Open follow-ups due within <see cref="OversightOptions.FollowUpDueSoonDays"/> days, now.</param>
/// <param name="RequestsOpen">Requests and reports not yet answered, now.</param>
public sealed record DashboardRow(
    string Code, string Name, RegionLevel Level, bool Drill, OnPostFigures Day, OnPostFigures Month,
    int KeyPeriodAbsent, int OffPostCheckIns, int FlaggedCheckIns, int OverdueReturns, int FollowUpsOverdue, int FollowUpsDueSoon, int RequestsOpen);

/// <summary>A key period in force on the chosen day for (part of) the region.</summary>
public sealed record DashboardKeyPeriod(Guid Id, string Name, DateOnly StartDate, DateOnly EndDate, string RegionName);

public sealed record RegionLink(string Code, string Name);

/// <summary>
/// The management dashboard of a region on a day (S-MNG-2/4/5/7): on-post figures of the day and of the month so far,
/// for the region and each region under it, the day's check-in exceptions, who is off post in a key period, and what
/// waits now — overdue returns, follow-ups past or near their deadline, open requests.
/// </summary>
/// <param name="Trail">The regions from the account's scope down to this one's parent, for going back up.</param>
/// <param name="KeyPeriodDay">The day's figures of the cadres under a key period (all zero when none is in force).</param>
public sealed record ManageDashboard(
    DateOnly Date, DateOnly Today, DateOnly MonthStart, string RegionCode, string RegionName, RegionLevel Level,
    IReadOnlyList<RegionLink> Trail, DashboardRow Total, IReadOnlyList<DashboardRow> Rows,
    IReadOnlyList<DashboardKeyPeriod> KeyPeriods, OnPostFigures KeyPeriodDay, int FollowUpDueSoonDays);

public sealed record DashboardCadreQuery
{
    /// <summary>The day (China date); today when not given.</summary>
    public DateOnly? Date { get; init; }
    /// <summary>A region code inside the account's scope; the whole scope when not given.</summary>
    public string? Region { get; init; }
    /// <summary><c>all</c> (default), <c>onPost</c>, <c>leave</c>, <c>offPost</c>, <c>missing</c>, <c>absent</c> (村外签到 + 未签到), <c>notOnPost</c> (all but on post).</summary>
    public string? Status { get; init; }
    /// <summary>Only cadres under a key period in force that day.</summary>
    public bool KeyPeriod { get; init; }
    /// <summary><c>village</c> (default), <c>name</c>, <c>month</c> (fewest on-post days this month first), <c>-month</c>.</summary>
    public string? Sort { get; init; }
    public int? Page { get; init; }
    public int? PageSize { get; init; }
}

/// <summary>A stationed cadre on the day, with the month's on-post days so far.</summary>
public sealed record DashboardCadreRow(
    Guid PersonId, string Name, PostingRole Role, string VillageCode, string VillageName, string PlaceName, DayStatus Status, bool InKeyPeriod,
    int MonthOnPostDays, int MonthDueDays)
{
    public string RoleName => Posting.RoleName(Role);
    public string StatusName => DayStatusNames.Name(Status);
    public string StatusKey => DayStatusNames.Key(Status);
}

/// <summary>
/// The management dashboard (管理看板, DOMAIN §4; S-RPT-1: every figure opens the records it counts). It is scoped like
/// everything else: the prefecture sees its counties, a county its townships, a township its villages, and a region
/// outside the account's scope is not found.
/// </summary>
/// <remarks>
/// <para>Figures are counted per stationed cadre — a cadre with an active posting whose term covers the day, in a village
/// under the region — from the cadres' month summaries of check-in days (<see cref="CheckInMonth"/>, one row per cadre)
/// and their approved leave, so a month of 50,000 cadres reads about 50,000 summary rows, not 1.4 million check-ins.
/// Each cadre-day is exactly one <see cref="DayStatus"/>; the on-post rate is on post ÷ (stationed − on leave).</para>
/// <para>The chosen day picks the on-post figures and the check-in exceptions; overdue returns, follow-ups and requests
/// are the state now, as their lists show it.</para>
/// </remarks>
public sealed class DashboardService(GrassrootsDb db, CurrentUser user, TimeProvider clock, IOptions<OversightOptions> oversight)
{
    public static readonly IReadOnlyList<string> Statuses = ["all", "onPost", "leave", "offPost", "missing", "absent", "notOnPost"];
    public static readonly IReadOnlyList<string> SortKeys = ["village", "name", "month", "-month"];

    /// <summary>The dashboard of <paramref name="regionCode"/> (the account's scope when empty) on <paramref name="date"/> (today when null).</summary>
    public async Task<ManageDashboard> GetAsync(DateOnly? date, string? regionCode, CancellationToken ct)
    {
        var (region, day, today) = Resolve(date, regionCode);
        var children = RegionCatalog.Embedded.ChildrenOf(region.Code.Value);
        var slot = new SlotMap(children);
        var villages = await VillageFiguresAsync(region.Path, day, ct);
        var periods = await KeyPeriodsAsync(region.Path, day, ct);

        var n = children.Count + 1; // the last slot is the whole region
        var dayFigures = new OnPostFigures[n];
        var monthFigures = new OnPostFigures[n];
        var keyAbsent = new int[n];
        var keyDay = OnPostFigures.Zero;
        Array.Fill(dayFigures, OnPostFigures.Zero);
        Array.Fill(monthFigures, OnPostFigures.Zero);
        foreach (var v in villages)
        {
            // A village path under none of the children (not in the catalog's tree) counts in the region's total only.
            foreach (var i in (int[])[slot.Of(v.RegionPath), n - 1])
            {
                if (i < 0) continue;
                dayFigures[i] = dayFigures[i].Plus(v.Day);
                monthFigures[i] = monthFigures[i].Plus(v.Month);
                if (InKeyPeriod(periods, v.RegionPath)) keyAbsent[i] += v.Day.Stationed - v.Day.OnPost;
            }
            if (InKeyPeriod(periods, v.RegionPath)) keyDay = keyDay.Plus(v.Day);
        }

        // The day's exceptions, through the partial index on them; then what waits now, per village path.
        var exceptions = await db.CheckIns.AsNoTracking()
            .Where(c => c.Date == day && c.RegionPath.StartsWith(region.Path) && (!c.OnPost || (c.Flags != CheckInFlags.None && c.ReviewedAtUtc == null)))
            .GroupBy(c => c.RegionPath)
            .Select(g => new { Path = g.Key, OffPost = g.Count(c => !c.OnPost), Flagged = g.Count(c => c.Flags != CheckInFlags.None && c.ReviewedAtUtc == null) })
            .ToListAsync(ct);
        var overdue = await db.LeaveRequests.AsNoTracking()
            .Where(l => l.Status == LeaveStatus.Approved && l.EndDate < today && l.RegionPath.StartsWith(region.Path))
            .GroupBy(l => l.RegionPath).Select(g => new { Path = g.Key, Count = g.Count() }).ToListAsync(ct);
        var soon = today.AddDays(oversight.Value.FollowUpDueSoonDays);
        var followUps = await db.FollowUps.AsNoTracking()
            .Where(f => f.Status == FollowUpStatus.Open && f.Deadline <= soon && f.RegionPath.StartsWith(region.Path))
            .GroupBy(f => f.RegionPath)
            .Select(g => new { Path = g.Key, Overdue = g.Count(f => f.Deadline < today), Soon = g.Count(f => f.Deadline >= today) })
            .ToListAsync(ct);
        var requests = await db.CadreRequests.AsNoTracking()
            .Where(r => r.Status == RequestStatus.Open && r.RegionPath.StartsWith(region.Path))
            .GroupBy(r => r.RegionPath).Select(g => new { Path = g.Key, Count = g.Count() }).ToListAsync(ct);

        var counts = new int[n, 6];
        void Count(string path, int column, int value)
        {
            if (slot.Of(path) is var s and >= 0) counts[s, column] += value;
            counts[n - 1, column] += value;
        }
        foreach (var e in exceptions) { Count(e.Path, 0, e.OffPost); Count(e.Path, 1, e.Flagged); }
        foreach (var o in overdue) Count(o.Path, 2, o.Count);
        foreach (var f in followUps) { Count(f.Path, 3, f.Overdue); Count(f.Path, 4, f.Soon); }
        foreach (var r in requests) Count(r.Path, 5, r.Count);

        DashboardRow Row(int i, Region r) => new(r.Code.Value, r.Name, r.Level, r.Level is RegionLevel.Prefecture or RegionLevel.County or RegionLevel.Township,
            dayFigures[i], monthFigures[i], keyAbsent[i], counts[i, 0], counts[i, 1], counts[i, 2], counts[i, 3], counts[i, 4], counts[i, 5]);

        return new ManageDashboard(day, today, CheckInMonths.MonthOf(day), region.Code.Value, region.Name, region.Level, Trail(region),
            Row(n - 1, region), [.. children.Select((c, i) => Row(i, c))],
            [.. periods.Select(k => new DashboardKeyPeriod(k.Id, k.Name, k.StartDate, k.EndDate, RegionCatalog.Embedded.Find(k.RegionCode.Value)?.Name ?? k.RegionCode.Value))],
            keyDay, oversight.Value.FollowUpDueSoonDays);
    }

    /// <summary>The stationed cadres behind the day's figures: filtered by their status that day, sorted and paged.</summary>
    public async Task<PagedResult<DashboardCadreRow>> CadresAsync(DashboardCadreQuery q, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var status = string.IsNullOrWhiteSpace(q.Status) ? "all" : q.Status.Trim();
        var sort = string.IsNullOrWhiteSpace(q.Sort) ? "village" : q.Sort.Trim();
        if (!Statuses.Contains(status)) errors.Add("status", $"状态“{Cut(status)}”无效，可选：{string.Join("、", Statuses)}。");
        if (!SortKeys.Contains(sort)) errors.Add("sort", $"排序“{Cut(sort)}”无效，可选：{string.Join("、", SortKeys)}。");
        var (region, day, _) = Resolve(q.Date, q.Region);
        errors.ThrowIfAny();
        var (page, size) = Paging.Normalise(q.Page, q.PageSize);

        var cadres = await CadresAsync(region.Path, day, ct);
        var periods = q.KeyPeriod ? await KeyPeriodsAsync(region.Path, day, ct) : [];
        var rows = cadres
            .Select(c => (Cadre: c, Status: c.StatusOn(day)))
            .Where(x => x.Status is { } s && status switch
            {
                "onPost" => s == DayStatus.OnPost,
                "leave" => s == DayStatus.OnLeave,
                "offPost" => s == DayStatus.OffPost,
                "missing" => s == DayStatus.Missing,
                "absent" => s is DayStatus.OffPost or DayStatus.Missing,
                "notOnPost" => s != DayStatus.OnPost,
                _ => true,
            })
            .Where(x => !q.KeyPeriod || InKeyPeriod(periods, x.Cadre.RegionPath))
            .Select(x => (x.Cadre, Status: x.Status!.Value, Month: x.Cadre.Month(day)))
            .ToList();

        Dictionary<Guid, string> sortKeys = [];
        if (sort == "name")
        {
            var ids = rows.Select(r => r.Cadre.PersonId).ToList();
            sortKeys = await db.People.IgnoreQueryFilters().AsNoTracking().Where(p => ids.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.NameSortKey, ct);
        }
        var byVillage = rows.OrderBy(r => r.Cadre.VillageCode, StringComparer.Ordinal).ThenBy(r => r.Cadre.Role).ThenBy(r => r.Cadre.PersonId);
        var ordered = sort switch
        {
            "name" => rows.OrderBy(r => sortKeys.GetValueOrDefault(r.Cadre.PersonId, ""), StringComparer.Ordinal).ThenBy(r => r.Cadre.PersonId),
            "month" => rows.OrderBy(r => r.Month.OnPost).ThenBy(r => r.Cadre.VillageCode, StringComparer.Ordinal).ThenBy(r => r.Cadre.PersonId),
            "-month" => rows.OrderByDescending(r => r.Month.OnPost).ThenBy(r => r.Cadre.VillageCode, StringComparer.Ordinal).ThenBy(r => r.Cadre.PersonId),
            _ => byVillage,
        };
        var items = ordered.Skip((page - 1) * size).Take(size).ToList();

        // Names for the page only; the rows were chosen in scope, the names are looked up by their ids.
        var personIds = items.Select(i => i.Cadre.PersonId).ToList();
        var villageIds = items.Select(i => i.Cadre.VillageId).Distinct().ToList();
        var names = await db.People.IgnoreQueryFilters().AsNoTracking().Where(p => personIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.Name, ct);
        var villages = await db.Villages.IgnoreQueryFilters().AsNoTracking().Where(v => villageIds.Contains(v.Id)).ToDictionaryAsync(v => v.Id, v => v.Name, ct);
        var keyPeriods = q.KeyPeriod ? periods : await KeyPeriodsAsync(region.Path, day, ct);
        return new PagedResult<DashboardCadreRow>(
            [.. items.Select(i => new DashboardCadreRow(i.Cadre.PersonId, names.GetValueOrDefault(i.Cadre.PersonId, ""), i.Cadre.Role, i.Cadre.VillageCode,
                villages.GetValueOrDefault(i.Cadre.VillageId, ""), CadreService.PlaceName(i.Cadre.RegionPath), i.Status,
                InKeyPeriod(keyPeriods, i.Cadre.RegionPath), i.Month.OnPost, i.Month.Due))],
            rows.Count, page, size);
    }

    /// <summary>The region (the account's scope when empty; 404 outside it) and the day (today when null; 400 when later).</summary>
    (Region Region, DateOnly Day, DateOnly Today) Resolve(DateOnly? date, string? regionCode)
    {
        OversightPolicy.RequireRead(user, "管理看板");
        var today = ChinaTime.Today(clock);
        var region = ScopeRegions.Find(user, regionCode)
            ?? (user.ScopeCode is { } own ? RegionCatalog.Embedded.Find(own) : null)
            ?? throw new ValidationException("region", "请指定区划（地区、县或乡镇的代码）。");
        var errors = new ValidationErrors();
        if (region.Level is not (RegionLevel.Province or RegionLevel.Prefecture or RegionLevel.County or RegionLevel.Township))
            errors.Add("region", $"看板按地区、县或乡镇查看；“{region.Name}”是{Region.LevelName(region.Level)}，请选择它所在的乡镇。");
        var day = date ?? today;
        if (day > today) errors.Add("date", $"日期不能晚于今天（{today:yyyy-MM-dd}）。");
        else if (day.Year < 2000) errors.Add("date", "日期无效。");
        errors.ThrowIfAny();
        return (region, day, today);
    }

    /// <summary>The regions from the account's scope root down to <paramref name="region"/>'s parent.</summary>
    IReadOnlyList<RegionLink> Trail(Region region)
    {
        var trail = new List<RegionLink>();
        for (var code = region.ParentCode?.Value; code is not null; code = RegionCatalog.Embedded.Find(code)?.ParentCode?.Value)
        {
            var r = RegionCatalog.Embedded.Find(code);
            if (r is null || !r.Path.StartsWith(user.ScopePath, StringComparison.Ordinal)) break;
            trail.Insert(0, new RegionLink(r.Code.Value, r.Name));
        }
        return trail;
    }

    sealed record VillageFigures(Guid VillageId, string RegionPath, OnPostFigures Day, OnPostFigures Month);

    /// <summary>The day's and the month's figures of each village under the region with stationed cadres.</summary>
    /// <remarks>
    /// On PostgreSQL the cadres' bit sets are counted in the database (<see cref="VillageFiguresSql"/>): a village's line
    /// comes back instead of each cadre's, which keeps a prefecture of 50,000 cadres fast. Elsewhere (SQLite, the
    /// embedded default) the same counts are made here from the cadres' rows (<see cref="CadreMonth"/>); the tests run
    /// both against the same worked figures.
    /// </remarks>
    async Task<List<VillageFigures>> VillageFiguresAsync(string path, DateOnly day, CancellationToken ct)
    {
        var paths = (await db.Villages.AsNoTracking().Where(v => v.RegionPath.StartsWith(path)).Select(v => new { v.Id, v.RegionPath }).ToListAsync(ct))
            .ToDictionary(v => v.Id, v => v.RegionPath);
        if (db.Database.IsNpgsql())
        {
            var first = CheckInMonths.MonthOf(day);
            var rows = await db.Database.SqlQueryRaw<VillageCounts>(VillageFiguresSql,
                    path + "%", user.ScopePath + "%", first, day, first.AddMonths(1).AddDays(-1), CheckInMonths.Bit(day))
                .ToListAsync(ct);
            return [.. rows.Select(r => new VillageFigures(r.VillageId, paths.GetValueOrDefault(r.VillageId, path),
                new OnPostFigures(r.DayStationed, r.DayOnPost, r.DayOnLeave, r.DayOffPost, r.DayStationed - r.DayOnPost - r.DayOnLeave - r.DayOffPost),
                new OnPostFigures(r.MonthStationed, r.MonthOnPost, r.MonthOnLeave, r.MonthOffPost, r.MonthStationed - r.MonthOnPost - r.MonthOnLeave - r.MonthOffPost)))];
        }
        var result = new List<VillageFigures>();
        foreach (var g in (await CadresAsync(path, day, ct)).GroupBy(c => c.VillageId))
        {
            var dayTally = new Tally();
            var monthTally = new Tally();
            foreach (var c in g)
            {
                monthTally.Add(c.Month(day));
                if (c.StatusOn(day) is { } status) dayTally.Add(status);
            }
            result.Add(new VillageFigures(g.Key, paths.GetValueOrDefault(g.Key, path), dayTally.Figures, monthTally.Figures));
        }
        return result;
    }

    /// <summary>What <see cref="VillageFiguresSql"/> returns for one village.</summary>
    internal sealed class VillageCounts
    {
        public Guid VillageId { get; init; }
        public int DayStationed { get; init; }
        public int DayOnPost { get; init; }
        public int DayOnLeave { get; init; }
        public int DayOffPost { get; init; }
        public int MonthStationed { get; init; }
        public int MonthOnPost { get; init; }
        public int MonthOnLeave { get; init; }
        public int MonthOffPost { get; init; }
    }

    /// <summary>
    /// The counts of <see cref="CadreMonth"/> in PostgreSQL (14 or later, for <c>bit_count</c>), per village: each active
    /// posting under the region path ({0}) joined with its cadre's month summary (in the account's scope, {1}) and the
    /// bit set of its approved leave in the month ({2} the 1st, {3} the day, {4} the month's last day); {5} is the day's
    /// bit. The days of a span are <c>((1 &lt;&lt; last) − 1) &amp; ~((1 &lt;&lt; (first − 1)) − 1)</c>, in 64 bits for day 31.
    /// </summary>
    internal const string VillageFiguresSql = """
        SELECT x."VillageId",
               (count(*) FILTER (WHERE x.today))::int AS "DayStationed",
               (count(*) FILTER (WHERE x.today AND x.onp & {5} <> 0))::int AS "DayOnPost",
               (count(*) FILTER (WHERE x.today AND x.onp & {5} = 0 AND x.lv & {5} <> 0))::int AS "DayOnLeave",
               (count(*) FILTER (WHERE x.today AND x.onp & {5} = 0 AND x.lv & {5} = 0 AND x.anyd & {5} <> 0))::int AS "DayOffPost",
               coalesce(sum(bit_count(x.st::bit(32))), 0)::int AS "MonthStationed",
               coalesce(sum(bit_count((x.onp & x.st)::bit(32))), 0)::int AS "MonthOnPost",
               coalesce(sum(bit_count((x.lv & x.st & ~x.onp)::bit(32))), 0)::int AS "MonthOnLeave",
               coalesce(sum(bit_count((x.anyd & x.st & ~x.onp & ~x.lv)::bit(32))), 0)::int AS "MonthOffPost"
        FROM (
            SELECT p."VillageId", p."StartDate" <= {3} AND p."EndDate" >= {3} AS today,
                   coalesce(m."OnPostDays", 0) AS onp, coalesce(m."CheckInDays", 0) AS anyd, coalesce(l.days, 0) AS lv,
                   CASE WHEN least(p."EndDate", {3}) < greatest(p."StartDate", {2}) THEN 0
                        ELSE (((1::int8 << extract(day FROM least(p."EndDate", {3}))::int) - 1)
                              & ~((1::int8 << (extract(day FROM greatest(p."StartDate", {2}))::int - 1)) - 1))::int END AS st
            FROM "Postings" p
            LEFT JOIN "CheckInMonths" m ON m."PersonId" = p."PersonId" AND m."Month" = {2} AND m."RegionPath" LIKE {1}
            LEFT JOIN (
                SELECT z."PersonId", bit_or(CASE WHEN z.t < z.f THEN 0
                           ELSE (((1::int8 << extract(day FROM z.t)::int) - 1) & ~((1::int8 << (extract(day FROM z.f)::int - 1)) - 1))::int END) AS days
                FROM (
                    SELECT "PersonId", greatest("StartDate", {2}) AS f,
                           least(CASE WHEN "Status" = 5 THEN least("ReturnedOn" - 1, "EndDate") ELSE "EndDate" END, {4}) AS t
                    FROM "LeaveRequests"
                    WHERE ("Status" = 2 OR ("Status" = 5 AND "ReturnedOn" > "StartDate")) AND "StartDate" <= {3} AND "EndDate" >= {2} AND "RegionPath" LIKE {0}
                ) z
                GROUP BY z."PersonId"
            ) l ON l."PersonId" = p."PersonId"
            WHERE p."Status" = 1 AND p."RegionPath" LIKE {0} AND p."StartDate" <= {3} AND p."EndDate" >= {2}
        ) x
        GROUP BY x."VillageId"
        """;

    /// <summary>Key periods in force on the day that apply to (part of) the region: set for it or above it, or inside it.</summary>
    async Task<List<KeyPeriod>> KeyPeriodsAsync(string path, DateOnly day, CancellationToken ct)
    {
        var above = KeyPeriodService.Ancestors(path);
        return await db.KeyPeriods.IgnoreQueryFilters().AsNoTracking()
            .Where(k => k.StartDate <= day && k.EndDate >= day && (above.Contains(k.RegionPath) || k.RegionPath.StartsWith(path)))
            .OrderBy(k => k.StartDate).ThenBy(k => k.Name).ToListAsync(ct);
    }

    static bool InKeyPeriod(List<KeyPeriod> periods, string villagePath)
    {
        foreach (var k in periods) if (villagePath.StartsWith(k.RegionPath, StringComparison.Ordinal)) return true;
        return false;
    }

    /// <summary>
    /// Every cadre stationed in the region at some time from the 1st of the day's month to the day, with the month's
    /// check-in and on-post days and their leave days as bit sets: one query for the postings with their month summary,
    /// one for the leave. Postings are those in villages under the region (not those seen through the home unit).
    /// </summary>
    async Task<List<CadreMonth>> CadresAsync(string path, DateOnly day, CancellationToken ct)
    {
        var first = CheckInMonths.MonthOf(day);
        var rows = await (
                from p in db.Postings.AsNoTracking()
                where p.Status == PostingStatus.Active && p.RegionPath.StartsWith(path) && p.StartDate <= day && p.EndDate >= first
                join m in db.CheckInMonths.AsNoTracking().Where(m => m.Month == first) on p.PersonId equals m.PersonId into months
                from m in months.DefaultIfEmpty()
                select new
                {
                    p.PersonId, p.VillageId, p.Role, p.StartDate, p.EndDate,
                    CheckInDays = m == null ? 0 : m.CheckInDays, OnPostDays = m == null ? 0 : m.OnPostDays,
                })
            .ToListAsync(ct);
        // The villages' codes and paths once each, not once per cadre (50,000 rows read faster without two strings each).
        var villages = (await db.Villages.AsNoTracking().Where(v => v.RegionPath.StartsWith(path)).Select(v => new { v.Id, v.Code, v.RegionPath }).ToListAsync(ct))
            .ToDictionary(v => v.Id, v => (Code: v.Code.Value, v.RegionPath));
        var leave = (await db.LeaveRequests.AsNoTracking()
                .Where(l => (l.Status == LeaveStatus.Approved || l.Status == LeaveStatus.Returned) && l.StartDate <= day && l.EndDate >= first && l.RegionPath.StartsWith(path))
                .Select(l => new { l.PersonId, l.Status, l.StartDate, l.EndDate, l.ReturnedOn })
                .ToListAsync(ct))
            .ToLookup(l => l.PersonId);
        var last = first.AddMonths(1).AddDays(-1);
        return [.. rows.Select(r =>
        {
            var leaveDays = 0;
            foreach (var l in leave[r.PersonId])
            {
                if (LeaveRequest.Taken(l.Status, l.StartDate, l.EndDate, l.ReturnedOn) is not { } taken) continue;
                leaveDays |= CheckInMonths.Span(taken.From < first ? first : taken.From, taken.To > last ? last : taken.To);
            }
            var (code, villagePath) = villages.GetValueOrDefault(r.VillageId, ("", path));
            return new CadreMonth(r.PersonId, r.VillageId, code, r.Role, villagePath, r.StartDate, r.EndDate, r.CheckInDays, r.OnPostDays, leaveDays);
        })];
    }

    sealed record CadreMonth(Guid PersonId, Guid VillageId, string VillageCode, PostingRole Role, string RegionPath, DateOnly Start, DateOnly End,
        int CheckInDays, int OnPostDays, int LeaveDays)
    {
        /// <summary>The cadre's status on <paramref name="day"/>, or null when not stationed then.</summary>
        public DayStatus? StatusOn(DateOnly day)
        {
            if (day < Start || day > End) return null;
            if (CheckInMonths.Has(OnPostDays, day)) return DayStatus.OnPost;
            if (CheckInMonths.Has(LeaveDays, day)) return DayStatus.OnLeave;
            return CheckInMonths.Has(CheckInDays, day) ? DayStatus.OffPost : DayStatus.Missing;
        }

        /// <summary>The cadre-days of the month from the 1st (or the posting's start) to <paramref name="day"/> (or its end).</summary>
        public OnPostFigures Month(DateOnly day)
        {
            var first = CheckInMonths.MonthOf(day);
            var stationed = CheckInMonths.Span(Start > first ? Start : first, End < day ? End : day);
            var onPost = OnPostDays & stationed;
            var leave = LeaveDays & stationed & ~onPost;
            var offPost = CheckInDays & stationed & ~onPost & ~leave;
            var missing = stationed & ~onPost & ~leave & ~offPost;
            return new OnPostFigures(CheckInMonths.Count(stationed), CheckInMonths.Count(onPost), CheckInMonths.Count(leave), CheckInMonths.Count(offPost), CheckInMonths.Count(missing));
        }
    }

    /// <summary>Counts into one region's figures.</summary>
    sealed class Tally
    {
        int stationed, onPost, onLeave, offPost, missing;

        public void Add(DayStatus s)
        {
            stationed++;
            switch (s)
            {
                case DayStatus.OnPost: onPost++; break;
                case DayStatus.OnLeave: onLeave++; break;
                case DayStatus.OffPost: offPost++; break;
                default: missing++; break;
            }
        }

        public void Add(OnPostFigures f)
        {
            stationed += f.Stationed;
            onPost += f.OnPost;
            onLeave += f.OnLeave;
            offPost += f.OffPost;
            missing += f.Missing;
        }

        public OnPostFigures Figures => new(stationed, onPost, onLeave, offPost, missing);
    }

    /// <summary>Which line a village path counts in: the child region whose path it starts with (cached per path), else −1.</summary>
    sealed class SlotMap(IReadOnlyList<Region> children)
    {
        readonly Dictionary<string, int> cache = new(StringComparer.Ordinal);

        public int Of(string path)
        {
            if (cache.TryGetValue(path, out var slot)) return slot;
            slot = -1;
            for (var i = 0; i < children.Count; i++)
            {
                if (path.StartsWith(children[i].Path, StringComparison.Ordinal)) { slot = i; break; }
            }
            return cache[path] = slot;
        }
    }

    static string Cut(string s) => s.Length > 20 ? s[..20] + "…" : s;
}
