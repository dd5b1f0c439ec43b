using System.Security.Cryptography;
using System.Text.Json;
using Grassroots.Common;
using Grassroots.Data;
using Grassroots.Dispatch;
using Grassroots.Regions;
using Grassroots.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Grassroots.Manage;

/// <summary>A random draw as asked for. <paramref name="Region"/>: the county (or township) to draw in; an office draws in
/// its own scope when it gives none. <paramref name="Seed"/>: to reproduce a draw; a fresh one is made when none is given.</summary>
public sealed record DrawInput(int? Count = null, int? Seed = null, IReadOnlyList<string>? Inspectors = null, int? InspectorsPerTeam = null,
    DateOnly? PlannedDate = null, string? Region = null);

public sealed record DrawTeamDto(Guid VillageId, string VillageCode, string VillageName, string PlaceName, int Cadres, int OnPostDays, int DueDays,
    double OnPostRate, double Weight, int? Order, IReadOnlyList<string> Inspectors, Guid? InspectionId);

/// <summary>A draw: the seed, the window, every candidate team with its rate and weight (drawn ones with their order and
/// inspectors), and whether running the stored inputs again with the seed gives the stored picks.</summary>
public sealed record DrawDto(Guid Id, string RegionCode, string RegionName, int Seed, int Count, int InspectorsPerTeam, IReadOnlyList<string> InspectorPool,
    DateOnly WindowFrom, DateOnly WindowTo, DateOnly PlannedDate, DateTime DrawnAt, string DrawnBy, IReadOnlyList<DrawTeamDto> Teams, bool Reproduced);

/// <summary>Plans an inspection of one team by hand (not drawn).</summary>
public sealed record PlanInspectionInput(string? VillageCode, DateOnly? PlannedDate, string? Inspectors = null);

public sealed record InspectedCadreInput(Guid? PersonId, bool? OnPost, string? Note = null);

/// <summary>The record of an inspection: the day, the methods (<c>check</c> 查, <c>listen</c> 听, <c>visit</c> 访,
/// <c>talk</c> 谈), the inspectors, a summary and, for every cadre of the team, whether they were on post.</summary>
public sealed record RecordInspectionInput(Guid? Version, DateOnly? Date, IReadOnlyList<string>? Methods, string? Inspectors, string? Summary,
    IReadOnlyList<InspectedCadreInput>? Cadres);

/// <summary>A finding: weight <c>earlySign</c> (苗头性) or <c>trend</c> (倾向性), the text, optionally the cadre it concerns.</summary>
public sealed record FindingInput(string? Weight, string? Text, Guid? PersonId = null);

/// <summary>A follow-up: kind <c>inform</c> (告知), <c>remind</c> (提醒) or <c>correct</c> (纠偏), what is to be done, by when.</summary>
public sealed record FollowUpInput(string? Kind, string? Text, DateOnly? Deadline, Guid? FindingId = null, Guid? PersonId = null);

public sealed record CloseFollowUpInput(Guid? Version, string? Note, DateOnly? ClosedOn = null);

public sealed record InspectionRow(Guid Id, Guid VillageId, string VillageCode, string VillageName, string PlaceName, InspectionStatus Status, string StatusName,
    DateOnly PlannedDate, DateOnly? Date, string[] Methods, string MethodsName, string Inspectors, int Cadres, int OnPost, int Findings, int OpenFollowUps,
    double? OnPostRate, double? RiskWeight, Guid? DrawId);

public sealed record InspectedCadreDto(Guid PersonId, string Name, PostingRole Role, string RoleName, bool? OnPost, string? Note);

public sealed record FindingDto(Guid Id, FindingWeight Weight, string WeightName, string Text, Guid? PersonId, string? PersonName, DateTime CreatedAt, string CreatedBy);

public sealed record FollowUpDto(Guid Id, Guid InspectionId, Guid? FindingId, string VillageName, string PlaceName, FollowUpKind Kind, string KindName, string Text,
    Guid? PersonId, string? PersonName, DateOnly IssuedOn, DateOnly Deadline, FollowUpStatus Status, string StatusName, bool Overdue, int OverdueDays,
    string IssuedBy, DateOnly? ClosedOn, string? ClosedBy, string? ClosingNote, bool CanClose, Guid Version);

public sealed record InspectionDetail(InspectionRow Row, string? Summary, DateTime CreatedAt, string CreatedBy, DateTime? RecordedAt, string? RecordedBy,
    IReadOnlyList<InspectedCadreDto> Team, IReadOnlyList<FindingDto> FindingList, IReadOnlyList<FollowUpDto> FollowUps, bool CanRecord, bool CanFollowUp, Guid Version);

public sealed record InspectionQuery
{
    /// <summary><c>planned</c>, <c>done</c>, or all (default).</summary>
    public string? Status { get; init; }
    public DateOnly? From { get; init; }
    public DateOnly? To { get; init; }
    /// <summary>Village name or code.</summary>
    public string? Q { get; init; }
    public Guid? DrawId { get; init; }
    /// <summary><c>-date</c> (default, newest first), <c>date</c>, <c>village</c>.</summary>
    public string? Sort { get; init; }
    public int? Page { get; init; }
    public int? PageSize { get; init; }
}

public sealed record FollowUpQuery
{
    /// <summary><c>open</c> (default), <c>overdue</c>, <c>dueSoon</c> (open, deadline today or within
    /// <see cref="OversightOptions.FollowUpDueSoonDays"/> days), <c>closed</c>, <c>all</c>.</summary>
    public string? View { get; init; }
    public string? Kind { get; init; }
    /// <summary>A region code inside the account's scope; the whole scope when not given.</summary>
    public string? Region { get; init; }
    public int? Page { get; init; }
    public int? PageSize { get; init; }
}

