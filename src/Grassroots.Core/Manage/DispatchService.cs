using Grassroots.Common;
using Grassroots.Data;
using Grassroots.Dispatch;
using Grassroots.Regions;
using Grassroots.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Grassroots.Manage;

/// <summary>A dispatch check as the office records it. Method <c>phone</c> (电话, default) or <c>video</c> (视频). Without
/// <paramref name="PersonId"/> the office called the team. <paramref name="OnPost"/> only when someone answered.</summary>
public sealed record DispatchCheckInput(string? VillageCode, Guid? PersonId, DateTimeOffset? At, string? Method, bool? Answered, bool? OnPost, string? Note = null);

public sealed record DispatchCheckRow(Guid Id, DateTime At, Guid VillageId, string VillageName, string PlaceName, Guid? PersonId, string? PersonName,
    DispatchMethod Method, string MethodName, bool Answered, bool? OnPost, string? Note, string By);

public sealed record FieldVisitInput(string? VillageCode, DateOnly? Date, string? Visitors, int? CadresMet, string? Summary);

public sealed record FieldVisitRow(Guid Id, DateOnly Date, Guid VillageId, string VillageName, string PlaceName, string Visitors, int CadresMet, int TeamSize, string Summary, string By);

public sealed record DispatchQuery
{
    public DateOnly? From { get; init; }
    public DateOnly? To { get; init; }
    /// <summary>Village name or code.</summary>
    public string? Q { get; init; }
    /// <summary>Dispatch checks only: <c>unanswered</c>, <c>offPost</c>, <c>onPost</c>.</summary>
    public string? Result { get; init; }
    /// <summary><c>-date</c> (default), <c>date</c>, <c>village</c>.</summary>
    public string? Sort { get; init; }
    public int? Page { get; init; }
    public int? PageSize { get; init; }
}

/// <summary>A team in the user's scope, for choosing in a form.</summary>
public sealed record TeamChoice(Guid VillageId, string VillageCode, string VillageName, string PlaceName, int Cadres);

public sealed record TeamMemberChoice(Guid PersonId, string Name, PostingRole Role, string RoleName, string VillageName);

/// <summary>A roll-call pushed to a team; the limit defaults to <see cref="OversightOptions.RollCallMinutes"/>.</summary>
public sealed record RollCallInput(string? VillageCode, int? LimitMinutes = null, string? Note = null);

public enum RollCallAnswer
{
    /// <summary>已应答: a check-in in the window.</summary>
    Answered = 1,
    /// <summary>等待应答: none yet, the limit has not passed.</summary>
    Waiting = 2,
    /// <summary>未应答: none by the deadline.</summary>
    Unanswered = 3,
}

public sealed record RollCallTargetDto(Guid PersonId, string Name, PostingRole Role, string RoleName, RollCallAnswer Answer, string AnswerName,
    Guid? CheckInId, DateTime? CheckedInAt, bool? OnPost, int? DistanceMetres, bool LateUpload);

public sealed record RollCallDto(Guid Id, Guid VillageId, string VillageName, string PlaceName, DateTime StartedAt, DateTime Deadline, int LimitMinutes,
    string? Note, string By, int Answered, int OnPost, int Waiting, int Unanswered, IReadOnlyList<RollCallTargetDto> Targets);

/// <summary>A cadre who did not answer a roll-call by its deadline.</summary>
public sealed record UnansweredRow(Guid RollCallId, DateTime StartedAt, DateTime Deadline, Guid PersonId, string Name, PostingRole Role, string RoleName, string VillageName, string PlaceName);

/// <summary>A roll-call as the called cadre sees it.</summary>
public sealed record MyRollCall(Guid Id, DateTime StartedAt, DateTime Deadline, string By, string? Note, RollCallAnswer Answer, string AnswerName, DateTime? CheckedInAt);

