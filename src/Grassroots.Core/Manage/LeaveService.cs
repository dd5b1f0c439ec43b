using Grassroots.Common;
using Grassroots.Data;
using Grassroots.Regions;
using Grassroots.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Grassroots.Manage;

/// <summary>A leave request as the cadre asks for it. Kind: <c>annual</c>, <c>sick</c>, <c>personal</c>, <c>familyVisit</c>,
/// <c>marriage</c>, <c>maternity</c>, <c>bereavement</c>, <c>other</c> (or the Chinese name).</summary>
public sealed record LeaveInput(string? Kind, DateOnly? StartDate, DateOnly? EndDate, string? Reason, string? Destination = null);

/// <summary>An approval or refusal. <paramref name="Version"/> is the version the decider saw: a changed request is a conflict.</summary>
public sealed record LeaveDecision(Guid? Version, string? Note = null);

/// <summary>The return (销假): the day back at the village, today when not given.</summary>
public sealed record LeaveReturnInput(Guid? Version, DateOnly? ReturnedOn = null, string? Note = null);

public sealed record LeaveDto(
    Guid Id, Guid PersonId, string PersonName, string VillageName, string PlaceName,
    LeaveKind Kind, string KindName, DateOnly StartDate, DateOnly EndDate, int Days, string Reason, string? Destination,
    ApprovalLevel Level, string LevelName, string? KeyPeriodName, LeaveStatus Status, string StatusName,
    DateTime RequestedAt, DateTime? DecidedAt, string? DecidedBy, string? DecisionNote,
    DateOnly? ReturnedOn, string? ReturnNote, bool Overdue, int OverdueDays, bool CanDecide, Guid Version);

public sealed record LeaveListQuery
{
    /// <summary><c>todo</c> (pending that this account decides; the default), <c>pending</c>, <c>overdue</c>, <c>away</c> (on leave today), <c>all</c>.</summary>
    public string? View { get; init; }
    /// <summary>A region code inside the account's scope; the whole scope when not given.</summary>
    public string? Region { get; init; }
    public int? Page { get; init; }
    public int? PageSize { get; init; }
}

/// <summary>
/// Leave and return (S-MNG-2) with key periods (S-MNG-4) and two-level approval (S-MNG-7): the cadre asks, sees the
/// status, withdraws a pending request and records the return; the office whose level the routing table names
/// approves or refuses, in its scope; everyone in scope sees overdue returns.
/// </summary>
public sealed class LeaveService(GrassrootsDb db, CurrentUser user, TimeProvider clock, IOptions<ManageOptions> options, CadreService cadre, KeyPeriodService keyPeriods)
{
    public static readonly IReadOnlyList<string> Views = ["todo", "pending", "overdue", "away", "all"];

    DateOnly Today => ChinaTime.Today(clock);

