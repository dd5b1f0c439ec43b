using Grassroots.Common;
using Grassroots.Data;
using Grassroots.People;
using Grassroots.Regions;
using Grassroots.Security;
using Microsoft.EntityFrameworkCore;

namespace Grassroots.Selection;

/// <summary>Who may do what with selection rounds and candidates.</summary>
internal static class SelectionAccess
{
    static bool IsSystem(CurrentUser u) => u.ScopePath == "/";

    /// <summary>Create and edit rounds, open and close them, set quotas and demand: the prefecture organisation department.</summary>
    public static void Manage(CurrentUser u)
    {
        if (!IsSystem(u) && !u.IsInRole(Roles.PrefectureOrg)) throw new ForbiddenException("只有地委组织部可以设置选派批次。");
    }

    /// <summary>See rounds and candidates, nominate and recommend: the organisation departments and townships, each within their scope.</summary>
    public static void Take(CurrentUser u)
    {
        if (!IsSystem(u) && !u.Roles.Overlaps([Roles.PrefectureOrg, Roles.CountyOrg, Roles.Township])) throw new ForbiddenException("您的角色不能查看选派批次。");
    }

    /// <summary>Attest 一好双强 and approve or reject: the prefecture's and counties' organisation departments.</summary>
    public static void Review(CurrentUser u)
    {
        if (!IsSystem(u) && !u.Roles.Overlaps([Roles.PrefectureOrg, Roles.CountyOrg])) throw new ForbiddenException("只有组织部门可以审核人选。");
    }
}

/// <summary>
/// Selection rounds (S-SEL-1): create and edit, open and close, unit quotas, and village demand (S-SEL-8) generated
/// from the villages' records and edited row by row. Scope comes from the database's query filters: a round is
/// visible to its organising node's subtree and above; demand rows show the villages the user may see.
/// </summary>
public sealed class RoundService(GrassrootsDb db, CurrentUser user, TimeProvider clock)
{
    /// <summary>Ali's ratio of team members to villages (S-SEL-8): 471 members for 145 village-level units.</summary>
    public const int ReferenceMembers = 471;
    public const int ReferenceVillages = 145;

    public const int MinTermMonths = 6;
    public const int MaxTermMonths = 60;
    public const int MaxMembersPerVillage = 20;

    public async Task<IReadOnlyList<RoundSummary>> ListAsync(CancellationToken ct)
    {
        SelectionAccess.Take(user);
        var rounds = await db.SelectionRounds.AsNoTracking().OrderByDescending(r => r.ReferenceDate).ThenByDescending(r => r.CreatedAtUtc).ToListAsync(ct);
        var ids = rounds.Select(r => r.Id).ToList();
        var demand = await DemandIn(ids).GroupBy(d => d.RoundId).Select(g => new { g.Key, Villages = g.Count(), Members = g.Sum(d => d.Members) }).ToListAsync(ct);
        var candidates = await db.Candidates.AsNoTracking().Where(c => ids.Contains(c.RoundId)).GroupBy(c => new { c.RoundId, c.Status })
            .Select(g => new { g.Key.RoundId, g.Key.Status, Count = g.Count() }).ToListAsync(ct);
        return rounds.Select(r =>
        {
            var d = demand.FirstOrDefault(x => x.Key == r.Id);
            var c = candidates.Where(x => x.RoundId == r.Id).ToList();
            return new RoundSummary(r.Id, r.Name, r.RegionCode.Value, SelectionNames.RegionName(r.RegionCode), SelectionNames.Key(r.Status), SelectionRound.StatusName(r.Status),
                r.ReferenceDate, r.TermStart, r.TermMonths, r.TermEnd, d?.Villages ?? 0, d?.Members ?? 0, c.Where(x => x.Status != CandidateStatus.Withdrawn).Sum(x => x.Count),
                c.Where(x => x.Status == CandidateStatus.Pending).Sum(x => x.Count), c.Where(x => x.Status == CandidateStatus.Approved).Sum(x => x.Count), r.CreatedAtUtc);
        }).ToList();
    }