/// <summary>
/// Dispatch checks (实时调度), field visits (实地走访) and roll-calls (点名), S-MNG-6. The county office and the prefecture
/// record them for the teams in their scope (地县两级驻村办); townships read (S-MNG-7).
/// </summary>
/// <remarks>
/// A roll-call is answered by an ordinary check-in: the cadre's first check-in whose device time lies in
/// [start, start + limit] answers it, both ends included, so the check-in API and its writer need nothing extra and a
/// phone that queued the check-in while offline still answers in time (the upload is then marked late). A cadre with no
/// such check-in is waiting until the deadline and unanswered after it. See docs/adr/0006-roll-calls-answered-by-check-ins.md.
/// </remarks>
public sealed class DispatchService(GrassrootsDb db, CurrentUser user, TimeProvider clock, IOptions<OversightOptions> options, CadreService cadre)
{
    public static readonly IReadOnlyList<string> SortKeys = ["-date", "date", "village"];
    public static readonly IReadOnlyList<string> Results = ["unanswered", "offPost", "onPost"];

    DateTime Now => clock.GetUtcNow().UtcDateTime;
    DateOnly Today => ChinaTime.Today(clock);

    void RequireDispatcher(string what)
    {
        OversightPolicy.RequireRead(user, what);
        if (!OversightPolicy.MayDispatch(user)) throw new ForbiddenException($"{what}由县驻村办和地区驻村办记录，乡镇可以查看。");
    }

    /// <summary>A village in scope by its code (404 outside scope), with its active team.</summary>
    async Task<(Village Village, List<(Guid PersonId, PostingRole Role)> Team)> VillageAsync(string? code, ValidationErrors errors, CancellationToken ct)
    {
        RegionCode? parsed = null;
        if (string.IsNullOrWhiteSpace(code)) errors.Add("villageCode", "请选择村（居）。");
        else if (!RegionCode.TryParse(code.Trim(), out parsed, out var error)) errors.Add("villageCode", error ?? "村（居）代码无效。");
        errors.ThrowIfAny();
        var wanted = parsed!.Value;
        var village = await db.Villages.AsNoTracking().FirstOrDefaultAsync(v => v.Code == wanted, ct) ?? throw new NotFoundException($"村（居）{wanted}");
        var team = (await db.Postings.IgnoreQueryFilters().AsNoTracking().Where(p => p.VillageId == village.Id && p.Status == PostingStatus.Active)
            .Select(p => new { p.PersonId, p.Role }).ToListAsync(ct)).Select(p => (p.PersonId, p.Role)).ToList();
        return (village, team);
    }

    /// <summary>The teams in the user's scope (villages with active postings), in region-code order, for the forms' choices.</summary>
    public async Task<IReadOnlyList<TeamChoice>> TeamChoicesAsync(CancellationToken ct)
    {
        OversightPolicy.RequireRead(user, "驻村工作队");
        var scope = user.ScopePath;
        var rows = await db.Postings.AsNoTracking().Where(p => p.Status == PostingStatus.Active && p.RegionPath.StartsWith(scope))
            .GroupBy(p => new { p.VillageId, p.VillageCode, p.Village!.Name, p.RegionPath })
            .Select(g => new { g.Key.VillageId, g.Key.VillageCode, g.Key.Name, g.Key.RegionPath, Cadres = g.Count() })
            .ToListAsync(ct);
        return [.. rows.OrderBy(r => r.VillageCode.Value, StringComparer.Ordinal).Select(r => new TeamChoice(r.VillageId, r.VillageCode.Value, r.Name, CadreService.PlaceName(r.RegionPath), r.Cadres))];
    }

    /// <summary>The active cadres of a team in scope (404 outside it), first secretary first.</summary>
    public async Task<IReadOnlyList<TeamMemberChoice>> TeamMembersAsync(string? villageCode, CancellationToken ct)
    {
        OversightPolicy.RequireRead(user, "驻村工作队");
        var (village, team) = await VillageAsync(villageCode, new ValidationErrors(), ct);
        var ids = team.Select(t => t.PersonId).ToList();
        var names = await db.People.IgnoreQueryFilters().AsNoTracking().Where(p => ids.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.Name, ct);
        return [.. team.OrderBy(t => t.Role).ThenBy(t => names.GetValueOrDefault(t.PersonId, ""), StringComparer.Ordinal)
            .Select(t => new TeamMemberChoice(t.PersonId, names.GetValueOrDefault(t.PersonId, ""), t.Role, Posting.RoleName(t.Role), village.Name))];
    }