/// <summary>
/// Random inspections (随机检查, S-MNG-5): the county office draws teams (villages with active postings in its county)
/// weighted by risk — a low on-post rate over the last days raises the weight — and inspectors from a pool, recorded with
/// the seed and the inputs so the draw can be reproduced exactly; it records each inspection by 查听访谈 with who was on
/// post, the findings (苗头性 / 倾向性) and the follow-ups (告知 / 提醒 / 纠偏) with deadlines, and closes them. Townships
/// and the prefecture read (S-MNG-7). Everything is in the account's scope: a sibling county never sees it.
/// </summary>
public sealed class InspectionService(GrassrootsDb db, CurrentUser user, TimeProvider clock, IOptions<OversightOptions> options)
{
    public static readonly IReadOnlyList<string> SortKeys = ["-date", "date", "village"];
    public static readonly IReadOnlyList<string> FollowUpViews = ["open", "overdue", "dueSoon", "closed", "all"];
    static readonly JsonSerializerOptions Json = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    DateOnly Today => ChinaTime.Today(clock);

    void RequireInspector()
    {
        OversightPolicy.RequireRead(user, "随机检查");
        if (!OversightPolicy.MayInspect(user)) throw new ForbiddenException("随机检查由县驻村办（县委组织部）组织，您可以查看检查情况。");
    }

    /// <summary>The node a draw is made in: the given code inside the user's scope (404 outside it), else the user's own scope.</summary>
    Region DrawRegion(string? code)
    {
        if (string.IsNullOrWhiteSpace(code))
        {
            if (user.ScopeCode is null) throw new ValidationException("region", "请指定抽取范围（县的区划代码，如 542521）。");
            code = user.ScopeCode;
        }
        if (!RegionCode.TryParse(code.Trim(), out var parsed, out var error)) throw new ValidationException("region", error ?? "区划代码无效。");
        var region = RegionCatalog.Embedded.Find(parsed.Value.Value) ?? throw new NotFoundException($"区划 {parsed}");
        if (!region.Path.StartsWith(user.ScopePath, StringComparison.Ordinal)) throw new NotFoundException($"区划 {parsed}");
        if (region.Level is not (RegionLevel.Prefecture or RegionLevel.County or RegionLevel.Township))
            throw new ValidationException("region", "抽取范围应为县（或乡镇、地区）。");
        return region;
    }

    /// <summary>The teams a draw in <paramref name="region"/> chooses from, with their rates and weights, by village code.</summary>
    public async Task<(IReadOnlyList<DrawCandidate> Teams, Dictionary<Guid, TeamOnPostRate> Rates, DateOnly From, DateOnly To)> CandidatesAsync(Region region, CancellationToken ct)
    {
        var o = options.Value;
        var to = Today.AddDays(-1);
        var from = to.AddDays(-(Math.Max(o.RiskWindowDays, 1) - 1));
        var path = region.Path;
        var villages = await db.Postings.AsNoTracking()
            .Where(p => p.Status == PostingStatus.Active && p.RegionPath.StartsWith(path))
            .Select(p => new { p.VillageId, Code = p.VillageCode, p.Village!.Name })
            .Distinct().ToListAsync(ct);
        var rates = await TeamOnPost.RatesAsync(db, [.. villages.Select(v => v.VillageId)], from, to, ct);
        var teams = villages
            .Select(v => new DrawCandidate(v.VillageId, v.Code.Value, v.Name, Math.Round(rates[v.VillageId].Rate, 4), Math.Round(InspectionDrawing.Weight(rates[v.VillageId].Rate, o), 4)))
            .OrderBy(t => t.VillageCode, StringComparer.Ordinal).ToList();
        return (teams, rates, from, to);
    }

    /// <summary>The teams a draw in <paramref name="region"/> (default: the user's scope) would choose from, with their
    /// on-post rates over the window and their weights, heaviest first: what the office sees before it draws.</summary>
    public async Task<IReadOnlyList<DrawTeamDto>> PreviewAsync(string? region, CancellationToken ct)
    {
        OversightPolicy.RequireRead(user, "随机检查");
        var node = DrawRegion(region);
        var (teams, rates, _, _) = await CandidatesAsync(node, ct);
        var ids = teams.Select(t => t.VillageId).ToList();
        var paths = await db.Villages.AsNoTracking().Where(v => ids.Contains(v.Id)).ToDictionaryAsync(v => v.Id, v => v.RegionPath, ct);
        return [.. teams.OrderByDescending(t => t.Weight).ThenBy(t => t.VillageCode, StringComparer.Ordinal)
            .Select(t => new DrawTeamDto(t.VillageId, t.VillageCode, t.VillageName, CadreService.PlaceName(paths.GetValueOrDefault(t.VillageId, "")),
                rates[t.VillageId].Cadres, rates[t.VillageId].OnPostDays, rates[t.VillageId].DueDays, t.OnPostRate, t.Weight, null, [], null))];
    }

