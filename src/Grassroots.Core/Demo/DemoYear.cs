using System.Text.Json;
using Grassroots.Audit;
using Grassroots.Common;
using Grassroots.Data;
using Grassroots.Dispatch;
using Grassroots.Manage;
using Grassroots.Regions;
using Microsoft.EntityFrameworkCore;

namespace Grassroots.Demo;

/// <summary>What the demo's year of daily management and supervision wrote, table by table.</summary>
public sealed record DemoYearCounts(int CheckIns, int LeaveRequests, int KeyPeriods, int RollCalls, int DispatchChecks, int FieldVisits,
    int Draws, int Inspections, int Findings, int FollowUps, int Requests, int CareFunds, int CareEntries, TimeSpan Took)
{
    public int Total => CheckIns + LeaveRequests + KeyPeriods + RollCalls + DispatchChecks + FieldVisits + Draws + Inspections + Findings + FollowUps + Requests + CareFunds + CareEntries;

    /// <summary>One line for the console: 签到 156,723 条、请销假 1,167 条…（用时 4.2 秒）.</summary>
    public string Describe() => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"签到 {CheckIns:N0} 条、请销假 {LeaveRequests:N0} 条、重要时间节点 {KeyPeriods} 个、点名 {RollCalls} 次、实时调度 {DispatchChecks:N0} 次、实地走访 {FieldVisits} 次、"
        + $"随机抽取 {Draws} 次（检查 {Inspections} 个队次，发现问题 {Findings} 个，跟进 {FollowUps} 件）、请示报告 {Requests} 件、关心关怀经费 {CareFunds} 项（支出 {CareEntries:N0} 笔），"
        + $"共 {Total:N0} 条，用时 {Took.TotalSeconds:F1} 秒");
}

/// <summary>
/// The demo's year of records for the 616 stationed cadres, from the start of their term (1 January 2026) to the
/// clock's today, consistent with the article's figures and with each other: daily check-ins (weekdays mostly, gaps,
/// none while on leave, a few off post with reasons, a few flagged), leave of every kind and approval level with
/// returns and a few overdue, two key periods (春节 and 国庆节) when nearly everyone is on post, evening roll-calls
/// answered by check-ins (some not), about 2,760 dispatch checks (实时调度 “2700余次”) and 156 field visits (实地走访
/// “150余次”) whose outcomes follow the check-ins, monthly random inspections in every county drawn with the product's
/// own weighted draw over the real on-post rates, with findings and follow-ups (a few overdue), requests and reports
/// with answers, and each team's care funds with their ledgers (a few overspent, with reasons).
/// </summary>
/// <remarks>
/// Every draw comes from fixed seeds (<see cref="DemoRandom"/>), so the same clock gives the same records. The
/// figures scale with the length of the window; on 27 November 2026 (the article's “截至目前”) they are the article's.
/// Rows are written in bulk (<see cref="DemoBulk"/>): binary COPY on PostgreSQL, one prepared INSERT on SQLite, in the
/// seeding transaction, with one audit row per table.
/// </remarks>
internal sealed class DemoYear
{
    /// <summary>The first day of the year of records: the term start of the 2026 round.</summary>
    public static readonly DateOnly Start = DemoSeeder.ReferenceDate;

    /// <summary>The day the article's figures describe; the dispatch-check and field-visit counts are the article's over
    /// <see cref="Start"/>..this day and scale with the actual window.</summary>
    public static readonly DateOnly ArticleDay = new(2026, 11, 27);

    public const int DispatchCheckTarget = 2_760;
    public const int FieldVisitTarget = 156;
    public const string AliPrefectureOffice = "阿里地委组织部";

    static readonly ManageOptions Manage = new();
    static readonly OversightOptions Oversight = new();
    static readonly JsonSerializerOptions Json = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    sealed class Team
    {
        public required Guid VillageId { get; init; }
        public required RegionCode Code { get; init; }
        public required string Name { get; init; }
        public required string RegionPath { get; init; }
        public required double Lat { get; init; }
        public required double Lon { get; init; }
        public required string Township { get; init; }
        public required string CountyCode { get; init; }
        public required string CountyOffice { get; init; }
        public required bool Needy { get; init; }
        public Guid? RoundId { get; init; }
        public List<Cadre> Cadres { get; } = [];
        public double Diligence { get; set; }
    }

    sealed class Cadre
    {
        public required Guid PersonId { get; init; }
        public required Guid PostingId { get; init; }
        public required string Name { get; init; }
        public required PostingRole Role { get; init; }
        public required DateOnly From { get; init; }
        public required DateOnly To { get; init; }
        public required Team Team { get; init; }
        public double Diligence { get; set; }
        /// <summary>Leave as the product counts it (<see cref="LeaveRequest.TakenRange"/>): not due on those days.</summary>
        public List<(DateOnly From, DateOnly To)> Leave { get; } = [];
        /// <summary>Days actually away on leave: a late return keeps the cadre away, an unrecorded return too.</summary>
        public List<(DateOnly From, DateOnly To)> Away { get; } = [];
        public HashSet<DateOnly> OnPost { get; } = [];
        public Dictionary<DateOnly, CheckIn> FirstOfDay { get; } = [];
        public CheckIn? Last { get; set; }

        public bool OnLeave(DateOnly d) => Away.Any(l => d >= l.From && d <= l.To);
    }

    readonly GrassrootsDb db;
    readonly DateTime now;
    readonly DateOnly today;
    readonly DateOnly end;
    readonly List<Team> teams;
    readonly List<Cadre> cadres;
    readonly List<(string Name, DateOnly From, DateOnly To)> keyDays;

    readonly List<KeyPeriod> keyPeriods = [];
    readonly List<LeaveRequest> leave = [];
    readonly List<CheckIn> checkIns = [];
    readonly List<RollCall> rollCalls = [];
    readonly List<RollCallTarget> rollCallTargets = [];
    readonly List<DispatchCheck> dispatchChecks = [];
    readonly List<FieldVisit> fieldVisits = [];
    readonly List<InspectionDraw> draws = [];
    readonly List<Inspection> inspections = [];
    readonly List<InspectedCadre> inspected = [];
    readonly List<InspectionFinding> findings = [];
    readonly List<FollowUp> followUps = [];
    readonly List<CadreRequest> requests = [];
    readonly List<RequestEvent> requestEvents = [];
    readonly List<CareFund> funds = [];
    readonly List<CareEntry> entries = [];

