using Grassroots.Common;
using Grassroots.Data;
using Grassroots.Regions;
using Grassroots.Security;
using Microsoft.EntityFrameworkCore;

namespace Grassroots.Manage;

/// <summary>A request or report as the cadre writes it. Kind: <c>request</c> (请示) or <c>report</c> (报告); to:
/// <c>township</c> (default) or <c>county</c>.</summary>
public sealed record RequestInput(string? Kind, string? Subject, string? Text, string? To = null);

/// <summary>An answer. <paramref name="Version"/> is the version the office saw: a changed request is a conflict.</summary>
public sealed record RequestAnswerInput(Guid? Version, string? Answer);

/// <summary>The closing (办结). A note is required when the office closes a request it has not answered.</summary>
public sealed record RequestCloseInput(Guid? Version, string? Note = null);

public sealed record RequestEventDto(DateTime At, string By, RequestAction Action, string ActionName, string? Note);

public sealed record RequestDto(
    Guid Id, Guid PersonId, string PersonName, string VillageName, string PlaceName,
    RequestKind Kind, string KindName, RequestAddressee To, string ToName, string Subject, string Text,
    RequestStatus Status, string StatusName, DateTime AskedAt, DateTime? AnsweredAt, string? AnsweredBy, string? Answer,
    DateTime? ClosedAt, string? ClosedBy, string? CloseNote, bool CanAnswer, bool CanClose, Guid Version,
    IReadOnlyList<RequestEventDto> Events);

public sealed record RequestQuery
{
    /// <summary><c>todo</c> (open ones this account answers), <c>open</c>, <c>answered</c>, <c>closed</c>, <c>all</c> (default).</summary>
    public string? View { get; init; }
    public string? Kind { get; init; }
    public string? To { get; init; }
    /// <summary>Words in the subject or the text.</summary>
    public string? Q { get; init; }
    /// <summary>A region code inside the account's scope; the whole scope when not given.</summary>
    public string? Region { get; init; }
    /// <summary><c>-asked</c> (default, newest first), <c>asked</c>, <c>status</c>.</summary>
    public string? Sort { get; init; }
    public int? Page { get; init; }
    public int? PageSize { get; init; }
}

/// <summary>
/// Requests and reports (请示报告, S-MNG-3): a stationed cadre asks or reports; the office in scope answers
/// (S-MNG-7: the township those addressed to it, the county office any in its county); the request is closed by the
/// cadre once answered, or by the office. Every step is kept in the request's trail and in the audit trail, in the same
/// transaction. Of two concurrent answers one is saved and the other is a conflict (409).
/// </summary>
public sealed class CadreRequestService(GrassrootsDb db, CurrentUser user, TimeProvider clock, CadreService cadre)
{
    public static readonly IReadOnlyList<string> Views = ["all", "todo", "open", "answered", "closed"];
    public static readonly IReadOnlyList<string> SortKeys = ["-asked", "asked", "status"];
    public const int MaxSubject = 100;
    public const int MaxText = 2000;

    /// <summary>Files a request or report of the signed-in cadre for their team.</summary>
    public async Task<RequestDto> AskAsync(RequestInput input, CancellationToken ct)
    {
        var personId = cadre.RequirePersonId();
        var post = await cadre.RequirePostAsync(ct);
        var errors = new ValidationErrors();
        if (!RequestNames.TryParse<RequestKind>(input.Kind, RequestNames.Kind, out var kind)) errors.Add("kind", "请选择类别：请示或报告。");
        var to = RequestAddressee.Township;
        if (!string.IsNullOrWhiteSpace(input.To) && !RequestNames.TryParse(input.To, RequestNames.Addressee, out to)) errors.Add("to", "报送对象应为乡镇或县驻村办。");
        var subject = input.Subject?.Trim();
        if (string.IsNullOrEmpty(subject)) errors.Add("subject", "请填写标题。");
        else if (subject.Length > MaxSubject) errors.Add("subject", $"标题不能超过 {MaxSubject} 个字。");
        var text = input.Text?.Trim();
        if (string.IsNullOrEmpty(text)) errors.Add("text", "请填写请示或报告的内容。");
        else if (text.Length > MaxText) errors.Add("text", $"内容不能超过 {MaxText} 个字。");
        errors.ThrowIfAny();

        var now = clock.GetUtcNow().UtcDateTime;
        var request = new CadreRequest
        {
            PersonId = personId, PostingId = post.PostingId, VillageId = post.VillageId, RegionPath = post.RegionPath,
            Kind = kind, To = to, Subject = subject!, Text = text!, AskedAtUtc = now,
        };
        request.Events.Add(new RequestEvent { RequestId = request.Id, AtUtc = now, By = post.Name, Action = RequestAction.Asked });
        db.CadreRequests.Add(request);
        await db.SaveChangesAsync(ct);
        return (await ToDtosAsync([request], withEvents: true, ct))[0];
    }