    /// <summary>Draws teams and inspectors and plans an inspection of each drawn team.</summary>
    public async Task<DrawDto> DrawAsync(DrawInput input, CancellationToken ct)
    {
        RequireInspector();
        var o = options.Value;
        var region = DrawRegion(input.Region);
        var errors = new ValidationErrors();
        var count = input.Count ?? o.DefaultDrawCount;
        if (count is < 1 or > 100) errors.Add("count", "抽取数量应为 1 到 100。");
        if (input.Seed is < 0) errors.Add("seed", "随机种子应为非负整数。");
        var perTeam = input.InspectorsPerTeam ?? o.InspectorsPerTeam;
        if (perTeam is < 0 or > 10) errors.Add("inspectorsPerTeam", "每组检查人员应为 0 到 10 人。");
        var pool = CleanNames(input.Inspectors, errors, "inspectors");
        var planned = input.PlannedDate ?? Today;
        if (planned < Today.AddDays(-30) || planned > Today.AddDays(90)) errors.Add("plannedDate", "计划检查日期应在今天前 30 天到后 90 天之间。");
        errors.ThrowIfAny();

        var (teams, rates, from, to) = await CandidatesAsync(region, ct);
        if (teams.Count == 0) throw new DomainRuleException($"{region.Name}目前没有在岗的驻村工作队，无法抽取。", conflict: false);
        if (count > teams.Count) throw new ValidationException("count", $"{region.Name}只有 {teams.Count} 个驻村工作队，抽取数量不能超过 {teams.Count}。");
        var seed = input.Seed ?? RandomNumberGenerator.GetInt32(1, int.MaxValue);
        var inputs = new DrawInputs(teams, pool, count, perTeam);
        var result = InspectionDrawing.Draw(inputs, seed);

        var now = clock.GetUtcNow().UtcDateTime;
        var by = OversightPolicy.Actor(user);
        var draw = new InspectionDraw
        {
            RegionCode = region.Code, RegionPath = region.Path, Seed = seed, Count = count, InspectorsPerTeam = perTeam,
            WindowFrom = from, WindowTo = to, PlannedDate = planned,
            Inputs = JsonSerializer.Serialize(inputs, Json), Picks = JsonSerializer.Serialize(result, Json), DrawnAtUtc = now, DrawnBy = by,
        };
        db.InspectionDraws.Add(draw);
        var byCode = teams.ToDictionary(t => t.VillageCode);
        foreach (var pick in result.Teams)
        {
            var team = byCode[pick.VillageCode];
            var village = await db.Villages.AsNoTracking().Where(v => v.Id == team.VillageId).Select(v => v.RegionPath).FirstAsync(ct);
            db.Inspections.Add(new Inspection
            {
                DrawId = draw.Id, VillageId = team.VillageId, RegionPath = village, PlannedDate = planned,
                Inspectors = string.Join("、", pick.Inspectors), OnPostRate = team.OnPostRate, RiskWeight = team.Weight,
                CreatedAtUtc = now, CreatedBy = by,
            });
        }
        await db.SaveChangesAsync(ct);
        return await GetDrawAsync(draw.Id, ct);
    }

    /// <summary>A draw in scope, run again from its stored inputs and seed to show it reproduces.</summary>
    public async Task<DrawDto> GetDrawAsync(Guid id, CancellationToken ct)
    {
        OversightPolicy.RequireRead(user, "随机检查");
        var draw = await db.InspectionDraws.AsNoTracking().FirstOrDefaultAsync(d => d.Id == id, ct) ?? throw new NotFoundException("该次抽取");
        var inputs = JsonSerializer.Deserialize<DrawInputs>(draw.Inputs, Json)!;
        var stored = JsonSerializer.Deserialize<DrawResult>(draw.Picks, Json)!;
        var again = InspectionDrawing.Draw(inputs, draw.Seed);
        var reproduced = again.Teams.Count == stored.Teams.Count
            && again.Teams.Zip(stored.Teams).All(p => p.First.VillageCode == p.Second.VillageCode && p.First.Inspectors.SequenceEqual(p.Second.Inspectors));
        var inspections = await db.Inspections.AsNoTracking().Where(i => i.DrawId == id).Select(i => new { i.Id, i.VillageId }).ToListAsync(ct);
        var order = stored.Teams.Select((t, i) => (t, i)).ToDictionary(x => x.t.VillageCode, x => (Order: x.i + 1, x.t.Inspectors));
        var villageIds = inputs.Teams.Select(t => t.VillageId).ToList();
        var paths = await db.Villages.IgnoreQueryFilters().AsNoTracking().Where(v => villageIds.Contains(v.Id)).ToDictionaryAsync(v => v.Id, v => v.RegionPath, ct);
        var rates = await TeamOnPost.RatesAsync(db, villageIds, draw.WindowFrom, draw.WindowTo, ct);
        var teams = inputs.Teams
            .Select(t =>
            {
                var picked = order.TryGetValue(t.VillageCode, out var o) ? o : ((int Order, IReadOnlyList<string> Inspectors)?)null;
                var r = rates.GetValueOrDefault(t.VillageId);
                return new DrawTeamDto(t.VillageId, t.VillageCode, t.VillageName, CadreService.PlaceName(paths.GetValueOrDefault(t.VillageId, "")),
                    r?.Cadres ?? 0, r?.OnPostDays ?? 0, r?.DueDays ?? 0, t.OnPostRate, t.Weight, picked?.Order, picked?.Inspectors ?? [],
                    picked is null ? null : inspections.FirstOrDefault(i => i.VillageId == t.VillageId)?.Id);
            })
            .OrderBy(t => t.Order ?? int.MaxValue).ThenByDescending(t => t.Weight).ThenBy(t => t.VillageCode, StringComparer.Ordinal)
            .ToList();
        return new DrawDto(draw.Id, draw.RegionCode.Value, RegionCatalog.Embedded.Find(draw.RegionCode.Value)?.Name ?? draw.RegionCode.Value, draw.Seed, draw.Count,
            draw.InspectorsPerTeam, inputs.Inspectors, draw.WindowFrom, draw.WindowTo, draw.PlannedDate, Utc(draw.DrawnAtUtc), draw.DrawnBy, teams, reproduced);
    }