    /// <summary>Records a dispatch check. Answered and on post are facts of the call; on post only when someone answered.</summary>
    public async Task<DispatchCheckRow> RecordCheckAsync(DispatchCheckInput input, CancellationToken ct)
    {
        RequireDispatcher("实时调度");
        var errors = new ValidationErrors();
        DispatchMethod method = DispatchMethod.Phone;
        if (!string.IsNullOrWhiteSpace(input.Method) && !TryMethod(input.Method, out method)) errors.Add("method", "调度方式应为电话或视频。");
        if (input.Answered is null) errors.Add("answered", "请选择是否接通（应答）。");
        else if (input.Answered == true && input.OnPost is null) errors.Add("onPost", "接通后请选择是否在岗。");
        else if (input.Answered == false && input.OnPost is not null) errors.Add("onPost", "未接通时无法确认是否在岗，请不要填写。");
        var at = input.At?.UtcDateTime ?? Now;
        if (at > Now.AddMinutes(5)) errors.Add("at", "调度时间不能晚于现在。");
        else if (at < Now.AddDays(-30)) errors.Add("at", "调度时间不能早于 30 天前。");
        var note = string.IsNullOrWhiteSpace(input.Note) ? null : input.Note.Trim();
        if (note is { Length: > 500 }) errors.Add("note", "情况说明不能超过 500 个字。");
        var (village, team) = await VillageAsync(input.VillageCode, errors, ct);
        if (team.Count == 0) errors.Add("villageCode", $"{village.Name}目前没有在岗的驻村工作队。");
        if (input.PersonId is { } p && team.All(t => t.PersonId != p)) errors.Add("personId", "所选人员不是该村驻村工作队的成员。");
        errors.ThrowIfAny();
        var row = new DispatchCheck
        {
            VillageId = village.Id, RegionPath = village.RegionPath, PersonId = input.PersonId, AtUtc = at, Method = method,
            Answered = input.Answered!.Value, OnPost = input.OnPost, Note = note, By = OversightPolicy.Actor(user), RecordedAtUtc = Now,
        };
        db.DispatchChecks.Add(row);
        await db.SaveChangesAsync(ct);
        return (await CheckRowsAsync([row], ct))[0];
    }

    public async Task<PagedResult<DispatchCheckRow>> ChecksAsync(DispatchQuery q, CancellationToken ct)
    {
        OversightPolicy.RequireRead(user, "实时调度");
        var (sort, words, page, size) = Validate(q, withResult: true);
        var query = db.DispatchChecks.AsNoTracking();
        if (q.From is { } from) { var f = StartOf(from); query = query.Where(c => c.AtUtc >= f); }
        if (q.To is { } to) { var t = StartOf(to.AddDays(1)); query = query.Where(c => c.AtUtc < t); }
        if (!string.IsNullOrEmpty(words)) query = query.Where(c => c.Village!.Name.Contains(words) || c.RegionPath.Contains("/" + words));
        query = q.Result?.Trim() switch
        {
            "unanswered" => query.Where(c => !c.Answered),
            "offPost" => query.Where(c => c.Answered && c.OnPost == false),
            "onPost" => query.Where(c => c.Answered && c.OnPost == true),
            _ => query,
        };
        var ordered = sort switch
        {
            "date" => query.OrderBy(c => c.AtUtc).ThenBy(c => c.Id),
            "village" => query.OrderBy(c => c.RegionPath).ThenByDescending(c => c.AtUtc).ThenBy(c => c.Id),
            _ => query.OrderByDescending(c => c.AtUtc).ThenByDescending(c => c.Id),
        };
        var total = await ordered.CountAsync(ct);
        var rows = await ordered.Skip((page - 1) * size).Take(size).ToListAsync(ct);
        return new PagedResult<DispatchCheckRow>(await CheckRowsAsync(rows, ct), total, page, size);
    }