    /// <summary>The cadre's own requests, newest first.</summary>
    public async Task<PagedResult<RequestDto>> MineAsync(int? page, int? pageSize, CancellationToken ct)
    {
        var personId = cadre.RequirePersonId();
        var (p, size) = Paging.Normalise(page, pageSize);
        var query = db.CadreRequests.IgnoreQueryFilters().AsNoTracking().Where(r => r.PersonId == personId);
        var total = await query.CountAsync(ct);
        var rows = await query.OrderByDescending(r => r.AskedAtUtc).ThenByDescending(r => r.Id).Skip((p - 1) * size).Take(size).ToListAsync(ct);
        return new PagedResult<RequestDto>(await ToDtosAsync(rows, withEvents: false, ct), total, p, size);
    }

    /// <summary>Requests in the user's scope, filtered, sorted and paged.</summary>
    public async Task<PagedResult<RequestDto>> ListAsync(RequestQuery q, CancellationToken ct)
    {
        OversightPolicy.RequireRead(user, "请示报告");
        var errors = new ValidationErrors();
        var view = string.IsNullOrWhiteSpace(q.View) ? "all" : q.View.Trim();
        var sort = string.IsNullOrWhiteSpace(q.Sort) ? "-asked" : q.Sort.Trim();
        if (!Views.Contains(view)) errors.Add("view", $"列表“{Cut(view)}”无效，可选：{string.Join("、", Views)}。");
        if (!SortKeys.Contains(sort)) errors.Add("sort", $"排序“{Cut(sort)}”无效，可选：{string.Join("、", SortKeys)}。");
        RequestKind? kind = null;
        if (!string.IsNullOrWhiteSpace(q.Kind))
        {
            if (RequestNames.TryParse<RequestKind>(q.Kind, RequestNames.Kind, out var k)) kind = k;
            else errors.Add("kind", "类别应为 request（请示）或 report（报告）。");
        }
        RequestAddressee? to = null;
        if (!string.IsNullOrWhiteSpace(q.To))
        {
            if (RequestNames.TryParse<RequestAddressee>(q.To, RequestNames.Addressee, out var t)) to = t;
            else errors.Add("to", "报送对象应为 township（乡镇）或 county（县驻村办）。");
        }
        var words = q.Q?.Trim();
        if (words is { Length: > 50 }) errors.Add("q", "关键词不能超过 50 个字。");
        errors.ThrowIfAny();

        var (page, size) = Paging.Normalise(q.Page, q.PageSize);
        var path = ScopeRegions.PathOf(user, ScopeRegions.Find(user, q.Region));
        var query = db.CadreRequests.AsNoTracking().Where(r => r.RegionPath.StartsWith(path));
        query = view switch
        {
            "todo" => TodoFilter(query),
            "open" => query.Where(r => r.Status == RequestStatus.Open),
            "answered" => query.Where(r => r.Status == RequestStatus.Answered),
            "closed" => query.Where(r => r.Status == RequestStatus.Closed),
            _ => query,
        };
        if (kind is { } kk) query = query.Where(r => r.Kind == kk);
        if (to is { } tt) query = query.Where(r => r.To == tt);
        if (!string.IsNullOrEmpty(words)) query = query.Where(r => r.Subject.Contains(words) || r.Text.Contains(words));
        var ordered = sort switch
        {
            "asked" => query.OrderBy(r => r.AskedAtUtc).ThenBy(r => r.Id),
            "status" => query.OrderBy(r => r.Status).ThenByDescending(r => r.AskedAtUtc).ThenBy(r => r.Id),
            _ => query.OrderByDescending(r => r.AskedAtUtc).ThenByDescending(r => r.Id),
        };
        var total = await ordered.CountAsync(ct);
        var rows = await ordered.Skip((page - 1) * size).Take(size).ToListAsync(ct);
        return new PagedResult<RequestDto>(await ToDtosAsync(rows, withEvents: false, ct), total, page, size);
    }