    public async Task<RoundDetail> GetAsync(Guid id, CancellationToken ct)
    {
        SelectionAccess.Take(user);
        var r = await db.SelectionRounds.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct) ?? throw new NotFoundException("该选派批次");
        var counts = await db.Candidates.AsNoTracking().Where(c => c.RoundId == id).GroupBy(c => c.Status).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct);
        var policy = EligibilityPolicy.Parse(r.EligibilityPolicy);
        return new RoundDetail
        {
            Id = r.Id,
            Name = r.Name,
            RegionCode = r.RegionCode.Value,
            RegionName = SelectionNames.RegionName(r.RegionCode),
            Status = SelectionNames.Key(r.Status),
            StatusName = SelectionRound.StatusName(r.Status),
            ReferenceDate = r.ReferenceDate,
            TermStart = r.TermStart,
            TermMonths = r.TermMonths,
            TermEnd = r.TermEnd,
            Avoidance = SelectionNames.Key(r.Avoidance),
            AvoidanceName = SelectionRound.AvoidanceName(r.Avoidance),
            MismatchCost = r.MismatchCost,
            PerKmCost = r.PerKmCost,
            SpeakerRequired = r.SpeakerRequired,
            EligibilityPolicy = policy.ToJson(),
            Rules = policy.Rules.Select(x => new PolicyRuleDto(x.Kind, RuleKinds.Group(x.Kind), x.Title)).ToList(),
            FirstSecretaryRules = policy.FirstSecretaryRules.Select(x => new PolicyRuleDto(x.Kind, RuleKinds.Group(x.Kind), x.Title)).ToList(),
            CreatedAtUtc = r.CreatedAtUtc,
            CreatedBy = r.CreatedBy,
            Version = r.Version,
            Candidates = Enum.GetValues<CandidateStatus>().Select(s => new StatusCount(SelectionNames.Key(s), Candidate.StatusName(s), counts.FirstOrDefault(c => c.Key == s)?.Count ?? 0)).ToList(),
            Demand = await TotalsAsync(id, ct),
            Quotas = await QuotasAsync(id, ct),
        };
    }

    public async Task<RoundDetail> CreateAsync(RoundInput input, CancellationToken ct)
    {
        SelectionAccess.Manage(user);
        var round = new SelectionRound { Name = "", RegionCode = RegionCode.Parse("000000"), RegionPath = "" };
        await ApplyAsync(round, input, isNew: true, ct);
        round.CreatedAtUtc = clock.GetUtcNow().UtcDateTime;
        round.CreatedBy = user.UserName;
        db.SelectionRounds.Add(round);
        await db.SaveChangesAsync(ct);
        return await GetAsync(round.Id, ct);
    }

    public async Task<RoundDetail> UpdateAsync(Guid id, RoundInput input, CancellationToken ct)
    {
        SelectionAccess.Manage(user);
        var round = await LoadForChangeAsync(id, input.Version, ct);
        if (round.Status == RoundStatus.Published) throw new DomainRuleException("该批次已发布，不能再修改。");
        await ApplyAsync(round, input, isNew: false, ct);
        round.Version = Guid.NewGuid();
        await db.SaveChangesAsync(ct);
        return await GetAsync(round.Id, ct);
    }

    /// <summary>Draft → open: nominations and review begin.</summary>
    public Task<RoundDetail> OpenAsync(Guid id, Guid? version, CancellationToken ct) =>
        TransitionAsync(id, version, [RoundStatus.Draft, RoundStatus.Closed], RoundStatus.Open, "只有草稿或已截止的批次可以开放征集。", ct);

    /// <summary>Open → closed: candidates are frozen and planning begins.</summary>
    public Task<RoundDetail> CloseAsync(Guid id, Guid? version, CancellationToken ct) =>
        TransitionAsync(id, version, [RoundStatus.Open], RoundStatus.Closed, "只有征集中的批次可以截止。", ct);

    async Task<RoundDetail> TransitionAsync(Guid id, Guid? version, RoundStatus[] from, RoundStatus to, string refusal, CancellationToken ct)
    {
        SelectionAccess.Manage(user);
        var round = await LoadForChangeAsync(id, version, ct);
        if (!from.Contains(round.Status)) throw new DomainRuleException($"{refusal}该批次当前为“{SelectionRound.StatusName(round.Status)}”。");
        if (to == RoundStatus.Closed && await db.Candidates.IgnoreQueryFilters().AnyAsync(c => c.RoundId == id && c.Status == CandidateStatus.Pending, ct))
            throw new DomainRuleException("还有待审核的人选，请先审核（通过或不通过）或撤回后再截止。");
        round.Status = to;
        round.Version = Guid.NewGuid();
        await db.SaveChangesAsync(ct);
        return await GetAsync(id, ct);
    }

    async Task<SelectionRound> LoadForChangeAsync(Guid id, Guid? version, CancellationToken ct)
    {
        var round = await db.SelectionRounds.FirstOrDefaultAsync(r => r.Id == id, ct) ?? throw new NotFoundException("该选派批次");
        if (!round.RegionPath.StartsWith(user.ScopePath, StringComparison.Ordinal))
            throw new ForbiddenException("该批次由上级组织部门设置，您不能修改。");
        if (version is { } v && v != round.Version) throw new DomainRuleException("该批次已被他人修改，请刷新后重试。");
        return round;
    }

    async Task ApplyAsync(SelectionRound round, RoundInput input, bool isNew, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var name = input.Name?.Trim() ?? (isNew ? "" : round.Name);
        if (name.Length == 0) errors.Add("name", "批次名称不能为空。");
        else if (name.Length > 100) errors.Add("name", "批次名称不能超过 100 个字。");
        else if (name.Any(char.IsControl)) errors.Add("name", "批次名称含有不可见的控制字符。");

        var reference = input.ReferenceDate ?? (isNew ? null : round.ReferenceDate);
        if (reference is null) errors.Add("referenceDate", "参照日期不能为空：资格条件（党龄、工作年限等）按该日期计算。");
        var termStart = input.TermStart ?? (isNew ? null : round.TermStart);
        if (termStart is null) errors.Add("termStart", "任期开始日期不能为空。");
        else if (reference is { } rd && termStart < rd) errors.Add("termStart", $"任期开始日期 {termStart:yyyy-MM-dd} 不能早于参照日期 {rd:yyyy-MM-dd}。");
        var months = input.TermMonths ?? (isNew ? 24 : round.TermMonths);
        if (months is < MinTermMonths or > MaxTermMonths) errors.Add("termMonths", $"任期应为 {MinTermMonths} 到 {MaxTermMonths} 个月，实际为 {months} 个月。");

        var avoidance = round.Avoidance;
        if (!string.IsNullOrWhiteSpace(input.Avoidance) && !SelectionNames.TryParse(input.Avoidance, SelectionRound.AvoidanceName, out avoidance))
            errors.Add("avoidance", $"回避方式“{input.Avoidance}”无效，应为 none（不回避）、township（回避本乡镇）或 county（回避本县）。");
        var mismatch = input.MismatchCost ?? round.MismatchCost;
        if (mismatch is < 0 or > 1_000_000) errors.Add("mismatchCost", "条线不匹配成本应在 0 到 1000000 之间，不能为负数。");
        var perKm = input.PerKmCost ?? round.PerKmCost;
        if (perKm is < 0 or > 1_000_000) errors.Add("perKmCost", "每公里距离成本应在 0 到 1000000 之间，不能为负数。");

        var policyJson = round.EligibilityPolicy;
        if (!string.IsNullOrWhiteSpace(input.EligibilityPolicy))
        {
            if (EligibilityPolicy.TryParse(input.EligibilityPolicy, out var policy, out var policyErrors)) policyJson = policy.ToJson();
            else foreach (var e in policyErrors) errors.Add("eligibilityPolicy", e);
        }
        else if (isNew) policyJson = EligibilityPolicy.Default.ToJson();

        Region? region = null;
        if (isNew || !string.IsNullOrWhiteSpace(input.RegionCode))
        {
            var code = string.IsNullOrWhiteSpace(input.RegionCode) ? user.ScopeCode : input.RegionCode;
            if (code is null) errors.Add("regionCode", "请指定组织批次的地区（地市或省级区划代码）。");
            else if (!RegionCode.TryParse(code, out var parsed, out var err)) errors.Add("regionCode", err!);
            else if (RegionCatalog.Embedded.Find(parsed.Value.Value) is not { } found) errors.Add("regionCode", $"区划代码“{parsed}”不存在。");
            else if (found.Level is not (RegionLevel.Province or RegionLevel.Prefecture)) errors.Add("regionCode", $"选派批次由地市或省级组织部门组织，“{found.Name}”是{Region.LevelName(found.Level)}区划。");
            else if (!found.Path.StartsWith(user.ScopePath, StringComparison.Ordinal)) errors.Add("regionCode", $"“{found.Name}”不在您的管辖范围内。");
            else region = found;
            if (!isNew && region is not null && region.Code != round.RegionCode && await db.VillageDemands.AnyAsync(d => d.RoundId == round.Id, ct))
                errors.Add("regionCode", "该批次已生成村级需求，不能再更换组织地区。");
        }
        errors.ThrowIfAny();

        var regionCode = region?.Code ?? round.RegionCode;
        if (await db.SelectionRounds.AnyAsync(r => r.Id != round.Id && r.Name == name && r.RegionCode == regionCode, ct))
            throw new ValidationException("name", $"本地区已有名为“{name}”的选派批次。");

        // The reference date and the rules decide who was approved: they are fixed once anyone is.
        var criteriaChanged = reference != round.ReferenceDate || policyJson != round.EligibilityPolicy;
        if (!isNew && criteriaChanged && await db.Candidates.IgnoreQueryFilters().AnyAsync(c => c.RoundId == round.Id && c.Status == CandidateStatus.Approved, ct))
            throw new DomainRuleException("该批次已有通过审核的人选，不能再修改参照日期或资格规则。");

        round.Name = name;
        round.ReferenceDate = reference!.Value;
        round.TermStart = termStart!.Value;
        round.TermMonths = months;
        round.Avoidance = avoidance;
        round.MismatchCost = mismatch;
        round.PerKmCost = perKm;
        if (input.SpeakerRequired is { } speaker) round.SpeakerRequired = speaker;
        round.EligibilityPolicy = policyJson;
        if (region is not null)
        {
            round.RegionCode = region.Code;
            round.RegionPath = region.Path;
        }
    }

    async Task RequireRoundAsync(Guid id, CancellationToken ct)
    {
        if (!await db.SelectionRounds.AsNoTracking().AnyAsync(r => r.Id == id, ct)) throw new NotFoundException("该选派批次");
    }

    // ---- Quotas ----

    public async Task<IReadOnlyList<QuotaDto>> QuotasAsync(Guid roundId, CancellationToken ct)
    {
        SelectionAccess.Take(user);
        await RequireRoundAsync(roundId, ct);
        var quotas = await db.RoundQuotas.AsNoTracking().Where(q => q.RoundId == roundId)
            .Join(db.Units, q => q.UnitId, u => u.Id, (q, u) => new { q.UnitId, u.Name, u.RegionCode, u.Level, u.RegionPath, q.Quota })
            .OrderBy(x => x.Level).ThenBy(x => x.RegionPath).ThenBy(x => x.Name).ToListAsync(ct);
        var unitIds = quotas.Select(q => q.UnitId).ToList();
        var counts = await db.Candidates.AsNoTracking().Where(c => c.RoundId == roundId && c.Status != CandidateStatus.Withdrawn && unitIds.Contains(c.Person!.UnitId!.Value))
            .GroupBy(c => new { c.Person!.UnitId, c.Status }).Select(g => new { g.Key.UnitId, g.Key.Status, Count = g.Count() }).ToListAsync(ct);
        return quotas.Select(q => new QuotaDto(q.UnitId, q.Name, SelectionNames.RegionName(q.RegionCode), q.Quota,
            counts.Where(c => c.UnitId == q.UnitId).Sum(c => c.Count), counts.Where(c => c.UnitId == q.UnitId && c.Status == CandidateStatus.Approved).Sum(c => c.Count))).ToList();
    }

    /// <summary>The dispatching units of the round's region with their quota (0 when none is set), for the quota form.</summary>
    public async Task<IReadOnlyList<QuotaDto>> QuotaChoicesAsync(Guid roundId, CancellationToken ct)
    {
        SelectionAccess.Manage(user);
        var round = await db.SelectionRounds.AsNoTracking().FirstOrDefaultAsync(r => r.Id == roundId, ct) ?? throw new NotFoundException("该选派批次");
        var path = round.RegionPath;
        var units = await db.Units.AsNoTracking().Where(u => u.IsDispatching && u.RegionPath.StartsWith(path))
            .OrderBy(u => u.Level).ThenBy(u => u.RegionPath).ThenBy(u => u.Name).ToListAsync(ct);
        var set = (await QuotasAsync(roundId, ct)).ToDictionary(q => q.UnitId);
        return units.Select(u => set.TryGetValue(u.Id, out var q) ? q : new QuotaDto(u.Id, u.Name, SelectionNames.RegionName(u.RegionCode), 0, 0, 0)).ToList();
    }

    /// <summary>Replaces the round's quotas (a unit left out has none). All or nothing.</summary>
    public async Task<IReadOnlyList<QuotaDto>> SetQuotasAsync(Guid roundId, IReadOnlyList<QuotaInput> quotas, CancellationToken ct)
    {
        SelectionAccess.Manage(user);
        var round = await LoadForChangeAsync(roundId, null, ct);
        if (round.Status is not (RoundStatus.Draft or RoundStatus.Open)) throw new DomainRuleException($"该批次为“{SelectionRound.StatusName(round.Status)}”，不能再修改名额。");
        var errors = new ValidationErrors();
        var path = round.RegionPath;
        var units = await db.Units.AsNoTracking().Where(u => u.RegionPath.StartsWith(path)).ToDictionaryAsync(u => u.Id, ct);
        for (var i = 0; i < quotas.Count; i++)
        {
            var q = quotas[i];
            if (!units.TryGetValue(q.UnitId, out var unit)) errors.Add($"quotas[{i}].unitId", $"第 {i + 1} 行：所选单位不存在或不在本批次的地区内。");
            else if (!unit.IsDispatching) errors.Add($"quotas[{i}].unitId", $"第 {i + 1} 行：“{unit.Name}”不是派出单位。");
            if (q.Quota is < 0 or > 1000) errors.Add($"quotas[{i}].quota", $"第 {i + 1} 行：名额应在 0 到 1000 之间。");
            if (quotas.Take(i).Any(x => x.UnitId == q.UnitId)) errors.Add($"quotas[{i}].unitId", $"第 {i + 1} 行：单位重复。");
        }
        errors.ThrowIfAny();
        db.RoundQuotas.RemoveRange(await db.RoundQuotas.Where(q => q.RoundId == roundId).ToListAsync(ct));
        db.RoundQuotas.AddRange(quotas.Where(q => q.Quota > 0).Select(q => new RoundQuota { RoundId = roundId, UnitId = q.UnitId, Quota = q.Quota }));
        round.Version = Guid.NewGuid();
        await db.SaveChangesAsync(ct);
        return await QuotasAsync(roundId, ct);
    }

    // ---- Demand ----

    /// <summary>Demand rows of the round that the user may see (those of the villages in their scope).</summary>
    IQueryable<VillageDemand> DemandIn(IEnumerable<Guid> roundIds) =>
        db.VillageDemands.AsNoTracking().Where(d => roundIds.Contains(d.RoundId)).Join(db.Villages, d => d.VillageId, v => v.Id, (d, v) => d);

    async Task<DemandTotals> TotalsAsync(Guid roundId, CancellationToken ct)
    {
        var rows = await DemandIn([roundId]).GroupBy(d => 1).Select(g => new { Villages = g.Count(), Members = g.Sum(d => d.Members), Speakers = g.Count(d => d.NeedsSpeaker) }).FirstOrDefaultAsync(ct);
        return new DemandTotals(rows?.Villages ?? 0, rows?.Members ?? 0, rows?.Speakers ?? 0);
    }

    public static readonly IReadOnlyList<string> DemandSorts = ["code", "-members", "members", "-households"];

    public async Task<DemandPage> ListDemandAsync(Guid roundId, string? q, string? region, string? sort, int? page, int? pageSize, CancellationToken ct)
    {
        SelectionAccess.Take(user);
        await RequireRoundAsync(roundId, ct);
        var errors = new ValidationErrors();
        var query = db.VillageDemands.AsNoTracking().Where(d => d.RoundId == roundId).Join(db.Villages, d => d.VillageId, v => v.Id, (d, v) => new { d, v });
        if (!string.IsNullOrWhiteSpace(q))
        {
            var t = q.Trim();
            if (t.Length > 50) errors.Add("q", "搜索内容不能超过 50 个字符。");
            else query = query.Where(x => x.v.Name.Contains(t));
        }
        if (!string.IsNullOrWhiteSpace(region))
        {
            if (!RegionCode.TryParse(region, out var code, out var err)) errors.Add("region", err!);
            else if (RegionCatalog.Embedded.Find(code.Value.Value) is not { } r) errors.Add("region", $"区划代码“{code}”不存在。");
            else query = query.Where(x => x.v.RegionPath.StartsWith(r.Path));
        }
        var s = string.IsNullOrWhiteSpace(sort) ? "code" : sort.Trim();
        if (!DemandSorts.Contains(s)) errors.Add("sort", $"排序字段无效，可选：{string.Join("、", DemandSorts)}。");
        errors.ThrowIfAny();
        query = s switch
        {
            "-members" => query.OrderByDescending(x => x.d.Members).ThenBy(x => x.v.Code),
            "members" => query.OrderBy(x => x.d.Members).ThenBy(x => x.v.Code),
            "-households" => query.OrderByDescending(x => x.v.Households).ThenBy(x => x.v.Code),
            _ => query.OrderBy(x => x.v.Code),
        };
        var (p, size) = Paging.Normalise(page, pageSize);
        var total = await query.CountAsync(ct);
        var rows = await query.Skip((p - 1) * size).Take(size).ToListAsync(ct);
        var items = rows.Select(x => ToRow(x.d, x.v)).ToList();
        return new DemandPage(new PagedResult<DemandRow>(items, total, p, size), await TotalsAsync(roundId, ct));
    }

    static DemandRow ToRow(VillageDemand d, Village v)
    {
        var catalog = RegionCatalog.Embedded;
        var township = catalog.Find(v.TownshipCode.Value);
        var county = township?.ParentCode is { } c ? catalog.Find(c.Value) : null;
        return new DemandRow(d.Id, v.Id, v.Code.Value, v.Name, township?.Name ?? v.TownshipCode.Value, county?.Name ?? "", v.Households, d.Members, d.NeedsSpeaker,
            SelectionNames.TagKey(d.FitTag), SelectionNames.Tag(d.FitTag), VillageTagNames.Describe(v.Tags));
    }

    /// <summary>
    /// Fills the round's demand from the villages' records ("从村情生成需求"): every village-level unit in the round's
    /// region gets one row; members are shared out by households (see <see cref="ShareMembers"/>), the speaker
    /// need and the fitting line come from the village. Replaces any demand the round had. All or nothing.
    /// </summary>
    public async Task<DemandTotals> GenerateDemandAsync(Guid roundId, GenerateDemandInput input, CancellationToken ct)
    {
        SelectionAccess.Manage(user);
        var round = await LoadForChangeAsync(roundId, null, ct);
        if (round.Status is not (RoundStatus.Draft or RoundStatus.Open)) throw new DomainRuleException($"该批次为“{SelectionRound.StatusName(round.Status)}”，不能再生成需求。");
        var path = round.RegionPath;
        var villages = await db.Villages.AsNoTracking().Where(v => v.RegionPath.StartsWith(path)).OrderBy(v => v.Code).ToListAsync(ct);
        if (villages.Count == 0) throw new DomainRuleException("本批次的地区内还没有登记村（居），无法生成需求。", conflict: false);
        var total = input.TotalMembers ?? DefaultMembers(villages.Count);
        if (total < villages.Count || total > villages.Count * MaxMembersPerVillage)
            throw new ValidationException("totalMembers", $"队员总数应在 {villages.Count}（每村至少 1 人）到 {villages.Count * MaxMembersPerVillage} 之间。");

        var members = ShareMembers(villages, total);
        db.VillageDemands.RemoveRange(await db.VillageDemands.Where(d => d.RoundId == roundId).ToListAsync(ct));
        db.VillageDemands.AddRange(villages.Select(v => new VillageDemand
        {
            RoundId = roundId,
            VillageId = v.Id,
            Members = members[v.Id],
            NeedsSpeaker = v.NeedsLocalLanguage,
            FitTag = v.PrimaryTag,
        }));
        round.Version = Guid.NewGuid();
        await db.SaveChangesAsync(ct);
        return await TotalsAsync(roundId, ct);
    }

    /// <summary>The default number of team members for <paramref name="villages"/> villages: Ali's 471/145, rounded.</summary>
    public static int DefaultMembers(int villages) => (int)Math.Round(villages * (double)ReferenceMembers / ReferenceVillages, MidpointRounding.AwayFromZero);

    /// <summary>
    /// Shares <paramref name="total"/> team members among the villages: one each, the rest in proportion to households
    /// by the largest remainder (ties to the larger village, then the code), so the rows add up exactly.
    /// </summary>
    public static Dictionary<Guid, int> ShareMembers(IReadOnlyList<Village> villages, int total)
    {
        var result = villages.ToDictionary(v => v.Id, _ => 1);
        var rest = total - villages.Count;
        var households = villages.Sum(v => (long)Math.Max(v.Households, 1));
        if (rest <= 0 || households == 0) return result;
        var shares = villages.Select(v => (v, exact: (double)rest * Math.Max(v.Households, 1) / households)).ToList();
        var given = 0;
        foreach (var (v, exact) in shares)
        {
            var whole = (int)Math.Floor(exact);
            result[v.Id] += whole;
            given += whole;
        }
        foreach (var (v, _) in shares.OrderByDescending(s => s.exact - Math.Floor(s.exact)).ThenByDescending(s => s.v.Households).ThenBy(s => s.v.Code.Value, StringComparer.Ordinal).Take(rest - given))
            result[v.Id]++;
        return result;
    }

    public async Task<DemandRow> GetDemandAsync(Guid roundId, Guid demandId, CancellationToken ct)
    {
        SelectionAccess.Take(user);
        await RequireRoundAsync(roundId, ct);
        var row = await db.VillageDemands.AsNoTracking().Where(d => d.Id == demandId && d.RoundId == roundId).Join(db.Villages, d => d.VillageId, v => v.Id, (d, v) => new { d, v })
            .FirstOrDefaultAsync(ct) ?? throw new NotFoundException("该村的需求");
        return ToRow(row.d, row.v);
    }

    public async Task<DemandRow> UpdateDemandAsync(Guid roundId, Guid demandId, DemandInput input, CancellationToken ct)
    {
        SelectionAccess.Manage(user);
        var round = await LoadForChangeAsync(roundId, null, ct);
        if (round.Status is not (RoundStatus.Draft or RoundStatus.Open)) throw new DomainRuleException($"该批次为“{SelectionRound.StatusName(round.Status)}”，不能再修改需求。");
        var row = await db.VillageDemands.Where(d => d.Id == demandId && d.RoundId == roundId).Join(db.Villages, d => d.VillageId, v => v.Id, (d, v) => new { d, v })
            .FirstOrDefaultAsync(ct) ?? throw new NotFoundException("该村的需求");
        var errors = new ValidationErrors();
        if (input.Members is { } m && m is < 1 or > MaxMembersPerVillage) errors.Add("members", $"队员人数应在 1 到 {MaxMembersPerVillage} 之间（第一书记另计）。");
        var tag = row.d.FitTag;
        if (!string.IsNullOrWhiteSpace(input.FitTag) && !SelectionNames.TryParseTag(input.FitTag, out tag))
            errors.Add("fitTag", $"适配村情“{input.FitTag}”无效，可选：{string.Join("、", VillageTagNames.All.Select(t => t.Key))}。");
        errors.ThrowIfAny();
        if (input.Members is { } members) row.d.Members = members;
        if (input.NeedsSpeaker is { } speaker) row.d.NeedsSpeaker = speaker;
        row.d.FitTag = tag;
        round.Version = Guid.NewGuid();
        await db.SaveChangesAsync(ct);
        return ToRow(row.d, row.v);
    }
}