    async Task<IReadOnlyList<DispatchCheckRow>> CheckRowsAsync(IReadOnlyList<DispatchCheck> items, CancellationToken ct)
    {
        var (villages, names) = await LookupsAsync(items.Select(i => i.VillageId), items.Where(i => i.PersonId is not null).Select(i => i.PersonId!.Value), ct);
        return [.. items.Select(c => new DispatchCheckRow(c.Id, Utc(c.AtUtc), c.VillageId, villages[c.VillageId].Name, CadreService.PlaceName(villages[c.VillageId].RegionPath),
            c.PersonId, c.PersonId is { } p ? names.GetValueOrDefault(p) : null, c.Method, OversightNames.Method(c.Method), c.Answered, c.OnPost, c.Note, c.By))];
    }

    /// <summary>Records a field visit: the day (not in the future), who went, how many of the team they met, what they saw.</summary>
    public async Task<FieldVisitRow> RecordVisitAsync(FieldVisitInput input, CancellationToken ct)
    {
        RequireDispatcher("实地走访");
        var errors = new ValidationErrors();
        if (input.Date is not { } date) errors.Add("date", "请填写走访日期。");
        else if (date > Today) errors.Add("date", "走访日期不能晚于今天。");
        else if (date < Today.AddDays(-90)) errors.Add("date", "走访日期不能早于 90 天前。");
        var visitors = input.Visitors?.Trim();
        if (string.IsNullOrEmpty(visitors)) errors.Add("visitors", "请填写走访人员。");
        else if (visitors.Length > 200) errors.Add("visitors", "走访人员不能超过 200 个字。");
        var summary = input.Summary?.Trim();
        if (string.IsNullOrEmpty(summary)) errors.Add("summary", "请填写走访情况。");
        else if (summary.Length > 2000) errors.Add("summary", "走访情况不能超过 2000 个字。");
        var (village, team) = await VillageAsync(input.VillageCode, errors, ct);
        if (input.CadresMet is not { } met || met < 0) errors.Add("cadresMet", "请填写见到的在岗驻村干部人数。");
        else if (met > team.Count) errors.Add("cadresMet", $"该工作队只有 {team.Count} 人。");
        errors.ThrowIfAny();
        var row = new FieldVisit
        {
            VillageId = village.Id, RegionPath = village.RegionPath, Date = input.Date!.Value, Visitors = visitors!, CadresMet = input.CadresMet!.Value,
            Summary = summary!, By = OversightPolicy.Actor(user), RecordedAtUtc = Now,
        };
        db.FieldVisits.Add(row);
        await db.SaveChangesAsync(ct);
        return (await VisitRowsAsync([row], ct))[0];
    }

    public async Task<PagedResult<FieldVisitRow>> VisitsAsync(DispatchQuery q, CancellationToken ct)
    {
        OversightPolicy.RequireRead(user, "实地走访");
        var (sort, words, page, size) = Validate(q, withResult: false);
        var query = db.FieldVisits.AsNoTracking();
        if (q.From is { } from) query = query.Where(v => v.Date >= from);
        if (q.To is { } to) query = query.Where(v => v.Date <= to);
        if (!string.IsNullOrEmpty(words)) query = query.Where(c => c.Village!.Name.Contains(words) || c.RegionPath.Contains("/" + words));
        var ordered = sort switch
        {
            "date" => query.OrderBy(c => c.Date).ThenBy(c => c.Id),
            "village" => query.OrderBy(c => c.RegionPath).ThenByDescending(c => c.Date).ThenBy(c => c.Id),
            _ => query.OrderByDescending(c => c.Date).ThenByDescending(c => c.Id),
        };
        var total = await ordered.CountAsync(ct);
        var rows = await ordered.Skip((page - 1) * size).Take(size).ToListAsync(ct);
        return new PagedResult<FieldVisitRow>(await VisitRowsAsync(rows, ct), total, page, size);
    }