    /// <summary>Open requests this account answers: a township those addressed to it, the county office all.</summary>
    IQueryable<CadreRequest> TodoFilter(IQueryable<CadreRequest> query)
    {
        var open = query.Where(r => r.Status == RequestStatus.Open);
        if (OversightPolicy.MayAnswer(user, RequestAddressee.County)) return open;
        if (OversightPolicy.MayAnswer(user, RequestAddressee.Township)) return open.Where(r => r.To == RequestAddressee.Township);
        return open.Where(r => false);
    }

    /// <summary>How many open requests this account answers (for the overview).</summary>
    public Task<int> TodoCountAsync(CancellationToken ct) => TodoFilter(db.CadreRequests.AsNoTracking()).CountAsync(ct);

    /// <summary>One request with its trail: the office in scope (404 outside it) or the cadre who filed it.</summary>
    public async Task<RequestDto> GetAsync(Guid id, CancellationToken ct)
    {
        var request = await FindAsync(id, tracking: false, ct);
        return (await ToDtosAsync([request], withEvents: true, ct))[0];
    }

    async Task<CadreRequest> FindAsync(Guid id, bool tracking, CancellationToken ct)
    {
        IQueryable<CadreRequest> query;
        if (user.IsInRole(Roles.Cadre))
        {
            var personId = cadre.RequirePersonId();
            query = db.CadreRequests.IgnoreQueryFilters().Where(r => r.PersonId == personId);
        }
        else
        {
            OversightPolicy.RequireRead(user, "请示报告");
            query = db.CadreRequests;
        }
        if (!tracking) query = query.AsNoTracking();
        return await query.FirstOrDefaultAsync(r => r.Id == id, ct) ?? throw new NotFoundException("该请示报告");
    }

    /// <summary>
    /// Answers an open request in scope (404 outside it) as the office it is addressed to, or the county office (403
    /// otherwise). A stale version or a request no longer open is a conflict (409); so is losing a race at the save.
    /// </summary>
    public async Task<RequestDto> AnswerAsync(Guid id, RequestAnswerInput body, CancellationToken ct)
    {
        OversightPolicy.RequireRead(user, "请示报告");
        var request = await FindAsync(id, tracking: true, ct);
        if (!OversightPolicy.MayAnswer(user, request.To))
            throw new ForbiddenException($"该{RequestNames.Kind(request.Kind)}报送{RequestNames.Addressee(request.To)}，由{RequestNames.Addressee(request.To)}答复。");
        CheckVersion(request, body.Version);
        if (request.Status != RequestStatus.Open) throw new DomainRuleException($"该{RequestNames.Kind(request.Kind)}{RequestNames.Status(request.Status)}（{request.AnsweredBy}），不能再答复。");
        var answer = body.Answer?.Trim();
        if (string.IsNullOrEmpty(answer)) throw new ValidationException("answer", "请填写答复意见。");
        if (answer.Length > MaxText) throw new ValidationException("answer", $"答复意见不能超过 {MaxText} 个字。");
        var now = clock.GetUtcNow().UtcDateTime;
        var by = OversightPolicy.Actor(user);
        request.Status = RequestStatus.Answered;
        request.AnsweredAtUtc = now;
        request.AnsweredBy = by;
        request.Answer = answer;
        request.Version = Guid.NewGuid();
        db.RequestEvents.Add(new RequestEvent { RequestId = request.Id, AtUtc = now, By = by, Action = RequestAction.Answered, Note = answer.Length > 200 ? answer[..200] + "…" : answer });
        await db.SaveChangesAsync(ct);
        return await GetAsync(id, ct);
    }