    /// <summary>Recent draws in scope, newest first.</summary>
    public async Task<IReadOnlyList<(Guid Id, DateTime At, string Region, int Seed, int Count, string By)>> RecentDrawsAsync(int take, CancellationToken ct)
    {
        OversightPolicy.RequireRead(user, "随机检查");
        var rows = await db.InspectionDraws.AsNoTracking().OrderByDescending(d => d.DrawnAtUtc).Take(take)
            .Select(d => new { d.Id, d.DrawnAtUtc, d.RegionCode, d.Seed, d.Count, d.DrawnBy }).ToListAsync(ct);
        return [.. rows.Select(d => (d.Id, Utc(d.DrawnAtUtc), RegionCatalog.Embedded.Find(d.RegionCode.Value)?.Name ?? d.RegionCode.Value, d.Seed, d.Count, d.DrawnBy))];
    }

    /// <summary>The inspector pool of the last draw in scope (to prefill the next).</summary>
    public async Task<IReadOnlyList<string>> LastPoolAsync(CancellationToken ct)
    {
        var last = await db.InspectionDraws.AsNoTracking().OrderByDescending(d => d.DrawnAtUtc).Select(d => d.Inputs).FirstOrDefaultAsync(ct);
        return last is null ? [] : JsonSerializer.Deserialize<DrawInputs>(last, Json)!.Inspectors;
    }

    /// <summary>Plans an inspection of one team by hand (a tip-off, a follow-up visit).</summary>
    public async Task<InspectionDetail> PlanAsync(PlanInspectionInput input, CancellationToken ct)
    {
        RequireInspector();
        var errors = new ValidationErrors();
        if (string.IsNullOrWhiteSpace(input.VillageCode)) errors.Add("villageCode", "请选择要检查的村（居）。");
        var planned = input.PlannedDate ?? Today;
        if (planned < Today.AddDays(-30) || planned > Today.AddDays(90)) errors.Add("plannedDate", "计划检查日期应在今天前 30 天到后 90 天之间。");
        var inspectors = input.Inspectors?.Trim() ?? "";
        if (inspectors.Length > 200) errors.Add("inspectors", "检查人员不能超过 200 个字。");
        RegionCode? code = null;
        if (!string.IsNullOrWhiteSpace(input.VillageCode) && !RegionCode.TryParse(input.VillageCode.Trim(), out code, out var codeError))
            errors.Add("villageCode", codeError ?? "村（居）代码无效。");
        errors.ThrowIfAny();
        var wanted = code!.Value;
        var village = await db.Villages.AsNoTracking().FirstOrDefaultAsync(v => v.Code == wanted, ct) ?? throw new NotFoundException($"村（居）{wanted}");
        if (!await db.Postings.AnyAsync(p => p.VillageId == village.Id && p.Status == PostingStatus.Active, ct))
            throw new DomainRuleException($"{village.Name}目前没有在岗的驻村工作队。", conflict: false);
        var inspection = new Inspection
        {
            VillageId = village.Id, RegionPath = village.RegionPath, PlannedDate = planned, Inspectors = inspectors,
            CreatedAtUtc = clock.GetUtcNow().UtcDateTime, CreatedBy = OversightPolicy.Actor(user),
        };
        db.Inspections.Add(inspection);
        await db.SaveChangesAsync(ct);
        return await GetAsync(inspection.Id, ct);
    }

    public async Task<PagedResult<InspectionRow>> ListAsync(InspectionQuery q, CancellationToken ct)
    {
        OversightPolicy.RequireRead(user, "随机检查");
        var errors = new ValidationErrors();
        var sort = string.IsNullOrWhiteSpace(q.Sort) ? "-date" : q.Sort.Trim();
        if (!SortKeys.Contains(sort)) errors.Add("sort", $"排序“{Cut(sort)}”无效，可选：{string.Join("、", SortKeys)}。");
        InspectionStatus? status = q.Status?.Trim() switch
        {
            null or "" => null,
            "planned" or "待检查" => InspectionStatus.Planned,
            "done" or "已检查" => InspectionStatus.Done,
            _ => Invalid(errors, "status", "状态应为 planned（待检查）或 done（已检查）。"),
        };
        if (q.From is { } f && q.To is { } t && t < f) errors.Add("to", "结束日期不能早于开始日期。");
        var words = q.Q?.Trim();
        if (words is { Length: > 50 }) errors.Add("q", "关键词不能超过 50 个字。");
        errors.ThrowIfAny();
        var (page, size) = Paging.Normalise(q.Page, q.PageSize);
        var query = db.Inspections.AsNoTracking();
        if (status is { } s) query = query.Where(i => i.Status == s);
        if (q.From is { } from) query = query.Where(i => (i.Date ?? i.PlannedDate) >= from);
        if (q.To is { } to) query = query.Where(i => (i.Date ?? i.PlannedDate) <= to);
        if (q.DrawId is { } drawId) query = query.Where(i => i.DrawId == drawId);
        if (!string.IsNullOrEmpty(words)) query = query.Where(i => i.Village!.Name.Contains(words) || i.Village.RegionPath.Contains("/" + words));
        var ordered = sort switch
        {
            "date" => query.OrderBy(i => i.Date ?? i.PlannedDate).ThenBy(i => i.Id),
            "village" => query.OrderBy(i => i.RegionPath).ThenByDescending(i => i.Date ?? i.PlannedDate).ThenBy(i => i.Id),
            _ => query.OrderByDescending(i => i.Date ?? i.PlannedDate).ThenByDescending(i => i.Id),
        };
        var total = await ordered.CountAsync(ct);
        var rows = await ordered.Skip((page - 1) * size).Take(size).ToListAsync(ct);
        return new PagedResult<InspectionRow>(await RowsAsync(rows, ct), total, page, size);
    }