    async Task<IReadOnlyList<FieldVisitRow>> VisitRowsAsync(IReadOnlyList<FieldVisit> items, CancellationToken ct)
    {
        var (villages, _) = await LookupsAsync(items.Select(i => i.VillageId), [], ct);
        var ids = villages.Keys.ToList();
        var teams = (await db.Postings.IgnoreQueryFilters().AsNoTracking().Where(p => ids.Contains(p.VillageId) && p.Status == PostingStatus.Active)
            .GroupBy(p => p.VillageId).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct)).ToDictionary(x => x.Key, x => x.Count);
        return [.. items.Select(v => new FieldVisitRow(v.Id, v.Date, v.VillageId, villages[v.VillageId].Name, CadreService.PlaceName(villages[v.VillageId].RegionPath),
            v.Visitors, v.CadresMet, teams.GetValueOrDefault(v.VillageId), v.Summary, v.By))];
    }

    /// <summary>Pushes a roll-call to the active cadres of a team; they answer with a check-in within the limit.</summary>
    public async Task<RollCallDto> StartRollCallAsync(RollCallInput input, CancellationToken ct)
    {
        RequireDispatcher("点名");
        var o = options.Value;
        var errors = new ValidationErrors();
        var limit = input.LimitMinutes ?? o.RollCallMinutes;
        if (limit < o.MinRollCallMinutes || limit > o.MaxRollCallMinutes) errors.Add("limitMinutes", $"应答时限应为 {o.MinRollCallMinutes} 到 {o.MaxRollCallMinutes} 分钟。");
        var note = string.IsNullOrWhiteSpace(input.Note) ? null : input.Note.Trim();
        if (note is { Length: > 200 }) errors.Add("note", "点名说明不能超过 200 个字。");
        var (village, team) = await VillageAsync(input.VillageCode, errors, ct);
        if (team.Count == 0) errors.Add("villageCode", $"{village.Name}目前没有在岗的驻村工作队，无法点名。");
        errors.ThrowIfAny();
        var now = Now;
        var call = new RollCall
        {
            VillageId = village.Id, RegionPath = village.RegionPath, StartedAtUtc = now, LimitMinutes = limit, DeadlineUtc = now.AddMinutes(limit),
            Note = note, By = OversightPolicy.Actor(user),
        };
        foreach (var t in team) call.Targets.Add(new RollCallTarget { RollCallId = call.Id, PersonId = t.PersonId, Role = t.Role });
        db.RollCalls.Add(call);
        await db.SaveChangesAsync(ct);
        return await GetRollCallAsync(call.Id, ct);
    }

    public async Task<RollCallDto> GetRollCallAsync(Guid id, CancellationToken ct)
    {
        OversightPolicy.RequireRead(user, "点名");
        var call = await db.RollCalls.AsNoTracking().Include(r => r.Targets).FirstOrDefaultAsync(r => r.Id == id, ct) ?? throw new NotFoundException("该次点名");
        return (await RollCallDtosAsync([call], ct))[0];
    }

    /// <summary>Roll-calls in scope, newest first, with their answer counts.</summary>
    public async Task<PagedResult<RollCallDto>> RollCallsAsync(DispatchQuery q, CancellationToken ct)
    {
        OversightPolicy.RequireRead(user, "点名");
        var (_, words, page, size) = Validate(q with { Sort = null }, withResult: false);
        var query = db.RollCalls.AsNoTracking();
        if (q.From is { } from) { var f = StartOf(from); query = query.Where(c => c.StartedAtUtc >= f); }
        if (q.To is { } to) { var t = StartOf(to.AddDays(1)); query = query.Where(c => c.StartedAtUtc < t); }
        if (!string.IsNullOrEmpty(words)) query = query.Where(c => c.Village!.Name.Contains(words) || c.RegionPath.Contains("/" + words));
        var total = await query.CountAsync(ct);
        var rows = await query.OrderByDescending(c => c.StartedAtUtc).ThenByDescending(c => c.Id).Skip((page - 1) * size).Take(size).Include(c => c.Targets).ToListAsync(ct);
        return new PagedResult<RollCallDto>(await RollCallDtosAsync(rows, ct), total, page, size);
    }

    /// <summary>Cadres who did not answer a roll-call by its deadline, in scope, latest roll-call first (from the given day on).</summary>
    public async Task<PagedResult<UnansweredRow>> UnansweredAsync(DateOnly? from, int? page, int? pageSize, CancellationToken ct)
    {
        OversightPolicy.RequireRead(user, "点名");
        var (p, size) = Paging.Normalise(page, pageSize);
        var since = StartOf(from ?? Today.AddDays(-30));
        var now = Now;
        var calls = await db.RollCalls.AsNoTracking().Include(r => r.Targets)
            .Where(r => r.DeadlineUtc < now && r.StartedAtUtc >= since)
            .OrderByDescending(r => r.StartedAtUtc).ThenByDescending(r => r.Id).ToListAsync(ct);
        var dtos = await RollCallDtosAsync(calls, ct);
        var rows = dtos.SelectMany(d => d.Targets.Where(t => t.Answer == RollCallAnswer.Unanswered)
            .Select(t => new UnansweredRow(d.Id, d.StartedAt, d.Deadline, t.PersonId, t.Name, t.Role, t.RoleName, d.VillageName, d.PlaceName))).ToList();
        return new PagedResult<UnansweredRow>([.. rows.Skip((p - 1) * size).Take(size)], rows.Count, p, size);
    }

    /// <summary>The signed-in cadre's roll-calls of the last days: those still waiting for their check-in first.</summary>
    public async Task<IReadOnlyList<MyRollCall>> MineAsync(CancellationToken ct)
    {
        var personId = cadre.RequirePersonId();
        var since = Now.AddDays(-7);
        var calls = await db.RollCalls.IgnoreQueryFilters().AsNoTracking().Include(r => r.Targets)
            .Where(r => r.StartedAtUtc >= since && r.Targets.Any(t => t.PersonId == personId))
            .OrderByDescending(r => r.StartedAtUtc).ToListAsync(ct);
        var answers = await AnswersAsync(calls, ct);
        return [.. calls.Select(c =>
            {
                var (answer, checkIn) = answers[(c.Id, personId)];
                return new MyRollCall(c.Id, Utc(c.StartedAtUtc), Utc(c.DeadlineUtc), c.By, c.Note, answer, AnswerName(answer), checkIn is null ? null : Utc(checkIn.AtUtc));
            })
            .OrderBy(m => m.Answer != RollCallAnswer.Waiting).ThenByDescending(m => m.StartedAt)];
    }

    sealed record FoundCheckIn(Guid Id, Guid PersonId, DateTime AtUtc, DateTime ReceivedAtUtc, bool OnPost, int DistanceMetres);

    /// <summary>The answer of every target of the given roll-calls, from the targets' check-ins in one read.</summary>
    async Task<Dictionary<(Guid Call, Guid Person), (RollCallAnswer Answer, FoundCheckIn? CheckIn)>> AnswersAsync(IReadOnlyList<RollCall> calls, CancellationToken ct)
    {
        var result = new Dictionary<(Guid, Guid), (RollCallAnswer, FoundCheckIn?)>();
        if (calls.Count == 0) return result;
        var people = calls.SelectMany(c => c.Targets.Select(t => t.PersonId)).Distinct().ToList();
        var from = calls.Min(c => c.StartedAtUtc);
        var to = calls.Max(c => c.DeadlineUtc);
        // The targets' own check-ins, read by person (a target's check-in counts wherever the cadre is).
        var checkIns = (await db.CheckIns.IgnoreQueryFilters().AsNoTracking()
                .Where(c => people.Contains(c.PersonId) && c.AtUtc >= from && c.AtUtc <= to)
                .Select(c => new FoundCheckIn(c.Id, c.PersonId, c.AtUtc, c.ReceivedAtUtc, c.OnPost, c.DistanceMetres))
                .ToListAsync(ct))
            .ToLookup(c => c.PersonId);
        var now = Now;
        foreach (var call in calls)
        {
            foreach (var t in call.Targets)
            {
                var answer = checkIns[t.PersonId].Where(c => c.AtUtc >= call.StartedAtUtc && c.AtUtc <= call.DeadlineUtc).OrderBy(c => c.AtUtc).FirstOrDefault();
                var state = answer is not null ? RollCallAnswer.Answered : now <= call.DeadlineUtc ? RollCallAnswer.Waiting : RollCallAnswer.Unanswered;
                result[(call.Id, t.PersonId)] = (state, answer);
            }
        }
        return result;
    }

    async Task<IReadOnlyList<RollCallDto>> RollCallDtosAsync(IReadOnlyList<RollCall> calls, CancellationToken ct)
    {
        var answers = await AnswersAsync(calls, ct);
        var (villages, names) = await LookupsAsync(calls.Select(c => c.VillageId), calls.SelectMany(c => c.Targets.Select(t => t.PersonId)), ct);
        return [.. calls.Select(c =>
        {
            var targets = c.Targets.OrderBy(t => t.Role).ThenBy(t => names.GetValueOrDefault(t.PersonId, ""), StringComparer.Ordinal).Select(t =>
            {
                var (answer, found) = answers[(c.Id, t.PersonId)];
                return new RollCallTargetDto(t.PersonId, names.GetValueOrDefault(t.PersonId, ""), t.Role, Posting.RoleName(t.Role), answer, AnswerName(answer),
                    found?.Id, found is null ? null : Utc(found.AtUtc), found?.OnPost, found?.DistanceMetres, found is not null && found.ReceivedAtUtc > c.DeadlineUtc);
            }).ToList();
            return new RollCallDto(c.Id, c.VillageId, villages[c.VillageId].Name, CadreService.PlaceName(villages[c.VillageId].RegionPath), Utc(c.StartedAtUtc), Utc(c.DeadlineUtc),
                c.LimitMinutes, c.Note, c.By, targets.Count(t => t.Answer == RollCallAnswer.Answered), targets.Count(t => t.OnPost == true),
                targets.Count(t => t.Answer == RollCallAnswer.Waiting), targets.Count(t => t.Answer == RollCallAnswer.Unanswered), targets);
        })];
    }

    public static string AnswerName(RollCallAnswer a) => a switch
    {
        RollCallAnswer.Answered => "已应答",
        RollCallAnswer.Waiting => "等待应答",
        RollCallAnswer.Unanswered => "未应答",
        _ => a.ToString(),
    };

    async Task<(Dictionary<Guid, Village> Villages, Dictionary<Guid, string> Names)> LookupsAsync(IEnumerable<Guid> villageIds, IEnumerable<Guid> personIds, CancellationToken ct)
    {
        var v = villageIds.Distinct().ToList();
        var p = personIds.Distinct().ToList();
        var villages = await db.Villages.IgnoreQueryFilters().AsNoTracking().Where(x => v.Contains(x.Id)).ToDictionaryAsync(x => x.Id, ct);
        var names = p.Count == 0 ? [] : await db.People.IgnoreQueryFilters().AsNoTracking().Where(x => p.Contains(x.Id)).ToDictionaryAsync(x => x.Id, x => x.Name, ct);
        return (villages, names);
    }

    (string Sort, string? Words, int Page, int Size) Validate(DispatchQuery q, bool withResult)
    {
        var errors = new ValidationErrors();
        var sort = string.IsNullOrWhiteSpace(q.Sort) ? "-date" : q.Sort.Trim();
        if (!SortKeys.Contains(sort)) errors.Add("sort", $"排序“{Cut(sort)}”无效，可选：{string.Join("、", SortKeys)}。");
        if (q.From is { } f && q.To is { } t && t < f) errors.Add("to", "结束日期不能早于开始日期。");
        if (withResult && !string.IsNullOrWhiteSpace(q.Result) && !Results.Contains(q.Result.Trim())) errors.Add("result", $"结果应为：{string.Join("、", Results)}。");
        var words = q.Q?.Trim();
        if (words is { Length: > 50 }) errors.Add("q", "关键词不能超过 50 个字。");
        errors.ThrowIfAny();
        var (page, size) = Paging.Normalise(q.Page, q.PageSize);
        return (sort, string.IsNullOrEmpty(words) ? null : words, page, size);
    }

    public static bool TryMethod(string? s, out DispatchMethod method)
    {
        s = s?.Trim();
        foreach (var m in Enum.GetValues<DispatchMethod>())
        {
            if (string.Equals(m.ToString(), s, StringComparison.OrdinalIgnoreCase) || OversightNames.Method(m) == s)
            {
                method = m;
                return true;
            }
        }
        method = default;
        return false;
    }

    /// <summary>The UTC instant a China day begins.</summary>
    static DateTime StartOf(DateOnly day) => new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), ChinaTime.Offset).UtcDateTime;

    static DateTime Utc(DateTime t) => DateTime.SpecifyKind(t, DateTimeKind.Utc);

    static string Cut(string s) => s.Length > 20 ? s[..20] + "…" : s;
}