    /// <summary>
    /// Closes a request (办结): the cadre their own answered one; the office that may answer it an answered one, or an
    /// open one with a note (e.g. a report taken note of). Closing twice is a conflict.
    /// </summary>
    public async Task<RequestDto> CloseAsync(Guid id, RequestCloseInput body, CancellationToken ct)
    {
        var request = await FindAsync(id, tracking: true, ct);
        var isCadre = user.IsInRole(Roles.Cadre);
        if (!isCadre && !OversightPolicy.MayAnswer(user, request.To))
            throw new ForbiddenException($"该{RequestNames.Kind(request.Kind)}由{RequestNames.Addressee(request.To)}办结。");
        CheckVersion(request, body.Version);
        if (request.Status == RequestStatus.Closed) throw new DomainRuleException($"该{RequestNames.Kind(request.Kind)}已由{request.ClosedBy}办结。");
        var note = string.IsNullOrWhiteSpace(body.Note) ? null : body.Note.Trim();
        if (note is { Length: > 500 }) throw new ValidationException("note", "办结说明不能超过 500 个字。");
        if (request.Status == RequestStatus.Open)
        {
            if (isCadre) throw new DomainRuleException("尚未答复，不能办结；如不再需要，请在说明中写明后由答复单位办结。", conflict: false);
            if (note is null) throw new ValidationException("note", "未答复直接办结时，请写明办结说明（如“已阅知”）。");
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var by = isCadre ? (await db.People.IgnoreQueryFilters().AsNoTracking().Where(p => p.Id == request.PersonId).Select(p => p.Name).FirstAsync(ct)) : OversightPolicy.Actor(user);
        request.Status = RequestStatus.Closed;
        request.ClosedAtUtc = now;
        request.ClosedBy = by;
        request.CloseNote = note;
        request.Version = Guid.NewGuid();
        db.RequestEvents.Add(new RequestEvent { RequestId = request.Id, AtUtc = now, By = by, Action = RequestAction.Closed, Note = note });
        await db.SaveChangesAsync(ct);
        return await GetAsync(id, ct);
    }

    static void CheckVersion(CadreRequest request, Guid? version)
    {
        if (version is { } v && v != request.Version) throw new DomainRuleException("该请示报告已被他人处理，请刷新后查看。");
    }

    async Task<IReadOnlyList<RequestDto>> ToDtosAsync(IReadOnlyList<CadreRequest> items, bool withEvents, CancellationToken ct)
    {
        var personIds = items.Select(i => i.PersonId).Distinct().ToList();
        var villageIds = items.Select(i => i.VillageId).Distinct().ToList();
        var ids = items.Select(i => i.Id).ToList();
        var names = await db.People.IgnoreQueryFilters().AsNoTracking().Where(p => personIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.Name, ct);
        var villages = await db.Villages.IgnoreQueryFilters().AsNoTracking().Where(v => villageIds.Contains(v.Id)).ToDictionaryAsync(v => v.Id, v => v.Name, ct);
        var events = withEvents
            ? (await db.RequestEvents.AsNoTracking().Where(e => ids.Contains(e.RequestId)).ToListAsync(ct)).OrderBy(e => e.AtUtc).ThenBy(e => e.Action).ToLookup(e => e.RequestId)
            : null;
        var isCadre = user.IsInRole(Roles.Cadre);
        return [.. items.Select(r => new RequestDto(
            r.Id, r.PersonId, names.GetValueOrDefault(r.PersonId, ""), villages.GetValueOrDefault(r.VillageId, ""), CadreService.PlaceName(r.RegionPath),
            r.Kind, RequestNames.Kind(r.Kind), r.To, RequestNames.Addressee(r.To), r.Subject, r.Text,
            r.Status, RequestNames.Status(r.Status), Utc(r.AskedAtUtc), r.AnsweredAtUtc is { } a ? Utc(a) : null, r.AnsweredBy, r.Answer,
            r.ClosedAtUtc is { } c ? Utc(c) : null, r.ClosedBy, r.CloseNote,
            !isCadre && r.Status == RequestStatus.Open && OversightPolicy.MayAnswer(user, r.To),
            r.Status != RequestStatus.Closed && (isCadre ? r.Status == RequestStatus.Answered : OversightPolicy.MayAnswer(user, r.To)),
            r.Version,
            events is null ? [] : [.. events[r.Id].Select(e => new RequestEventDto(Utc(e.AtUtc), e.By, e.Action, RequestNames.Action(e.Action), e.Note))]))];
    }

    static DateTime Utc(DateTime t) => DateTime.SpecifyKind(t, DateTimeKind.Utc);

    static string Cut(string s) => s.Length > 20 ? s[..20] + "…" : s;
}