    async Task<IReadOnlyList<InspectionRow>> RowsAsync(IReadOnlyList<Inspection> items, CancellationToken ct)
    {
        var ids = items.Select(i => i.Id).ToList();
        var villageIds = items.Select(i => i.VillageId).Distinct().ToList();
        var villages = await db.Villages.IgnoreQueryFilters().AsNoTracking().Where(v => villageIds.Contains(v.Id)).ToDictionaryAsync(v => v.Id, ct);
        var cadres = (await db.InspectedCadres.AsNoTracking().Where(c => ids.Contains(c.InspectionId)).Select(c => new { c.InspectionId, c.OnPost }).ToListAsync(ct)).ToLookup(c => c.InspectionId);
        var findings = (await db.InspectionFindings.AsNoTracking().Where(f => ids.Contains(f.InspectionId)).Select(f => f.InspectionId).ToListAsync(ct)).ToLookup(x => x);
        var open = (await db.FollowUps.AsNoTracking().Where(f => ids.Contains(f.InspectionId) && f.Status == FollowUpStatus.Open).Select(f => f.InspectionId).ToListAsync(ct)).ToLookup(x => x);
        return [.. items.Select(i =>
        {
            var v = villages[i.VillageId];
            return new InspectionRow(i.Id, i.VillageId, v.Code.Value, v.Name, CadreService.PlaceName(v.RegionPath), i.Status, OversightNames.Status(i.Status), i.PlannedDate, i.Date,
                OversightNames.MethodKeys(i.Methods), OversightNames.DescribeMethods(i.Methods), i.Inspectors, cadres[i.Id].Count(), cadres[i.Id].Count(c => c.OnPost),
                findings[i.Id].Count(), open[i.Id].Count(), i.OnPostRate, i.RiskWeight, i.DrawId);
        })];
    }