    /// <summary>Asks for leave. Refused (400) with a message per field; 422 when it overlaps another request or the cadre is not stationed.</summary>
    public async Task<LeaveDto> AskAsync(LeaveInput input, CancellationToken ct)
    {
        var personId = cadre.RequirePersonId();
        var post = await cadre.RequirePostAsync(ct);
        var o = options.Value;
        var errors = new ValidationErrors();
        if (!TryParseKind(input.Kind, out var kind)) errors.Add("kind", "请选择请假类别（年休假、病假、事假、探亲假、婚假、产假、丧假或其他）。");
        if (input.StartDate is null) errors.Add("startDate", "请填写开始日期。");
        if (input.EndDate is null) errors.Add("endDate", "请填写结束日期。");
        if (input.StartDate is { } s0 && input.EndDate is { } e0)
        {
            if (e0 < s0) errors.Add("endDate", "结束日期不能早于开始日期。");
            else if (LeavePolicy.Days(s0, e0) > o.MaxLeaveDays) errors.Add("endDate", $"一次请假不能超过 {o.MaxLeaveDays} 天。");
            if (s0 < Today.AddDays(-o.LeaveBackdateDays)) errors.Add("startDate", $"开始日期最早只能补到 {o.LeaveBackdateDays} 天前（{Today.AddDays(-o.LeaveBackdateDays):yyyy-MM-dd}）。");
        }
        var reason = input.Reason?.Trim();
        if (string.IsNullOrEmpty(reason)) errors.Add("reason", "请填写请假事由。");
        else if (reason.Length > 200) errors.Add("reason", "请假事由不能超过 200 个字。");
        var destination = string.IsNullOrWhiteSpace(input.Destination) ? null : input.Destination.Trim();
        if (destination is { Length: > 100 }) errors.Add("destination", "去向不能超过 100 个字。");
        errors.ThrowIfAny();

        var start = input.StartDate!.Value;
        var end = input.EndDate!.Value;
        var clash = await db.LeaveRequests.IgnoreQueryFilters().AsNoTracking()
            .Where(l => l.PersonId == personId && (l.Status == LeaveStatus.Pending || l.Status == LeaveStatus.Approved) && l.StartDate <= end && l.EndDate >= start)
            .OrderBy(l => l.StartDate).FirstOrDefaultAsync(ct);
        if (clash is not null)
            throw new DomainRuleException($"与已有的请假（{clash.StartDate:yyyy-MM-dd} 至 {clash.EndDate:yyyy-MM-dd}，{LeaveNames.Status(clash.Status)}）时间重叠。", conflict: false);

        var key = (await keyPeriods.ApplyingAsync(post.RegionPath, start, end, ct)).FirstOrDefault();
        var days = LeavePolicy.Days(start, end);
        var leave = new LeaveRequest
        {
            PersonId = personId,
            PostingId = post.PostingId,
            VillageId = post.VillageId,
            RegionPath = post.RegionPath,
            Kind = kind,
            StartDate = start,
            EndDate = end,
            Days = days,
            Reason = reason!,
            Destination = destination,
            Level = LeavePolicy.Route(days, key is not null, o),
            KeyPeriodName = key?.Name,
            RequestedAtUtc = clock.GetUtcNow().UtcDateTime,
        };
        db.LeaveRequests.Add(leave);
        await db.SaveChangesAsync(ct);
        return (await ToDtosAsync([leave], ct))[0];
    }

    /// <summary>The cadre's own requests, newest first.</summary>
    public async Task<IReadOnlyList<LeaveDto>> MineAsync(CancellationToken ct)
    {
        var personId = cadre.RequirePersonId();
        var rows = await db.LeaveRequests.IgnoreQueryFilters().AsNoTracking()
            .Where(l => l.PersonId == personId).OrderByDescending(l => l.StartDate).ThenByDescending(l => l.RequestedAtUtc).Take(100).ToListAsync(ct);
        return await ToDtosAsync(rows, ct);
    }

    /// <summary>Withdraws the cadre's own pending request.</summary>
    public async Task<LeaveDto> CancelAsync(Guid id, LeaveDecision body, CancellationToken ct)
    {
        var leave = await OwnAsync(id, body.Version, ct);
        if (leave.Status != LeaveStatus.Pending) throw new DomainRuleException($"该请假{LeaveNames.Status(leave.Status)}，不能撤回。");
        leave.Status = LeaveStatus.Cancelled;
        leave.Version = Guid.NewGuid();
        await db.SaveChangesAsync(ct);
        return (await ToDtosAsync([leave], ct))[0];
    }

    /// <summary>Records the return (销假) of approved leave: the day back is today unless given, not before the leave began and not in the future.</summary>
    public async Task<LeaveDto> ReturnAsync(Guid id, LeaveReturnInput body, CancellationToken ct)
    {
        var leave = await OwnAsync(id, body.Version, ct);
        if (leave.Status != LeaveStatus.Approved)
            throw new DomainRuleException(leave.Status == LeaveStatus.Returned ? "该请假已销假。" : $"该请假{LeaveNames.Status(leave.Status)}，不需要销假。");
        var back = body.ReturnedOn ?? Today;
        var errors = new ValidationErrors();
        if (back > Today) errors.Add("returnedOn", "返岗日期不能晚于今天。");
        if (back < leave.StartDate) errors.Add("returnedOn", $"返岗日期不能早于请假开始日期（{leave.StartDate:yyyy-MM-dd}）。");
        var note = string.IsNullOrWhiteSpace(body.Note) ? null : body.Note.Trim();
        if (note is { Length: > 200 }) errors.Add("note", "说明不能超过 200 个字。");
        errors.ThrowIfAny();
        leave.Status = LeaveStatus.Returned;
        leave.ReturnedOn = back;
        leave.ReturnedAtUtc = clock.GetUtcNow().UtcDateTime;
        leave.ReturnNote = note;
        leave.Version = Guid.NewGuid();
        await db.SaveChangesAsync(ct);
        return (await ToDtosAsync([leave], ct))[0];
    }