    DemoYear(GrassrootsDb db, DateTime now, List<Team> teams)
    {
        this.db = db;
        this.now = now;
        today = DateOnly.FromDateTime(ChinaTime.ToChina(now).DateTime);
        end = today < Start.AddDays(365) ? today : Start.AddDays(365);
        this.teams = teams;
        cadres = [.. teams.SelectMany(t => t.Cadres)];
        keyDays =
        [
            ("2026年春节", new DateOnly(2026, 2, 15), new DateOnly(2026, 2, 23)),
            ("2026年国庆节", new DateOnly(2026, 10, 1), new DateOnly(2026, 10, 7)),
        ];
    }

    /// <summary>Generates and writes the year; returns what it wrote (nothing before the term has started).</summary>
    public static async Task<DemoYearCounts> SeedAsync(GrassrootsDb db, DateTime nowUtc, CancellationToken ct)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var year = new DemoYear(db, nowUtc, await LoadTeamsAsync(db, ct));
        if (year.today >= Start)
        {
            year.Generate();
            await year.WriteAsync(ct);
        }
        return year.Counts(watch.Elapsed);
    }

    DemoYearCounts Counts(TimeSpan took) => new(checkIns.Count, leave.Count, keyPeriods.Count, rollCalls.Count, dispatchChecks.Count, fieldVisits.Count,
        draws.Count, inspections.Count, findings.Count, followUps.Count, requests.Count, funds.Count, entries.Count, took);

    static async Task<List<Team>> LoadTeamsAsync(GrassrootsDb db, CancellationToken ct)
    {
        var rows = await db.Postings.IgnoreQueryFilters().AsNoTracking().Where(p => p.Status == PostingStatus.Active)
            .Select(p => new
            {
                p.Id, p.PersonId, p.Role, p.StartDate, p.EndDate, p.RoundId, PersonName = p.Person!.Name,
                p.VillageId, p.Village!.Code, VillageName = p.Village.Name, p.Village.RegionPath, p.Village.Latitude, p.Village.Longitude,
                p.Village.TownshipCode, p.Village.Tags,
            })
            .ToListAsync(ct);
        var teams = new List<Team>();
        foreach (var g in rows.GroupBy(r => r.VillageId).OrderBy(g => g.First().Code.Value, StringComparer.Ordinal))
        {
            var v = g.First();
            var county = RegionCatalog.Embedded.Find(v.Code.CountyPrefix)!;
            var team = new Team
            {
                VillageId = v.VillageId, Code = v.Code, Name = v.VillageName, RegionPath = v.RegionPath, Lat = v.Latitude, Lon = v.Longitude,
                Township = RegionCatalog.Embedded.Find(v.TownshipCode.Value)?.Name ?? "", CountyCode = county.Code.Value, CountyOffice = county.Name + "委组织部",
                Needy = (v.Tags & (VillageTags.Weak | VillageTags.Poor)) != 0, RoundId = g.Select(x => x.RoundId).FirstOrDefault(x => x is not null),
            };
            foreach (var p in g.OrderBy(p => p.Role).ThenBy(p => p.PersonId))
                team.Cadres.Add(new Cadre { PersonId = p.PersonId, PostingId = p.Id, Name = p.PersonName, Role = p.Role, From = p.StartDate, To = p.EndDate, Team = team });
            teams.Add(team);
        }
        return teams;
    }

    static DateTime China(DateOnly d, double hours) => new DateTimeOffset(d.ToDateTime(TimeOnly.MinValue), ChinaTime.Offset).AddHours(hours).UtcDateTime;

    static DateOnly DateOf(DateTime utc) => DateOnly.FromDateTime(ChinaTime.ToChina(utc).DateTime);

    bool IsKeyDay(DateOnly d) => keyDays.Any(k => d >= k.From && d <= k.To);

    static bool Weekend(DateOnly d) => d.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;

    IEnumerable<DateOnly> Days(DateOnly from, DateOnly to)
    {
        for (var d = from < Start ? Start : from; d <= to && d <= end; d = d.AddDays(1)) yield return d;
    }

    void Generate()
    {
        KeyPeriods();
        Profiles();
        Leave();
        CheckIns();
        RollCalls();
        DispatchChecks();
        FieldVisits();
        Inspections();
        Requests();
        Care();
    }

    void KeyPeriods()
    {
        var ali = RegionCatalog.Embedded.Find(DemoRegistry.AliCode)!;
        foreach (var (name, from, to) in keyDays)
        {
            keyPeriods.Add(new KeyPeriod
            {
                Name = name, StartDate = from, EndDate = to, RegionCode = ali.Code, RegionPath = ali.Path,
                Note = name.Contains("春节", StringComparison.Ordinal) ? "春节期间全员全时在岗，确需请假的报县委组织部审批。" : "国庆假期全员全时在岗，做好值班值守和安全稳定工作。",
                CreatedAtUtc = China(from.AddDays(-20), 10), CreatedBy = AliPrefectureOffice,
            });
        }
    }

    /// <summary>How reliably each team and cadre is on post: most teams nearly always, about one in eight markedly less.</summary>
    void Profiles()
    {
        var r = DemoRandom.Stream(10);
        foreach (var t in teams)
        {
            t.Diligence = r.Chance(0.12) ? r.Between(0.66, 0.82) : r.Between(0.90, 0.985);
            foreach (var c in t.Cadres) c.Diligence = Math.Clamp(t.Diligence + r.Between(-0.04, 0.03), 0.55, 0.995);
        }
    }

    static readonly (LeaveKind Kind, double Weight, int Min, int Max, string Reason)[] LeaveKinds =
    [
        (LeaveKind.Annual, 24, 5, 10, "休年休假"),
        (LeaveKind.Sick, 20, 1, 5, "感冒发烧，到县医院就诊"),
        (LeaveKind.Personal, 24, 1, 3, "家中有事需回去处理"),
        (LeaveKind.FamilyVisit, 19, 10, 20, "回内地探望父母"),
        (LeaveKind.Marriage, 2, 10, 13, "本人结婚"),
        (LeaveKind.Maternity, 3, 15, 15, "妻子生育，休陪产假"),
        (LeaveKind.Bereavement, 4, 3, 3, "直系亲属去世"),
        (LeaveKind.Other, 4, 1, 3, "参加单位组织的业务培训"),
    ];

    static readonly string[] Destinations = ["拉萨", "狮泉河镇", "日喀则", "成都", "西安", "重庆", "县城", "老家"];

    void Leave()
    {
        var r = DemoRandom.Stream(11);
        var kinds = LeaveKinds.Select(k => (k, k.Weight)).ToList();
        foreach (var c in cadres)
        {
            var count = r.Next(1, 4);
            var taken = new List<(DateOnly, DateOnly)>();
            for (var i = 0; i < count; i++)
            {
                var k = r.PickWeighted(kinds);
                var days = r.Next(k.Min, k.Max + 1);
                var inKey = r.Chance(0.03);
                DateOnly start;
                var tries = 0;
                do
                {
                    start = inKey ? keyDays[r.Next(keyDays.Count)].From.AddDays(r.Next(0, 4)) : r.Date(Start.AddDays(10), end.AddDays(20));
                    tries++;
                }
                while (tries < 20 && (taken.Any(t => LeavePolicy.Overlaps(start.AddDays(-3), start.AddDays(days + 3), t.Item1, t.Item2))
                    || (!inKey && keyDays.Any(kd => LeavePolicy.Overlaps(start, start.AddDays(days - 1), kd.From, kd.To)))));
                if (tries >= 20) continue;
                var stop = start.AddDays(days - 1);
                var key = keyDays.FirstOrDefault(kd => LeavePolicy.Overlaps(start, stop, kd.From, kd.To));
                var level = LeavePolicy.Route(days, key.Name is not null, Manage);
                var asked = China(start.AddDays(-r.Next(2, 9)), r.Between(9, 18));
                if (k.Kind == LeaveKind.Sick && r.Chance(0.5)) asked = China(start, r.Between(8, 11));
                if (asked > now) continue;
                var decidedAt = asked.AddHours(r.Between(2, 30));
                var status = r.NextDouble() switch { < 0.05 => LeaveStatus.Rejected, < 0.09 => LeaveStatus.Cancelled, _ => LeaveStatus.Approved };
                if (decidedAt > now) { status = LeaveStatus.Pending; }
                DateOnly? returned = null;
                string? returnNote = null;
                if (status == LeaveStatus.Approved && stop < today)
                {
                    // Most come back the day after; a few early, a few late; a handful not yet recorded (overdue).
                    var x = r.NextDouble();
                    if (x < 0.015 && stop >= today.AddDays(-20)) { }
                    else
                    {
                        returned = x < 0.08 && days > 2 ? stop.AddDays(-r.Next(1, Math.Min(3, days - 1) + 1) + 1) : x < 0.12 ? stop.AddDays(1 + r.Next(1, 3)) : stop.AddDays(1);
                        if (returned > today) returned = today;
                        if (returned <= start) returned = start.AddDays(1);
                        returnNote = returned < stop.AddDays(1) ? "工作需要，提前返岗" : returned > stop.AddDays(1) ? "交通受阻（道路结冰），推迟返岗" : null;
                        status = LeaveStatus.Returned;
                    }
                }
                else if (status == LeaveStatus.Approved && start > today && r.Chance(0.5))
                {
                    status = LeaveStatus.Pending;
                }
                var decidedBy = level == ApprovalLevel.Township ? c.Team.Township : c.Team.CountyOffice;
                var item = new LeaveRequest
                {
                    PersonId = c.PersonId, PostingId = c.PostingId, VillageId = c.Team.VillageId, RegionPath = c.Team.RegionPath,
                    Kind = k.Kind, StartDate = start, EndDate = stop, Days = days, Reason = k.Reason, Destination = r.Pick(Destinations),
                    Level = level, KeyPeriodName = key.Name, RequestedAtUtc = asked,
                };
                item.Status = status;
                if (status is LeaveStatus.Approved or LeaveStatus.Returned or LeaveStatus.Rejected)
                {
                    item.DecidedAtUtc = decidedAt;
                    item.DecidedBy = decidedBy;
                    item.DecisionNote = status == LeaveStatus.Rejected ? (key.Name is not null ? "重要时间节点期间须全员在岗，不予批准。" : "近期工作任务重，请调整时间。") : r.Chance(0.3) ? "同意，注意安全，按时返岗。" : null;
                }
                if (returned is { } back)
                {
                    item.ReturnedOn = back;
                    item.ReturnedAtUtc = China(back, r.Between(9, 12));
                    item.ReturnNote = returnNote;
                }
                leave.Add(item);
                if (item.TakenRange is { } range)
                {
                    c.Leave.Add(range);
                    c.Away.Add((range.From, status == LeaveStatus.Approved && stop < today ? today : returned is { } b && b > stop ? b.AddDays(-1) : range.To));
                }
                if (status is LeaveStatus.Approved or LeaveStatus.Returned or LeaveStatus.Pending) taken.Add((start, stop));
            }
        }
    }

    static readonly string[] OffPostReasons =
    [
        "到县城参加驻村干部业务培训", "陪同群众到县医院就医", "到乡镇汇报工作", "到县农业农村局对接产业项目", "到县城采购村小学取暖物资",
        "参加乡镇党委组织的专题会议", "到邻村协调草场边界纠纷", "送生病队员到县医院", "到县里办理群众低保手续",
    ];

    static readonly string[] ReviewNotes = ["经电话核实，情况属实。", "已核实：在县城参加培训。", "已提醒其规范签到，保持定位开启。", "已核实，工作需要外出。"];

    /// <summary>Daily check-ins: on most weekdays, about half the weekend days, nearly every day of a key period; none on leave.</summary>
    void CheckIns()
    {
        var r = DemoRandom.Stream(18);
        foreach (var c in cadres)
        {
            var gaps = new List<(DateOnly, DateOnly)>();
            var streaks = r.Next(0, c.Diligence < 0.85 ? 4 : 2);
            for (var i = 0; i < streaks; i++)
            {
                var s = r.Date(Start, end);
                gaps.Add((s, s.AddDays(r.Next(1, 5))));
            }
            var serial = 0;
            foreach (var d in Days(c.From, c.To))
            {
                if (c.OnLeave(d) || (!IsKeyDay(d) && gaps.Any(g => d >= g.Item1 && d <= g.Item2))) continue;
                var p = IsKeyDay(d) ? 0.985 : Weekend(d) ? c.Diligence * 0.55 : c.Diligence;
                if (!r.Chance(p)) continue;
                var hour = r.Chance(0.88) ? r.Between(7.8, 10.4) : r.Between(14, 18);
                var at = China(d, hour);
                if (at >= now) continue;
                var off = r.Chance(0.006 + (1 - c.Diligence) * 0.08);
                Add(r, c, d, at, off, $"d{d:yyyyMMdd}-{++serial}");
            }
        }
    }

    /// <summary>Adds one check-in of <paramref name="c"/> near (or away from) the village, judged as the product judges it.</summary>
    CheckIn Add(Random r, Cadre c, DateOnly d, DateTime at, bool off, string key, string? reason = null)
    {
        var t = c.Team;
        double lat, lon;
        var flags = CheckInFlags.None;
        if (off)
        {
            var km = r.Between(3, 60);
            var angle = r.Between(0, 2 * Math.PI);
            lat = t.Lat + km / 111.2 * Math.Cos(angle);
            lon = t.Lon + km / (111.2 * Math.Cos(t.Lat * Math.PI / 180)) * Math.Sin(angle);
            reason ??= r.Pick(OffPostReasons);
        }
        else if (c.Last is { } last && DateOf(last.AtUtc) == d.AddDays(-1) && last.OnPost && last.Latitude is { } ll && r.Chance(0.0015))
        {
            // The same coordinates as yesterday to the millionth of a degree: flagged (a position never repeats that exactly).
            lat = ll;
            lon = last.Longitude!.Value;
            flags |= CheckInFlags.RepeatedPosition;
        }
        else
        {
            var metres = Math.Min(900, 40 + Math.Abs(r.Between(-1, 1) * r.Between(0, 1)) * 700);
            var angle = r.Between(0, 2 * Math.PI);
            lat = t.Lat + metres / 111_200 * Math.Cos(angle);
            lon = t.Lon + metres / (111_200 * Math.Cos(t.Lat * Math.PI / 180)) * Math.Sin(angle);
        }
        lat = Math.Round(lat, 6);
        lon = Math.Round(lon, 6);
        var accuracy = Math.Round(r.Chance(0.006) ? r.Between(350, 1500) : r.Between(5, 45), 1);
        if (accuracy > Manage.PoorAccuracyMetres) flags |= CheckInFlags.PoorAccuracy;
        var distance = CheckInRules.DistanceMetres(lat, lon, t.Lat, t.Lon);
        var onPost = distance <= Manage.GeofenceMetres;
        if (!onPost) reason ??= r.Pick(OffPostReasons);
        var received = r.Chance(0.02) ? at.AddMinutes(r.Between(20, 1800)) : at.AddSeconds(r.Between(0.3, 8));
        if (received > now) received = now;
        var payload = new CheckInPayload(key, at, lat, lon, accuracy, onPost ? null : reason);
        var row = new CheckIn
        {
            // Ids in time order, like the ids of check-ins made as time goes by: the rows go in along the primary key.
            Id = Guid.CreateVersion7(new DateTimeOffset(at, TimeSpan.Zero)),
            PersonId = c.PersonId, PostingId = c.PostingId, VillageId = t.VillageId, ClientKey = key, PayloadHash = payload.PayloadHash,
            AtUtc = at, Date = d, ReceivedAtUtc = received, Latitude = lat, Longitude = lon, Accuracy = accuracy,
            DistanceMetres = (int)Math.Round(distance, MidpointRounding.AwayFromZero), OnPost = onPost,
            Late = received - at > TimeSpan.FromMinutes(Manage.LateAfterMinutes), Reason = onPost ? null : reason, Flags = flags, RegionPath = t.RegionPath,
        };
        if ((flags != CheckInFlags.None || !onPost) && d < today.AddDays(-3) && r.Chance(0.75))
        {
            row.ReviewedAtUtc = China(d.AddDays(r.Next(1, 3)), r.Between(9, 17));
            row.ReviewedBy = t.Township;
            row.ReviewNote = r.Pick(ReviewNotes);
        }
        checkIns.Add(row);
        if (onPost) c.OnPost.Add(d);
        c.FirstOfDay.TryAdd(d, row);
        c.Last = row;
        return row;
    }

    /// <summary>Evening roll-calls (晚间点名, ~6 a month): most cadres answer with a check-in within 30 minutes, some do not.</summary>
    void RollCalls()
    {
        var r = DemoRandom.Stream(15);
        var limit = Oversight.RollCallMinutes;
        var days = Days(Start.AddDays(7), today.AddDays(-1)).Where(d => !Weekend(d)).ToList();
        var count = (int)Math.Round(72.0 * (end.DayNumber - Start.DayNumber + 1) / (ArticleDay.DayNumber - Start.DayNumber + 1));
        var used = new HashSet<(Guid, DateOnly)>();
        for (var i = 0; i < count && days.Count > 0; i++)
        {
            var t = r.Pick(teams);
            var d = r.Pick(days);
            if (!used.Add((t.VillageId, d))) continue;
            var started = China(d, r.Between(19, 21.5));
            var call = NewRollCall(t, started, limit, r.Chance(0.8) ? t.CountyOffice : AliPrefectureOffice, r.Chance(0.3) ? "晚间在岗点名" : null);
            foreach (var c in t.Cadres)
            {
                if (c.OnLeave(d) || !r.Chance(0.9)) continue;
                Add(r, c, d, started.AddMinutes(r.Between(0.5, limit - 0.5)), r.Chance(0.04), $"d{d:yyyyMMdd}-rc", "在乡里参加夜间防火巡查");
            }
        }
        // One roll-call running now in the demo cadre's team (普兰镇's first village): one member has answered, the rest wait.
        var home = teams.FirstOrDefault(t => t.RegionPath.Contains("/" + DemoSeeder.CadreTownshipCode + "/", StringComparison.Ordinal)
            && RegionCatalog.Embedded.Find(t.Code.Value)?.Level == RegionLevel.Village);
        var chinaNow = ChinaTime.ToChina(now);
        if (home is not null && today <= end && chinaNow.Hour is >= 8 and < 22)
        {
            var started = now.AddMinutes(-12);
            NewRollCall(home, started, limit, home.CountyOffice, "临时在岗点名");
            var member = home.Cadres.LastOrDefault(c => c.Role == PostingRole.Member && !c.OnLeave(today));
            if (member is not null) Add(r, member, today, now.AddMinutes(-8), false, $"d{today:yyyyMMdd}-rcnow");
        }
    }

    RollCall NewRollCall(Team t, DateTime started, int limit, string by, string? note)
    {
        var call = new RollCall
        {
            VillageId = t.VillageId, RegionPath = t.RegionPath, StartedAtUtc = started, LimitMinutes = limit, DeadlineUtc = started.AddMinutes(limit), By = by, Note = note,
        };
        rollCalls.Add(call);
        foreach (var c in t.Cadres) rollCallTargets.Add(new RollCallTarget { RollCallId = call.Id, PersonId = c.PersonId, Role = c.Role });
        return call;
    }

    /// <summary>Workdays of the window with a weight (weekends count a little), for spreading the office's checks and visits.</summary>
    List<(DateOnly Day, double Weight)> OfficeDays() =>
        [.. Days(Start.AddDays(3), today).Select(d => (d, IsKeyDay(d) ? 1.5 : Weekend(d) ? 0.25 : 1.0))];

    int Scaled(int target) => (int)Math.Round((double)target * (end.DayNumber - Start.DayNumber + 1) / (ArticleDay.DayNumber - Start.DayNumber + 1));

    void DispatchChecks()
    {
        var r = DemoRandom.Stream(13);
        var days = OfficeDays();
        var target = Scaled(DispatchCheckTarget);
        for (var attempt = 0; dispatchChecks.Count < target && days.Count > 0 && attempt < target * 3; attempt++)
        {
            var d = r.PickWeighted(days);
            var t = r.Pick(teams);
            var at = China(d, r.Between(9, 18));
            if (at >= now) at = now.AddMinutes(-r.Between(5, 60));
            if (DateOf(at) != d) continue;
            var single = r.Chance(0.6) ? r.Pick(t.Cadres) : null;
            bool answered;
            bool? onPost;
            string? note;
            if (single is not null)
            {
                var checkedIn = single.FirstOfDay.TryGetValue(d, out var first) && first.AtUtc <= at;
                if (single.OnLeave(d))
                {
                    answered = r.Chance(0.8);
                    onPost = answered ? false : null;
                    note = answered ? "请假中（已按规定报备）" : "电话未接通，已确认其在假期中";
                }
                else if (checkedIn || single.OnPost.Contains(d))
                {
                    answered = r.Chance(0.96);
                    onPost = answered ? single.OnPost.Contains(d) : null;
                    note = !answered ? "电话未接通，已短信提醒回电" : onPost == false ? first?.Reason ?? "外出办事" : null;
                }
                else
                {
                    answered = r.Chance(0.65);
                    onPost = answered ? r.Chance(0.4) : null;
                    note = !answered ? "电话未接通，已短信提醒回电" : onPost == false ? "外出未报备，已提醒" : "在村入户走访，未及时签到";
                }
            }
            else
            {
                var present = t.Cadres.Any(c => c.OnPost.Contains(d));
                answered = r.Chance(present ? 0.97 : 0.6);
                onPost = answered ? present : null;
                note = !answered ? "工作队电话无人接听，已联系第一书记" : present ? null : "工作队成员均外出，已要求说明情况";
            }
            dispatchChecks.Add(new DispatchCheck
            {
                VillageId = t.VillageId, RegionPath = t.RegionPath, PersonId = single?.PersonId, AtUtc = at,
                Method = r.Chance(0.85) ? DispatchMethod.Phone : DispatchMethod.Video, Answered = answered, OnPost = onPost, Note = note,
                By = r.Chance(0.78) ? t.CountyOffice : AliPrefectureOffice, RecordedAtUtc = at.AddMinutes(r.Between(1, 20)) < now ? at.AddMinutes(r.Between(1, 20)) : now,
            });
        }
    }

    static readonly string[] VisitSummaries =
    [
        "查看驻村工作日志和民情台账，与第一书记座谈，了解产业项目推进情况。",
        "入户走访脱贫户，了解驻村工作队帮扶措施落实情况，群众反映良好。",
        "检查驻村干部吃住情况，了解冬季取暖和饮水保障，协调解决实际困难。",
        "实地查看办实事项目（村级活动场所修缮）进度，核对经费支出票据。",
        "与村“两委”班子座谈，听取对驻村工作队的意见建议。",
        "督促落实重要时间节点全员在岗要求，检查值班值守安排。",
    ];

    void FieldVisits()
    {
        var r = DemoRandom.Stream(14);
        var days = OfficeDays().Where(d => d.Day < today).ToList();
        var target = Scaled(FieldVisitTarget);
        for (var i = 0; i < target && days.Count > 0; i++)
        {
            var d = r.PickWeighted(days);
            var t = r.Pick(teams);
            var prefecture = r.Chance(0.3);
            var visitors = string.Join("、", Enumerable.Range(0, r.Next(2, 4)).Select(_ => r.Chance(0.5) ? DemoNames.Han(r, r.Chance(0.7)) : DemoNames.Tibetan(r, r.Chance(0.6))).Distinct());
            fieldVisits.Add(new FieldVisit
            {
                VillageId = t.VillageId, RegionPath = t.RegionPath, Date = d, Visitors = visitors,
                CadresMet = t.Cadres.Count(c => c.OnPost.Contains(d)), Summary = r.Pick(VisitSummaries),
                By = prefecture ? AliPrefectureOffice : t.CountyOffice, RecordedAtUtc = China(d, r.Between(17, 20)),
            });
        }
    }

    /// <summary>The on-post rate of a team over a window, by the product's rule (<see cref="OnPostDays.Compute"/>).</summary>
    static double Rate(Team t, DateOnly from, DateOnly to)
    {
        int onPost = 0, due = 0;
        foreach (var c in t.Cadres)
        {
            var s = c.From > from ? c.From : from;
            var e = c.To < to ? c.To : to;
            for (var m = new DateOnly(s.Year, s.Month, 1); m <= e; m = m.AddMonths(1))
            {
                var x = OnPostDays.Compute(m.Year, m.Month, s, e, e, c.OnPost, c.Leave, 0);
                onPost += x.OnPostDays;
                due += x.ElapsedDays - x.LeaveDays;
            }
        }
        return due <= 0 ? 1 : Math.Min(1, (double)onPost / due);
    }

    static readonly (FindingWeight Weight, string Text)[] GeneralFindings =
    [
        (FindingWeight.EarlySign, "驻村工作日志记录不够及时、完整"),
        (FindingWeight.EarlySign, "群众对驻村工作队成员知晓度不高"),
        (FindingWeight.EarlySign, "为民办实事台账登记不规范，票据未及时归档"),
        (FindingWeight.EarlySign, "个别队员入户走访次数偏少"),
        (FindingWeight.Trend, "多名队员签到时间集中、走访记录内容雷同"),
        (FindingWeight.Trend, "工作队近期多次集体外出，未按规定报备"),
    ];

    /// <summary>Monthly draws of five teams in every county with the product's weighted draw, inspected by 查听访谈 within days.</summary>
    void Inspections()
    {
        var r = DemoRandom.Stream(12);
        foreach (var county in teams.GroupBy(t => t.CountyCode).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var region = RegionCatalog.Embedded.Find(county.Key)!;
            var office = county.First().CountyOffice;
            var pool = Enumerable.Range(0, 6).Select(_ => r.Chance(0.5) ? DemoNames.Han(r, r.Chance(0.7)) : DemoNames.Tibetan(r, r.Chance(0.6))).Distinct().ToList();
            for (var month = new DateOnly(Start.Year, Start.Month, 1); month <= end; month = month.AddMonths(1))
            {
                var drawDay = month.AddDays(19);
                if (drawDay >= today || drawDay < Start) continue;
                var to = drawDay.AddDays(-1);
                var from = to.AddDays(-(Oversight.RiskWindowDays - 1));
                var candidates = county.Select(t =>
                {
                    var rate = Math.Round(Rate(t, from < Start ? Start : from, to), 4);
                    return new DrawCandidate(t.VillageId, t.Code.Value, t.Name, rate, Math.Round(InspectionDrawing.Weight(rate, Oversight), 4));
                }).OrderBy(c => c.VillageCode, StringComparer.Ordinal).ToList();
                var inputs = new DrawInputs(candidates, pool, Math.Min(Oversight.DefaultDrawCount, candidates.Count), Oversight.InspectorsPerTeam);
                var seed = r.Next(1, int.MaxValue);
                var result = InspectionDrawing.Draw(inputs, seed);
                var draw = new InspectionDraw
                {
                    RegionCode = region.Code, RegionPath = region.Path, Seed = seed, Count = inputs.Count, InspectorsPerTeam = inputs.InspectorsPerTeam,
                    WindowFrom = from, WindowTo = to, PlannedDate = drawDay.AddDays(2), Inputs = JsonSerializer.Serialize(inputs, Json),
                    Picks = JsonSerializer.Serialize(result, Json), DrawnAtUtc = China(drawDay, 9.5), DrawnBy = office,
                };
                draws.Add(draw);
                foreach (var pick in result.Teams)
                {
                    var t = county.First(x => x.Code.Value == pick.VillageCode);
                    var c = candidates.First(x => x.VillageCode == pick.VillageCode);
                    Inspect(r, t, draw, c, string.Join("、", pick.Inspectors), Workday(drawDay.AddDays(r.Next(1, 8))));
                }
            }
        }
    }

    /// <summary>The day itself on a weekday, else the Monday after: offices inspect on working days.</summary>
    static DateOnly Workday(DateOnly d) => d.DayOfWeek switch { DayOfWeek.Saturday => d.AddDays(2), DayOfWeek.Sunday => d.AddDays(1), _ => d };

    void Inspect(Random r, Team t, InspectionDraw draw, DrawCandidate c, string inspectors, DateOnly day)
    {
        var i = new Inspection
        {
            DrawId = draw.Id, VillageId = t.VillageId, RegionPath = t.RegionPath, PlannedDate = draw.PlannedDate, Inspectors = inspectors,
            OnPostRate = c.OnPostRate, RiskWeight = c.Weight, CreatedAtUtc = draw.DrawnAtUtc, CreatedBy = draw.DrawnBy,
        };
        inspections.Add(i);
        if (day >= today) return; // still planned
        i.Status = InspectionStatus.Done;
        i.Date = day;
        i.Methods = InspectionMethods.Check | InspectionMethods.Talk | (r.Chance(0.7) ? InspectionMethods.Visit : 0) | (r.Chance(0.6) ? InspectionMethods.Listen : 0);
        i.RecordedAtUtc = China(day, r.Between(17, 20));
        i.RecordedBy = draw.DrawnBy;
        var present = 0;
        foreach (var cadre in t.Cadres)
        {
            var onPost = cadre.OnPost.Contains(day);
            present += onPost ? 1 : 0;
            var note = onPost ? null
                : cadre.OnLeave(day) ? "请假（已审批）"
                : cadre.FirstOfDay.TryGetValue(day, out var ci) && ci.Reason is { } why ? why
                : "外出未在村，未按规定报备";
            inspected.Add(new InspectedCadre { InspectionId = i.Id, PersonId = cadre.PersonId, Role = cadre.Role, OnPost = onPost, Note = note });
            if (!onPost && !cadre.OnLeave(day) && !cadre.FirstOfDay.ContainsKey(day))
            {
                var weight = Rate(t, day.AddDays(-29), day) < 0.75 ? FindingWeight.Trend : FindingWeight.EarlySign;
                Find(r, i, t, day, weight, $"{cadre.Name}检查时不在岗，未按规定请假报备", cadre.PersonId);
            }
        }
        if (r.Chance(0.3))
        {
            var (weight, text) = r.Pick(GeneralFindings);
            Find(r, i, t, day, weight, text, null);
        }
        i.Summary = $"采取{OversightNames.DescribeMethods(i.Methods)}方式检查，{t.Cadres.Count}名驻村干部中{present}人在岗。"
            + (present == t.Cadres.Count ? "工作队在岗在位，驻村日志、民情台账齐全。" : "对不在岗人员已电话核实情况。");
    }

    void Find(Random r, Inspection i, Team t, DateOnly day, FindingWeight weight, string text, Guid? personId)
    {
        var finding = new InspectionFinding { InspectionId = i.Id, Weight = weight, Text = text, PersonId = personId, CreatedAtUtc = i.RecordedAtUtc!.Value, CreatedBy = i.RecordedBy! };
        findings.Add(finding);
        var kind = weight == FindingWeight.EarlySign ? (r.Chance(0.4) ? FollowUpKind.Inform : FollowUpKind.Remind) : (r.Chance(0.4) ? FollowUpKind.Remind : FollowUpKind.Correct);
        var deadline = day.AddDays(r.Next(7, 31));
        var f = new FollowUp
        {
            InspectionId = i.Id, FindingId = finding.Id, VillageId = t.VillageId, RegionPath = t.RegionPath, Kind = kind, PersonId = personId,
            Text = kind switch
            {
                FollowUpKind.Inform => "将检查发现的问题告知本人及工作队，立行立改。",
                FollowUpKind.Remind => "约谈提醒，限期整改并书面报告整改情况。",
                _ => "责令纠正，整改情况报县驻村办备案，纳入年度考核。",
            },
            IssuedOn = day, Deadline = deadline, IssuedAtUtc = i.RecordedAtUtc!.Value, IssuedBy = i.RecordedBy!,
        };
        followUps.Add(f);
        var closeChance = deadline < today ? 0.93 : 0.45;
        if (!r.Chance(closeChance)) return;
        var on = r.Chance(0.88) ? day.AddDays(r.Next(1, Math.Max(2, deadline.DayNumber - day.DayNumber + 1))) : deadline.AddDays(r.Next(1, 8));
        if (on >= today) on = today.AddDays(-1);
        if (on < day) return;
        f.Status = FollowUpStatus.Closed;
        f.ClosedOn = on;
        f.ClosedAtUtc = China(on, r.Between(9, 18));
        f.ClosedBy = i.RecordedBy;
        f.ClosingNote = r.Pick<string>(["已整改到位，补齐相关台账。", "本人已作书面说明，整改完成。", "经回访核实，已按要求整改。"]);
    }

    static readonly (RequestKind Kind, RequestAddressee To, string Subject, string Text, string Answer)[] RequestTemplates =
    [
        (RequestKind.Request, RequestAddressee.Township, "关于使用办实事经费修缮村级活动场所屋顶的请示", "村级活动场所屋顶年久失修，雨季漏水，拟使用办实事经费约八千元进行修缮，妥否，请批示。", "同意，请按程序比价采购，做好票据归档。"),
        (RequestKind.Request, RequestAddressee.Township, "关于为村小学购置冬季取暖煤的请示", "入冬后村小学取暖用煤不足，拟购置取暖煤五吨，所需经费从办实事经费列支，妥否，请批示。", "同意，请做好台账登记。"),
        (RequestKind.Request, RequestAddressee.County, "关于协调解决村饮水管道冻裂问题的请示", "村集中供水管道冻裂，影响四十余户群众饮水，工作队已临时组织送水，恳请县里协调水利部门尽快抢修。", "已协调县水利局本周内派人抢修，请工作队做好群众解释和临时供水。"),
        (RequestKind.Request, RequestAddressee.County, "关于工作队员参加县产业培训的请示", "县农业农村局举办牦牛养殖技术培训，拟派一名队员参加，培训期间由第一书记统筹安排工作，妥否，请批示。", "同意，培训期间按规定报备，保持通讯畅通。"),
        (RequestKind.Report, RequestAddressee.Township, "关于本月驻村工作情况的报告", "本月工作队入户走访八十余户，协调解决群众反映问题六件，开展政策宣讲两次，现将有关情况报告如下。", "已阅，请继续做好民情走访和台账记录。"),
        (RequestKind.Report, RequestAddressee.Township, "关于村内草场边界纠纷调处情况的报告", "两户群众因草场边界发生纠纷，工作队会同村“两委”现场调处，双方已达成一致，现报告调处情况。", "处置及时，请持续跟进，防止反复。"),
        (RequestKind.Report, RequestAddressee.County, "关于重要时间节点期间在岗值守情况的报告", "节日期间工作队全员在岗，安排每日值班，开展安全隐患排查三次，未发生安全事故。", "已阅，值守工作扎实，请保持。"),
        (RequestKind.Report, RequestAddressee.County, "关于村集体经济合作社分红情况的报告", "村合作社年度分红已按程序完成，覆盖全村农牧户，分红明细已张榜公示，现予报告。", "已阅，请将公示材料存档备查。"),
    ];

    void Requests()
    {
        var r = DemoRandom.Stream(16);
        foreach (var t in teams)
        {
            for (var month = new DateOnly(Start.Year, Start.Month, 1); month <= end; month = month.AddMonths(1))
            {
                if (!r.Chance(0.28)) continue;
                var d = r.Date(month, month.AddMonths(1).AddDays(-1));
                var asker = r.Chance(0.5) ? t.Cadres[0] : r.Pick(t.Cadres);
                var asked = China(d, r.Between(9.5, 17));
                if (d < Start || asked >= now || asker.OnLeave(d)) continue;
                var tpl = r.Pick(RequestTemplates);
                var q = new CadreRequest
                {
                    PersonId = asker.PersonId, PostingId = asker.PostingId, VillageId = t.VillageId, RegionPath = t.RegionPath, Kind = tpl.Kind, To = tpl.To,
                    Subject = tpl.Subject, Text = tpl.Text, AskedAtUtc = asked,
                };
                requests.Add(q);
                requestEvents.Add(new RequestEvent { RequestId = q.Id, AtUtc = asked, By = asker.Name, Action = RequestAction.Asked });
                var answeredAt = asked.AddHours(r.Between(2, 72));
                // The last days' requests are partly still waiting for their answer.
                if (answeredAt >= now || ((now - asked).TotalDays < 6 && r.Chance(0.6))) continue;
                var office = tpl.To == RequestAddressee.Township ? t.Township : t.CountyOffice;
                q.Status = RequestStatus.Answered;
                q.AnsweredAtUtc = answeredAt;
                q.AnsweredBy = office;
                q.Answer = tpl.Answer;
                requestEvents.Add(new RequestEvent { RequestId = q.Id, AtUtc = answeredAt, By = office, Action = RequestAction.Answered, Note = tpl.Answer });
                var closedAt = answeredAt.AddHours(r.Between(4, 96));
                if (closedAt >= now || !r.Chance(0.88)) continue;
                var byCadre = r.Chance(0.85);
                q.Status = RequestStatus.Closed;
                q.ClosedAtUtc = closedAt;
                q.ClosedBy = byCadre ? asker.Name : office;
                q.CloseNote = byCadre ? null : "事项已办结。";
                requestEvents.Add(new RequestEvent { RequestId = q.Id, AtUtc = closedAt, By = q.ClosedBy, Action = RequestAction.Closed, Note = q.CloseNote });
            }
        }
    }

    static readonly (string Purpose, double Min, double Max)[] PracticalPurposes =
    [
        ("为村小学购置冬季取暖煤", 3_000, 9_000), ("修缮村级活动场所屋顶", 5_000, 15_000), ("慰问困难群众（米、面、油、酥油）", 1_500, 6_000),
        ("购置饮水管材和保温材料", 2_000, 8_000), ("为村卫生室添置常用药品和器械", 1_000, 5_000), ("组织农牧民技能培训（场地、教材）", 800, 3_500),
        ("修缮村内便民桥护栏", 2_500, 9_500), ("为五保户更换取暖炉具", 1_200, 4_800),
    ];

    /// <summary>Each team's settling allowance (2,000 yuan a cadre, paid in January) and practical-matters fund (50,000 yuan; 80,000 in weak or poor villages).</summary>
    void Care()
    {
        var r = DemoRandom.Stream(17);
        var created = China(Start.AddDays(4), 10);
        var overspent = new HashSet<Guid>(teams.Where((_, i) => i % 41 == 7).Select(t => t.VillageId));
        foreach (var t in teams)
        {
            var settling = new CareFund
            {
                VillageId = t.VillageId, RegionPath = t.RegionPath, RoundId = t.RoundId, Kind = CareFundKind.Settling, Budget = 2_000m * t.Cadres.Count,
                Note = "每名驻村干部安家补贴 2000 元", CreatedAtUtc = created, CreatedBy = t.CountyOffice,
            };
            var practical = new CareFund
            {
                VillageId = t.VillageId, RegionPath = t.RegionPath, RoundId = t.RoundId, Kind = CareFundKind.PracticalMatters, Budget = t.Needy ? 80_000m : 50_000m,
                Note = t.Needy ? "软弱涣散村、脱贫村提高标准" : null, CreatedAtUtc = created, CreatedBy = t.CountyOffice,
            };
            funds.Add(settling);
            funds.Add(practical);
            var n = 0;
            var paid = t.Cadres.Select(c => (Cadre: c, Day: Start.AddDays(r.Next(9, 20)))).OrderBy(x => x.Day).ToList();
            foreach (var (c, d) in paid.Where(x => x.Day <= today))
                Spend(settling, d, 2_000m, $"发放安家补贴：{c.Name}", $"AJ{t.Code.Value[6..]}-{++n:00}", null, t.Township);
            var spends = r.Next(3, 10);
            var dates = Enumerable.Range(0, spends).Select(_ => r.Date(Start.AddDays(15), today.AddDays(-1))).Order().ToList();
            n = 0;
            foreach (var d in dates)
            {
                var (purpose, min, max) = r.Pick(PracticalPurposes);
                var amount = decimal.Round((decimal)r.Between(min, max), r.Chance(0.5) ? 0 : 2);
                if (practical.Spent + amount > practical.Budget)
                {
                    if (!overspent.Contains(t.VillageId)) continue;
                }
                Spend(practical, d, amount, purpose, $"BS{t.Code.Value[6..]}-{++n:000}",
                    practical.Spent + amount > practical.Budget ? "应急抢修饮水管道，已报县驻村办同意，超支部分下年度预算中调剂" : null, t.Township);
            }
            if (overspent.Contains(t.VillageId) && practical.Balance >= 0 && dates.Count > 0)
            {
                var d = dates[^1];
                Spend(practical, d, practical.Balance + decimal.Round((decimal)r.Between(800, 3000), 2), "应急抢修冻裂的集中供水管道", $"BS{t.Code.Value[6..]}-{++n:000}",
                    "应急抢修饮水管道，已报县驻村办同意，超支部分下年度预算中调剂", t.Township);
            }
        }
    }

    void Spend(CareFund fund, DateOnly d, decimal amount, string purpose, string receipt, string? overspend, string by)
    {
        fund.Spent += amount;
        fund.Entries++;
        entries.Add(new CareEntry
        {
            FundId = fund.Id, Number = fund.Entries, RegionPath = fund.RegionPath, Date = d, Amount = amount, Purpose = purpose, ReceiptNo = receipt,
            OverspendReason = fund.Spent > fund.Budget ? overspend : null, BalanceAfter = fund.Budget - fund.Spent,
            RecordedAtUtc = China(d.AddDays(1), 10).AddMinutes(fund.Entries), RecordedBy = by,
        });
    }

    async Task WriteAsync(CancellationToken ct)
    {
        var audits = new List<AuditEntry>();
        async Task Put<T>(List<T> rows, string what) where T : class
        {
            await DemoBulk.InsertAsync(db, rows, ct);
            if (rows.Count > 0)
            {
                audits.Add(new AuditEntry
                {
                    AtUtc = now, UserId = db.User.Id, UserName = db.User.UserName, Event = AuditEvents.Import, ObjectType = typeof(T).Name,
                    Detail = $"演示数据（{Start:yyyy-MM-dd} 至 {end:yyyy-MM-dd}）：{what} {rows.Count} 条",
                });
            }
        }
        await Put(keyPeriods, "重要时间节点");
        await Put(leave, "请销假");
        await Put(checkIns.OrderBy(c => c.Id).ToList(), "签到");
        await Put(CheckInMonths.Summarise(checkIns).OrderBy(m => m.PersonId).ThenBy(m => m.Month).ToList(), "签到月汇总");
        await Put(rollCalls, "点名");
        await Put(rollCallTargets, "点名对象");
        await Put(dispatchChecks.OrderBy(c => c.AtUtc).ToList(), "实时调度");
        await Put(fieldVisits.OrderBy(v => v.Date).ToList(), "实地走访");
        await Put(draws, "随机抽取");
        await Put(inspections, "随机检查");
        await Put(inspected, "在岗情况");
        await Put(findings, "发现问题");
        await Put(followUps, "跟进处置");
        await Put(requests, "请示报告");
        await Put(requestEvents, "请示报告办理记录");
        await Put(funds, "关心关怀经费");
        await Put(entries, "经费支出");
        await DemoBulk.InsertAsync(db, audits, ct);
    }
}