    public async Task<InspectionDetail> GetAsync(Guid id, CancellationToken ct)
    {
        OversightPolicy.RequireRead(user, "随机检查");
        var i = await db.Inspections.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct) ?? throw new NotFoundException("该检查");
        var row = (await RowsAsync([i], ct))[0];
        var recorded = await db.InspectedCadres.AsNoTracking().Where(c => c.InspectionId == id).ToListAsync(ct);
        var team = recorded.Count > 0
            ? recorded.Select(c => (c.PersonId, c.Role, OnPost: (bool?)c.OnPost, c.Note)).ToList()
            : (await TeamAsync(i.VillageId, ct)).Select(p => (p.PersonId, p.Role, OnPost: (bool?)null, Note: (string?)null)).ToList();
        var findings = await db.InspectionFindings.AsNoTracking().Where(f => f.InspectionId == id).OrderBy(f => f.CreatedAtUtc).ThenBy(f => f.Id).ToListAsync(ct);
        var followUps = await db.FollowUps.AsNoTracking().Where(f => f.InspectionId == id).OrderBy(f => f.IssuedAtUtc).ThenBy(f => f.Id).ToListAsync(ct);
        var personIds = team.Select(t => t.PersonId).Concat(findings.Where(f => f.PersonId is not null).Select(f => f.PersonId!.Value)).Distinct().ToList();
        var names = await db.People.IgnoreQueryFilters().AsNoTracking().Where(p => personIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.Name, ct);
        var may = OversightPolicy.MayInspect(user);
        return new InspectionDetail(row, i.Summary, Utc(i.CreatedAtUtc), i.CreatedBy, i.RecordedAtUtc is { } r ? Utc(r) : null, i.RecordedBy,
            [.. team.OrderBy(t => t.Role).ThenBy(t => names.GetValueOrDefault(t.PersonId, ""), StringComparer.Ordinal)
                .Select(t => new InspectedCadreDto(t.PersonId, names.GetValueOrDefault(t.PersonId, ""), t.Role, Posting.RoleName(t.Role), t.OnPost, t.Note))],
            [.. findings.Select(f => new FindingDto(f.Id, f.Weight, OversightNames.Weight(f.Weight), f.Text, f.PersonId, f.PersonId is { } p ? names.GetValueOrDefault(p) : null, Utc(f.CreatedAtUtc), f.CreatedBy))],
            await FollowUpDtosAsync(followUps, ct),
            may && i.Status == InspectionStatus.Planned, may && i.Status == InspectionStatus.Done, i.Version);
    }

    async Task<List<(Guid PersonId, PostingRole Role)>> TeamAsync(Guid villageId, CancellationToken ct) =>
        [.. (await db.Postings.IgnoreQueryFilters().AsNoTracking().Where(p => p.VillageId == villageId && p.Status == PostingStatus.Active)
            .Select(p => new { p.PersonId, p.Role }).ToListAsync(ct)).Select(p => (p.PersonId, p.Role))];

    /// <summary>
    /// Records a planned inspection: date (not in the future), at least one of 查听访谈, inspectors, and whether each cadre of
    /// the team was on post — every cadre exactly once, a note when one was away. Recording twice is a conflict.
    /// </summary>
    public async Task<InspectionDetail> RecordAsync(Guid id, RecordInspectionInput input, CancellationToken ct)
    {
        RequireInspector();
        var i = await db.Inspections.FirstOrDefaultAsync(x => x.Id == id, ct) ?? throw new NotFoundException("该检查");
        if (input.Version is { } v && v != i.Version) throw new DomainRuleException("该检查已被他人修改，请刷新后重试。");
        if (i.Status == InspectionStatus.Done) throw new DomainRuleException($"该检查已于 {i.Date:yyyy-MM-dd} 由{i.RecordedBy}记录。");
        var errors = new ValidationErrors();
        if (input.Date is not { } date) errors.Add("date", "请填写检查日期。");
        else if (date > Today) errors.Add("date", "检查日期不能晚于今天。");
        else if (date < Today.AddDays(-60)) errors.Add("date", "检查日期不能早于 60 天前。");
        var methods = InspectionMethods.None;
        foreach (var m in input.Methods ?? [])
        {
            var found = OversightNames.Methods.FirstOrDefault(x => string.Equals(x.Key, m?.Trim(), StringComparison.OrdinalIgnoreCase) || x.Name == m?.Trim());
            if (found.Method == InspectionMethods.None) errors.Add("methods", $"检查方式“{Cut(m ?? "")}”无效，可选：查、听、访、谈。");
            else methods |= found.Method;
        }
        if (methods == InspectionMethods.None && !errors.ToDictionary().ContainsKey("methods")) errors.Add("methods", "请至少选择一种检查方式（查、听、访、谈）。");
        var inspectors = input.Inspectors?.Trim() ?? "";
        if (inspectors.Length == 0) errors.Add("inspectors", "请填写检查人员。");
        else if (inspectors.Length > 200) errors.Add("inspectors", "检查人员不能超过 200 个字。");
        var summary = string.IsNullOrWhiteSpace(input.Summary) ? null : input.Summary.Trim();
        if (summary is { Length: > 2000 }) errors.Add("summary", "检查情况不能超过 2000 个字。");
        var team = await TeamAsync(i.VillageId, ct);
        var given = input.Cadres ?? [];
        var names = await db.People.IgnoreQueryFilters().AsNoTracking().Where(p => team.Select(t => t.PersonId).Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.Name, ct);
        foreach (var g in given.Where(g => g.PersonId is null || team.All(t => t.PersonId != g.PersonId)))
            errors.Add("cadres", "名单中有不属于该工作队的人员。");
        foreach (var dup in given.Where(g => g.PersonId is not null).GroupBy(g => g.PersonId).Where(g => g.Count() > 1))
            errors.Add("cadres", $"{names.GetValueOrDefault(dup.Key!.Value, "")}重复填写。");
        foreach (var t in team)
        {
            var g = given.FirstOrDefault(x => x.PersonId == t.PersonId);
            if (g?.OnPost is null) errors.Add("cadres", $"请填写{names.GetValueOrDefault(t.PersonId, "")}是否在岗。");
            else if (g.OnPost == false && string.IsNullOrWhiteSpace(g.Note)) errors.Add("cadres", $"{names.GetValueOrDefault(t.PersonId, "")}不在岗，请写明原因（如请假、外出开会）。");
            else if (g.Note is { Length: > 200 }) errors.Add("cadres", $"{names.GetValueOrDefault(t.PersonId, "")}的说明不能超过 200 个字。");
        }
        errors.ThrowIfAny();
        i.Status = InspectionStatus.Done;
        i.Date = input.Date;
        i.Methods = methods;
        i.Inspectors = inspectors;
        i.Summary = summary;
        i.RecordedAtUtc = clock.GetUtcNow().UtcDateTime;
        i.RecordedBy = OversightPolicy.Actor(user);
        i.Version = Guid.NewGuid();
        foreach (var t in team)
        {
            var g = given.First(x => x.PersonId == t.PersonId);
            db.InspectedCadres.Add(new InspectedCadre { InspectionId = i.Id, PersonId = t.PersonId, Role = t.Role, OnPost = g.OnPost!.Value, Note = string.IsNullOrWhiteSpace(g.Note) ? null : g.Note.Trim() });
        }
        await db.SaveChangesAsync(ct);
        return await GetAsync(id, ct);
    }

    async Task<Inspection> RecordedAsync(Guid id, CancellationToken ct)
    {
        RequireInspector();
        var i = await db.Inspections.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct) ?? throw new NotFoundException("该检查");
        if (i.Status != InspectionStatus.Done) throw new DomainRuleException("请先记录检查情况（日期、方式、在岗情况），再登记发现的问题。", conflict: false);
        return i;
    }

    async Task CheckTeamMemberAsync(Inspection i, Guid? personId, ValidationErrors errors, CancellationToken ct)
    {
        if (personId is { } p && !await db.InspectedCadres.AnyAsync(c => c.InspectionId == i.Id && c.PersonId == p, ct))
            errors.Add("personId", "所选人员不是该工作队的成员。");
    }

    /// <summary>Adds a finding (苗头性 or 倾向性) to a recorded inspection.</summary>
    public async Task<InspectionDetail> AddFindingAsync(Guid id, FindingInput input, CancellationToken ct)
    {
        var i = await RecordedAsync(id, ct);
        var errors = new ValidationErrors();
        FindingWeight weight = default;
        if (!TryWeight(input.Weight, out weight)) errors.Add("weight", "请选择问题性质：苗头性或倾向性。");
        var text = input.Text?.Trim();
        if (string.IsNullOrEmpty(text)) errors.Add("text", "请填写发现的问题。");
        else if (text.Length > 1000) errors.Add("text", "问题描述不能超过 1000 个字。");
        await CheckTeamMemberAsync(i, input.PersonId, errors, ct);
        errors.ThrowIfAny();
        db.InspectionFindings.Add(new InspectionFinding
        {
            InspectionId = id, Weight = weight, Text = text!, PersonId = input.PersonId,
            CreatedAtUtc = clock.GetUtcNow().UtcDateTime, CreatedBy = OversightPolicy.Actor(user),
        });
        await db.SaveChangesAsync(ct);
        return await GetAsync(id, ct);
    }

    /// <summary>Issues a follow-up (告知 / 提醒 / 纠偏) with a deadline from today to <see cref="OversightOptions.MaxFollowUpDays"/> days on.</summary>
    public async Task<InspectionDetail> IssueFollowUpAsync(Guid id, FollowUpInput input, CancellationToken ct)
    {
        var i = await RecordedAsync(id, ct);
        var errors = new ValidationErrors();
        if (!TryKind(input.Kind, out var kind)) errors.Add("kind", "请选择处置方式：告知、提醒或纠偏。");
        var text = input.Text?.Trim();
        if (string.IsNullOrEmpty(text)) errors.Add("text", "请填写处置要求。");
        else if (text.Length > 1000) errors.Add("text", "处置要求不能超过 1000 个字。");
        var max = options.Value.MaxFollowUpDays;
        if (input.Deadline is not { } deadline) errors.Add("deadline", "请填写办结期限。");
        else if (deadline < Today) errors.Add("deadline", "办结期限不能早于今天。");
        else if (deadline > Today.AddDays(max)) errors.Add("deadline", $"办结期限不能晚于 {max} 天后（{Today.AddDays(max):yyyy-MM-dd}）。");
        if (input.FindingId is { } f && !await db.InspectionFindings.AnyAsync(x => x.Id == f && x.InspectionId == id, ct)) errors.Add("findingId", "所选问题不属于该检查。");
        await CheckTeamMemberAsync(i, input.PersonId, errors, ct);
        errors.ThrowIfAny();
        var personId = input.PersonId;
        if (personId is null && input.FindingId is { } fid)
            personId = await db.InspectionFindings.AsNoTracking().Where(x => x.Id == fid).Select(x => x.PersonId).FirstOrDefaultAsync(ct);
        db.FollowUps.Add(new FollowUp
        {
            InspectionId = id, FindingId = input.FindingId, VillageId = i.VillageId, RegionPath = i.RegionPath, Kind = kind, Text = text!, PersonId = personId,
            IssuedOn = Today, Deadline = input.Deadline!.Value, IssuedAtUtc = clock.GetUtcNow().UtcDateTime, IssuedBy = OversightPolicy.Actor(user),
        });
        await db.SaveChangesAsync(ct);
        return await GetAsync(id, ct);
    }

    /// <summary>Closes an open follow-up with a note on what was done (late closings stay marked as past their deadline).
    /// Closing twice, or with a stale version, is a conflict.</summary>
    public async Task<FollowUpDto> CloseFollowUpAsync(Guid id, CloseFollowUpInput input, CancellationToken ct)
    {
        RequireInspector();
        var f = await db.FollowUps.FirstOrDefaultAsync(x => x.Id == id, ct) ?? throw new NotFoundException("该跟进事项");
        if (input.Version is { } v && v != f.Version) throw new DomainRuleException("该跟进事项已被他人处理，请刷新后查看。");
        if (f.Status == FollowUpStatus.Closed) throw new DomainRuleException($"该跟进事项已于 {f.ClosedOn:yyyy-MM-dd} 由{f.ClosedBy}办结。");
        var errors = new ValidationErrors();
        var note = input.Note?.Trim();
        if (string.IsNullOrEmpty(note)) errors.Add("note", "请填写办结情况（整改结果）。");
        else if (note.Length > 1000) errors.Add("note", "办结情况不能超过 1000 个字。");
        var on = input.ClosedOn ?? Today;
        if (on > Today) errors.Add("closedOn", "办结日期不能晚于今天。");
        else if (on < f.IssuedOn) errors.Add("closedOn", $"办结日期不能早于下发日期（{f.IssuedOn:yyyy-MM-dd}）。");
        errors.ThrowIfAny();
        f.Status = FollowUpStatus.Closed;
        f.ClosedOn = on;
        f.ClosedAtUtc = clock.GetUtcNow().UtcDateTime;
        f.ClosedBy = OversightPolicy.Actor(user);
        f.ClosingNote = note;
        f.Version = Guid.NewGuid();
        await db.SaveChangesAsync(ct);
        return (await FollowUpDtosAsync([f], ct))[0];
    }

    public async Task<FollowUpDto> GetFollowUpAsync(Guid id, CancellationToken ct)
    {
        OversightPolicy.RequireRead(user, "跟进事项");
        var f = await db.FollowUps.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct) ?? throw new NotFoundException("该跟进事项");
        return (await FollowUpDtosAsync([f], ct))[0];
    }

    /// <summary>Follow-ups in scope: open (default, earliest deadline first), overdue (past their deadline and still open), due soon, closed, or all.</summary>
    public async Task<PagedResult<FollowUpDto>> FollowUpsAsync(FollowUpQuery q, CancellationToken ct)
    {
        OversightPolicy.RequireRead(user, "跟进事项");
        var view = string.IsNullOrWhiteSpace(q.View) ? "open" : q.View.Trim();
        var errors = new ValidationErrors();
        if (!FollowUpViews.Contains(view)) errors.Add("view", $"列表“{Cut(view)}”无效，可选：{string.Join("、", FollowUpViews)}。");
        FollowUpKind? kind = null;
        if (!string.IsNullOrWhiteSpace(q.Kind))
        {
            if (TryKind(q.Kind, out var k)) kind = k;
            else errors.Add("kind", "处置方式应为 inform（告知）、remind（提醒）或 correct（纠偏）。");
        }
        errors.ThrowIfAny();
        var (page, size) = Paging.Normalise(q.Page, q.PageSize);
        var today = Today;
        var soon = today.AddDays(options.Value.FollowUpDueSoonDays);
        var path = ScopeRegions.PathOf(user, ScopeRegions.Find(user, q.Region));
        var query = db.FollowUps.AsNoTracking().Where(f => f.RegionPath.StartsWith(path));
        if (kind is { } kk) query = query.Where(f => f.Kind == kk);
        IOrderedQueryable<FollowUp> ordered = view switch
        {
            "open" => query.Where(f => f.Status == FollowUpStatus.Open).OrderBy(f => f.Deadline).ThenBy(f => f.Id),
            "overdue" => query.Where(f => f.Status == FollowUpStatus.Open && f.Deadline < today).OrderBy(f => f.Deadline).ThenBy(f => f.Id),
            "dueSoon" => query.Where(f => f.Status == FollowUpStatus.Open && f.Deadline >= today && f.Deadline <= soon).OrderBy(f => f.Deadline).ThenBy(f => f.Id),
            "closed" => query.Where(f => f.Status == FollowUpStatus.Closed).OrderByDescending(f => f.ClosedAtUtc).ThenBy(f => f.Id),
            _ => query.OrderByDescending(f => f.IssuedAtUtc).ThenBy(f => f.Id),
        };
        var total = await ordered.CountAsync(ct);
        var rows = await ordered.Skip((page - 1) * size).Take(size).ToListAsync(ct);
        return new PagedResult<FollowUpDto>(await FollowUpDtosAsync(rows, ct), total, page, size);
    }

    async Task<IReadOnlyList<FollowUpDto>> FollowUpDtosAsync(IReadOnlyList<FollowUp> items, CancellationToken ct)
    {
        var villageIds = items.Select(i => i.VillageId).Distinct().ToList();
        var personIds = items.Where(i => i.PersonId is not null).Select(i => i.PersonId!.Value).Distinct().ToList();
        var villages = await db.Villages.IgnoreQueryFilters().AsNoTracking().Where(v => villageIds.Contains(v.Id)).ToDictionaryAsync(v => v.Id, ct);
        var names = await db.People.IgnoreQueryFilters().AsNoTracking().Where(p => personIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.Name, ct);
        var today = Today;
        var may = OversightPolicy.MayInspect(user);
        return [.. items.Select(f => new FollowUpDto(f.Id, f.InspectionId, f.FindingId, villages[f.VillageId].Name, CadreService.PlaceName(villages[f.VillageId].RegionPath),
            f.Kind, OversightNames.FollowUp(f.Kind), f.Text, f.PersonId, f.PersonId is { } p ? names.GetValueOrDefault(p) : null, f.IssuedOn, f.Deadline,
            f.Status, OversightNames.FollowUpState(f.Status), f.IsOverdue(today), f.IsOverdue(today) ? today.DayNumber - f.Deadline.DayNumber : 0,
            f.IssuedBy, f.ClosedOn, f.ClosedBy, f.ClosingNote, may && f.Status == FollowUpStatus.Open, f.Version))];
    }

    public static bool TryWeight(string? s, out FindingWeight weight)
    {
        s = s?.Trim();
        (weight, var ok) = s switch
        {
            _ when string.Equals(s, "earlySign", StringComparison.OrdinalIgnoreCase) || s == "苗头性" => (FindingWeight.EarlySign, true),
            _ when string.Equals(s, "trend", StringComparison.OrdinalIgnoreCase) || s == "倾向性" => (FindingWeight.Trend, true),
            _ => (default(FindingWeight), false),
        };
        return ok;
    }

    public static bool TryKind(string? s, out FollowUpKind kind)
    {
        s = s?.Trim();
        foreach (var k in Enum.GetValues<FollowUpKind>())
        {
            if (string.Equals(k.ToString(), s, StringComparison.OrdinalIgnoreCase) || OversightNames.FollowUp(k) == s)
            {
                kind = k;
                return true;
            }
        }
        kind = default;
        return false;
    }

    static List<string> CleanNames(IReadOnlyList<string>? names, ValidationErrors errors, string field)
    {
        var list = (names ?? []).SelectMany(n => (n ?? "").Split([',', '，', '、', '\n', '\r', ';', '；'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Distinct(StringComparer.Ordinal).ToList();
        if (list.Count > 50) errors.Add(field, "检查人员名单不能超过 50 人。");
        foreach (var n in list.Where(n => n.Length > 20)) errors.Add(field, $"“{Cut(n)}”过长：每个姓名不超过 20 个字。");
        return list;
    }

    static InspectionStatus? Invalid(ValidationErrors errors, string field, string message)
    {
        errors.Add(field, message);
        return null;
    }

    static DateTime Utc(DateTime t) => DateTime.SpecifyKind(t, DateTimeKind.Utc);

    static string Cut(string s) => s.Length > 20 ? s[..20] + "…" : s;
}