    async Task<LeaveRequest> OwnAsync(Guid id, Guid? version, CancellationToken ct)
    {
        var personId = cadre.RequirePersonId();
        var leave = await db.LeaveRequests.IgnoreQueryFilters().FirstOrDefaultAsync(l => l.Id == id && l.PersonId == personId, ct)
            ?? throw new NotFoundException("该请假");
        CheckVersion(leave, version);
        return leave;
    }

    static void CheckVersion(LeaveRequest leave, Guid? version)
    {
        if (version is { } v && v != leave.Version) throw new DomainRuleException("该请假已被他人处理或修改，请刷新后重试。");
    }

    void RequireOffice()
    {
        if (!user.HasScope || !user.Roles.Overlaps(Roles.ManageStaff)) throw new ForbiddenException("您的角色不能查看驻村干部的请销假。");
    }

    /// <summary>Requests in the user's scope: the ones this account decides (default), all pending, overdue returns, away today, or all.</summary>
    public async Task<PagedResult<LeaveDto>> ListAsync(LeaveListQuery q, CancellationToken ct)
    {
        RequireOffice();
        var view = string.IsNullOrWhiteSpace(q.View) ? "todo" : q.View.Trim();
        if (!Views.Contains(view)) throw new ValidationException("view", $"列表“{(view.Length > 20 ? view[..20] : view)}”无效，可选：{string.Join("、", Views)}。");
        var (page, size) = Paging.Normalise(q.Page, q.PageSize);
        var today = Today;
        var path = ScopeRegions.PathOf(user, ScopeRegions.Find(user, q.Region));
        var query = db.LeaveRequests.AsNoTracking().Where(l => l.RegionPath.StartsWith(path));
        IOrderedQueryable<LeaveRequest> ordered;
        switch (view)
        {
            case "todo":
                var levels = Enum.GetValues<ApprovalLevel>().Where(l => LeavePolicy.MayDecide(user.Roles, l)).ToList();
                ordered = query.Where(l => l.Status == LeaveStatus.Pending && levels.Contains(l.Level)).OrderBy(l => l.StartDate).ThenBy(l => l.Id);
                break;
            case "pending":
                ordered = query.Where(l => l.Status == LeaveStatus.Pending).OrderBy(l => l.StartDate).ThenBy(l => l.Id);
                break;
            case "overdue":
                ordered = query.Where(l => l.Status == LeaveStatus.Approved && l.EndDate < today).OrderBy(l => l.EndDate).ThenBy(l => l.Id);
                break;
            case "away":
                ordered = query.Where(l => l.Status == LeaveStatus.Approved && l.StartDate <= today && l.EndDate >= today).OrderBy(l => l.EndDate).ThenBy(l => l.Id);
                break;
            default:
                ordered = query.OrderByDescending(l => l.RequestedAtUtc).ThenBy(l => l.Id);
                break;
        }
        var total = await ordered.CountAsync(ct);
        var items = await ordered.Skip((page - 1) * size).Take(size).ToListAsync(ct);
        return new PagedResult<LeaveDto>(await ToDtosAsync(items, ct), total, page, size);
    }

    /// <summary>How many requests wait for this account's decision and how many returns are overdue, in scope.</summary>
    public async Task<(int ToDecide, int Overdue)> CountsAsync(CancellationToken ct)
    {
        RequireOffice();
        var levels = Enum.GetValues<ApprovalLevel>().Where(l => LeavePolicy.MayDecide(user.Roles, l)).ToList();
        var today = Today;
        var todo = await db.LeaveRequests.CountAsync(l => l.Status == LeaveStatus.Pending && levels.Contains(l.Level), ct);
        var overdue = await db.LeaveRequests.CountAsync(l => l.Status == LeaveStatus.Approved && l.EndDate < today, ct);
        return (todo, overdue);
    }

    public async Task<LeaveDto> GetAsync(Guid id, CancellationToken ct)
    {
        RequireOffice();
        var leave = await db.LeaveRequests.AsNoTracking().FirstOrDefaultAsync(l => l.Id == id, ct) ?? throw new NotFoundException("该请假");
        return (await ToDtosAsync([leave], ct))[0];
    }

    public Task<LeaveDto> ApproveAsync(Guid id, LeaveDecision body, CancellationToken ct) => DecideAsync(id, body, approve: true, ct);

    public Task<LeaveDto> RejectAsync(Guid id, LeaveDecision body, CancellationToken ct) => DecideAsync(id, body, approve: false, ct);

    /// <summary>
    /// Approves or refuses a pending request in scope (404 outside it) at the level this account decides (403 otherwise).
    /// Of two concurrent decisions one is saved; the other finds the request changed and is a conflict (409), whether it
    /// notices when reading (version or status) or when saving (the concurrency token). The decision and its audit row are
    /// one transaction.
    /// </summary>
    async Task<LeaveDto> DecideAsync(Guid id, LeaveDecision body, bool approve, CancellationToken ct)
    {
        RequireOffice();
        var leave = await db.LeaveRequests.FirstOrDefaultAsync(l => l.Id == id, ct) ?? throw new NotFoundException("该请假");
        if (!LeavePolicy.MayDecide(user.Roles, leave.Level))
            throw new ForbiddenException($"该请假需由{LeaveNames.Level(leave.Level)}审批{(leave.KeyPeriodName is { } k ? $"（重要时间节点：{k}）" : "")}，您不能审批。");
        CheckVersion(leave, body.Version);
        if (leave.Status != LeaveStatus.Pending) throw new DomainRuleException($"该请假{LeaveNames.Status(leave.Status)}，不能再审批。");
        var note = string.IsNullOrWhiteSpace(body.Note) ? null : body.Note.Trim();
        if (!approve && note is null) throw new ValidationException("note", "不批准时请写明原因。");
        if (note is { Length: > 200 }) throw new ValidationException("note", "审批意见不能超过 200 个字。");
        leave.Status = approve ? LeaveStatus.Approved : LeaveStatus.Rejected;
        leave.DecidedAtUtc = clock.GetUtcNow().UtcDateTime;
        leave.DecidedBy = user.DisplayName.Length > 0 ? user.DisplayName : user.UserName;
        leave.DecisionNote = note;
        leave.Version = Guid.NewGuid();
        await db.SaveChangesAsync(ct);
        return (await ToDtosAsync([leave], ct))[0];
    }

    async Task<IReadOnlyList<LeaveDto>> ToDtosAsync(IReadOnlyList<LeaveRequest> items, CancellationToken ct)
    {
        var personIds = items.Select(i => i.PersonId).Distinct().ToList();
        var villageIds = items.Select(i => i.VillageId).Distinct().ToList();
        var names = await db.People.IgnoreQueryFilters().AsNoTracking().Where(p => personIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.Name, ct);
        var villages = await db.Villages.IgnoreQueryFilters().AsNoTracking().Where(v => villageIds.Contains(v.Id)).ToDictionaryAsync(v => v.Id, v => v.Name, ct);
        var today = Today;
        var office = user.HasScope;
        return [.. items.Select(l => new LeaveDto(
            l.Id, l.PersonId, names.GetValueOrDefault(l.PersonId, ""), villages.GetValueOrDefault(l.VillageId, ""), CadreService.PlaceName(l.RegionPath),
            l.Kind, LeaveNames.Kind(l.Kind), l.StartDate, l.EndDate, l.Days, l.Reason, l.Destination,
            l.Level, LeaveNames.Level(l.Level), l.KeyPeriodName, l.Status, LeaveNames.Status(l.Status),
            Utc(l.RequestedAtUtc), l.DecidedAtUtc is { } d ? Utc(d) : null, l.DecidedBy, l.DecisionNote,
            l.ReturnedOn, l.ReturnNote, l.IsOverdue(today), l.IsOverdue(today) ? today.DayNumber - l.EndDate.DayNumber : 0,
            office && l.Status == LeaveStatus.Pending && LeavePolicy.MayDecide(user.Roles, l.Level), l.Version))];
    }

    static DateTime Utc(DateTime t) => DateTime.SpecifyKind(t, DateTimeKind.Utc);

    public static bool TryParseKind(string? s, out LeaveKind kind)
    {
        s = s?.Trim();
        foreach (var k in Enum.GetValues<LeaveKind>())
        {
            if (string.Equals(k.ToString(), s, StringComparison.OrdinalIgnoreCase) || LeaveNames.Kind(k) == s
                || (k == LeaveKind.Maternity && s is "产假" or "陪产假")
                || ((int)k).ToString(System.Globalization.CultureInfo.InvariantCulture) == s)
            {
                kind = k;
                return true;
            }
        }
        kind = default;
        return false;
    }
}
