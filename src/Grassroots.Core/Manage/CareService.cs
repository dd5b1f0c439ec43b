using Grassroots.Common;
using Grassroots.Data;
using Grassroots.Dispatch;
using Grassroots.Regions;
using Grassroots.Security;
using Microsoft.EntityFrameworkCore;

namespace Grassroots.Manage;

/// <summary>Sets a team's fund. Kind <c>settling</c> (安家补贴) or <c>practicalMatters</c> (办实事经费); budget in yuan to the fen.</summary>
public sealed record CareFundInput(string? VillageCode, string? Kind, decimal? Budget, string? Note = null);

/// <summary>Changes a fund's budget; <paramref name="Version"/> is the version the clerk saw.</summary>
public sealed record CareBudgetInput(Guid? Version, decimal? Budget, string? Note = null);

/// <summary>One spending: date, amount in yuan (at most two decimals), purpose, receipt number, and — when it takes the
/// fund below zero — the reason for the overspend.</summary>
public sealed record CareEntryInput(DateOnly? Date, decimal? Amount, string? Purpose, string? ReceiptNo, string? OverspendReason = null, Guid? Version = null);

public sealed record CareFundDto(Guid Id, Guid VillageId, string VillageCode, string VillageName, string PlaceName, CareFundKind Kind, string KindKey, string KindName,
    decimal Budget, decimal Spent, decimal Balance, int Entries, string? Note, bool CanSetBudget, bool CanSpend, Guid Version);

public sealed record CareEntryDto(Guid Id, Guid FundId, int Number, DateOnly Date, decimal Amount, string Purpose, string ReceiptNo, string? OverspendReason,
    decimal BalanceAfter, DateTime RecordedAt, string RecordedBy);

/// <summary>A team (village) with its two funds, for the list.</summary>
public sealed record CareTeamRow(Guid VillageId, string VillageCode, string VillageName, string PlaceName, int Cadres,
    CareFundDto? Settling, CareFundDto? PracticalMatters)
{
    public decimal Budget => (Settling?.Budget ?? 0) + (PracticalMatters?.Budget ?? 0);
    public decimal Spent => (Settling?.Spent ?? 0) + (PracticalMatters?.Spent ?? 0);
    public decimal Balance => Budget - Spent;
    public bool Overspent => (Settling?.Balance ?? 0) < 0 || (PracticalMatters?.Balance ?? 0) < 0;
}

public sealed record CareTeam(CareTeamRow Row, IReadOnlyList<(CareFundDto Fund, IReadOnlyList<CareEntryDto> Entries)> Ledgers, bool CanSetBudget, bool CanSpend);

public sealed record CareQuery
{
    /// <summary>Village name or code.</summary>
    public string? Q { get; init; }
    /// <summary><c>overspent</c>, <c>noFund</c>, or all.</summary>
    public string? View { get; init; }
    public int? Page { get; init; }
    public int? PageSize { get; init; }
}

/// <summary>
/// Care (关心关怀, S-MNG-8): each team's settling allowance (安家补贴) and practical-matters fund (办实事经费) for the round of
/// its active postings, with a spending ledger: budget, entries (date, amount in yuan to the fen, purpose, receipt number)
/// and balance. No entry may take a fund below zero without an explicit reason. The county office sets budgets; the
/// township and the county office record spending; the prefecture reads (S-MNG-7).
/// </summary>
public sealed class CareService(GrassrootsDb db, CurrentUser user, TimeProvider clock)
{
    DateOnly Today => ChinaTime.Today(clock);

    /// <summary>Teams in scope (villages with active postings) and their funds, in region-code order.</summary>
    public async Task<PagedResult<CareTeamRow>> TeamsAsync(CareQuery q, CancellationToken ct)
    {
        OversightPolicy.RequireRead(user, "关心关怀经费");
        var errors = new ValidationErrors();
        var view = q.View?.Trim() ?? "";
        if (view is not ("" or "all" or "overspent" or "noFund")) errors.Add("view", "列表应为 all、overspent（超支）或 noFund（未设预算）。");
        var words = q.Q?.Trim();
        if (words is { Length: > 50 }) errors.Add("q", "关键词不能超过 50 个字。");
        errors.ThrowIfAny();
        var (page, size) = Paging.Normalise(q.Page, q.PageSize);
        var scope = user.ScopePath;
        var teams = await db.Postings.AsNoTracking().Where(p => p.Status == PostingStatus.Active && p.RegionPath.StartsWith(scope))
            .GroupBy(p => p.VillageId).Select(g => new { VillageId = g.Key, Cadres = g.Count() }).ToListAsync(ct);
        var ids = teams.Select(t => t.VillageId).ToList();
        var villages = await db.Villages.AsNoTracking().Where(v => ids.Contains(v.Id)).ToListAsync(ct);
        if (!string.IsNullOrEmpty(words)) villages = [.. villages.Where(v => v.Name.Contains(words, StringComparison.Ordinal) || v.Code.Value.StartsWith(words, StringComparison.Ordinal))];
        var funds = (await db.CareFunds.AsNoTracking().Where(f => ids.Contains(f.VillageId)).ToListAsync(ct)).ToLookup(f => f.VillageId);
        var cadres = teams.ToDictionary(t => t.VillageId, t => t.Cadres);
        var rows = villages.OrderBy(v => v.Code.Value, StringComparer.Ordinal)
            .Select(v => Row(v, cadres[v.Id], funds[v.Id].ToList()))
            .Where(r => view switch { "overspent" => r.Overspent, "noFund" => r.Settling is null || r.PracticalMatters is null, _ => true })
            .ToList();
        return new PagedResult<CareTeamRow>([.. rows.Skip((page - 1) * size).Take(size)], rows.Count, page, size);
    }

    /// <summary>Totals of the funds in scope: budget, spent, balance, and the teams overspent.</summary>
    public async Task<(decimal Budget, decimal Spent, int Funds, int Overspent)> TotalsAsync(CancellationToken ct)
    {
        OversightPolicy.RequireRead(user, "关心关怀经费");
        var funds = await db.CareFunds.AsNoTracking().Select(f => new { f.Budget, f.Spent }).ToListAsync(ct);
        return (funds.Sum(f => f.Budget), funds.Sum(f => f.Spent), funds.Count, funds.Count(f => f.Spent > f.Budget));
    }

    CareTeamRow Row(Village v, int cadres, IReadOnlyList<CareFund> funds)
    {
        // The fund of the current round: the latest made when a village has funds of several rounds.
        CareFundDto? Of(CareFundKind kind) => funds.Where(f => f.Kind == kind).OrderByDescending(f => f.CreatedAtUtc).Select(f => Dto(f, v)).FirstOrDefault();
        return new CareTeamRow(v.Id, v.Code.Value, v.Name, CadreService.PlaceName(v.RegionPath), cadres, Of(CareFundKind.Settling), Of(CareFundKind.PracticalMatters));
    }

    CareFundDto Dto(CareFund f, Village v) => new(f.Id, v.Id, v.Code.Value, v.Name, CadreService.PlaceName(v.RegionPath), f.Kind, CareNames.Key(f.Kind), CareNames.Kind(f.Kind),
        f.Budget, f.Spent, f.Balance, f.Entries, f.Note, OversightPolicy.MaySetBudget(user), OversightPolicy.MayRecordSpending(user), f.Version);

    /// <summary>One team's funds and full ledgers (entries oldest first), in scope (404 outside it).</summary>
    public async Task<CareTeam> TeamAsync(Guid villageId, CancellationToken ct)
    {
        OversightPolicy.RequireRead(user, "关心关怀经费");
        var village = await db.Villages.AsNoTracking().FirstOrDefaultAsync(v => v.Id == villageId, ct) ?? throw new NotFoundException("该村（居）");
        var cadres = await db.Postings.AsNoTracking().CountAsync(p => p.VillageId == villageId && p.Status == PostingStatus.Active, ct);
        var funds = await db.CareFunds.AsNoTracking().Where(f => f.VillageId == villageId).OrderBy(f => f.Kind).ThenByDescending(f => f.CreatedAtUtc).ToListAsync(ct);
        var fundIds = funds.Select(f => f.Id).ToList();
        var entries = (await db.CareEntries.AsNoTracking().Where(e => fundIds.Contains(e.FundId)).ToListAsync(ct))
            .OrderBy(e => e.Number).ToLookup(e => e.FundId);
        var ledgers = funds.Select(f => (Dto(f, village), (IReadOnlyList<CareEntryDto>)[.. entries[f.Id].Select(EntryDto)])).ToList();
        return new CareTeam(Row(village, cadres, funds), ledgers, OversightPolicy.MaySetBudget(user), OversightPolicy.MayRecordSpending(user));
    }

    /// <summary>Sets up a team's fund for the round of its active postings. One fund of each kind per team and round.</summary>
    public async Task<CareFundDto> CreateFundAsync(CareFundInput input, CancellationToken ct)
    {
        RequireBudget();
        var errors = new ValidationErrors();
        if (!CareNames.TryParse(input.Kind, out var kind)) errors.Add("kind", "请选择经费类别：安家补贴或办实事经费。");
        CheckAmount(input.Budget, "budget", "预算", errors, allowZero: true);
        var note = Note(input.Note, errors);
        RegionCode? code = null;
        if (string.IsNullOrWhiteSpace(input.VillageCode)) errors.Add("villageCode", "请选择村（居）。");
        else if (!RegionCode.TryParse(input.VillageCode.Trim(), out code, out var codeError)) errors.Add("villageCode", codeError ?? "村（居）代码无效。");
        errors.ThrowIfAny();
        var wanted = code!.Value;
        var village = await db.Villages.AsNoTracking().FirstOrDefaultAsync(v => v.Code == wanted, ct) ?? throw new NotFoundException($"村（居）{wanted}");
        var postings = await db.Postings.AsNoTracking().Where(p => p.VillageId == village.Id && p.Status == PostingStatus.Active).Select(p => p.RoundId).ToListAsync(ct);
        if (postings.Count == 0) throw new DomainRuleException($"{village.Name}目前没有在岗的驻村工作队，不能设立经费。", conflict: false);
        var round = postings.FirstOrDefault(r => r is not null);
        if (await db.CareFunds.AnyAsync(f => f.VillageId == village.Id && f.Kind == kind && f.RoundId == round, ct))
            throw new DomainRuleException($"{village.Name}本轮的{CareNames.Kind(kind)}已设立，请修改其预算。");
        var fund = new CareFund
        {
            VillageId = village.Id, RegionPath = village.RegionPath, RoundId = round, Kind = kind, Budget = input.Budget!.Value, Note = note,
            CreatedAtUtc = clock.GetUtcNow().UtcDateTime, CreatedBy = OversightPolicy.Actor(user),
        };
        db.CareFunds.Add(fund);
        await db.SaveChangesAsync(ct);
        return Dto(fund, village);
    }

    /// <summary>Changes a fund's budget. A budget below what was already spent is refused.</summary>
    public async Task<CareFundDto> SetBudgetAsync(Guid fundId, CareBudgetInput input, CancellationToken ct)
    {
        RequireBudget();
        var fund = await db.CareFunds.FirstOrDefaultAsync(f => f.Id == fundId, ct) ?? throw new NotFoundException("该经费");
        if (input.Version is { } v && v != fund.Version) throw new DomainRuleException("该经费已被他人修改或已有新的支出，请刷新后重试。");
        var errors = new ValidationErrors();
        CheckAmount(input.Budget, "budget", "预算", errors, allowZero: true);
        var note = Note(input.Note, errors);
        errors.ThrowIfAny();
        if (input.Budget!.Value < fund.Spent)
            throw new DomainRuleException($"已支出 {Money.Show(fund.Spent)}，预算不能低于已支出金额。", conflict: false);
        fund.Budget = input.Budget.Value;
        if (input.Note is not null) fund.Note = note;
        fund.Version = Guid.NewGuid();
        await db.SaveChangesAsync(ct);
        return await FundDtoAsync(fund, ct);
    }

    /// <summary>
    /// Records one spending. The amount is positive and to the fen; the date is not in the future. An entry that takes the
    /// balance below zero needs an explicit reason, else it is refused (422) and nothing is written. The fund's spent
    /// total and version change in the same transaction, so of two entries racing for the last yuan one is a conflict.
    /// </summary>
    public async Task<CareEntryDto> SpendAsync(Guid fundId, CareEntryInput input, CancellationToken ct)
    {
        OversightPolicy.RequireRead(user, "关心关怀经费");
        if (!OversightPolicy.MayRecordSpending(user)) throw new ForbiddenException("经费支出由乡镇或县驻村办登记。");
        var fund = await db.CareFunds.FirstOrDefaultAsync(f => f.Id == fundId, ct) ?? throw new NotFoundException("该经费");
        if (input.Version is { } v && v != fund.Version) throw new DomainRuleException("该经费已有新的支出或预算调整，请刷新后重试。");
        var errors = new ValidationErrors();
        if (input.Date is not { } date) errors.Add("date", "请填写支出日期。");
        else if (date > Today) errors.Add("date", "支出日期不能晚于今天。");
        else if (date < Today.AddYears(-3)) errors.Add("date", "支出日期不能早于三年前。");
        CheckAmount(input.Amount, "amount", "金额", errors, allowZero: false);
        var purpose = input.Purpose?.Trim();
        if (string.IsNullOrEmpty(purpose)) errors.Add("purpose", "请填写用途。");
        else if (purpose.Length > 200) errors.Add("purpose", "用途不能超过 200 个字。");
        var receipt = input.ReceiptNo?.Trim();
        if (string.IsNullOrEmpty(receipt)) errors.Add("receiptNo", "请填写票据号。");
        else if (receipt.Length > 50) errors.Add("receiptNo", "票据号不能超过 50 个字符。");
        var reason = string.IsNullOrWhiteSpace(input.OverspendReason) ? null : input.OverspendReason.Trim();
        if (reason is { Length: > 200 }) errors.Add("overspendReason", "超支原因不能超过 200 个字。");
        errors.ThrowIfAny();
        if (await db.CareEntries.AnyAsync(e => e.FundId == fundId && e.ReceiptNo == receipt, ct))
            throw new ValidationException("receiptNo", $"票据号 {receipt} 已登记过，同一票据不能重复报支。");
        var amount = input.Amount!.Value;
        var after = fund.Budget - fund.Spent - amount;
        if (after < 0 && reason is null)
            throw new DomainRuleException($"本笔支出 {Money.Show(amount)} 超过{CareNames.Kind(fund.Kind)}余额 {Money.Show(fund.Balance)}，将超支 {Money.Show(-after)}；如确需支出，请填写超支原因。", conflict: false);
        if (after >= 0) reason = null;
        fund.Spent += amount;
        fund.Entries++;
        fund.Version = Guid.NewGuid();
        var entry = new CareEntry
        {
            FundId = fund.Id, Number = fund.Entries, RegionPath = fund.RegionPath, Date = input.Date!.Value, Amount = amount, Purpose = purpose!, ReceiptNo = receipt!,
            OverspendReason = reason, BalanceAfter = after, RecordedAtUtc = clock.GetUtcNow().UtcDateTime, RecordedBy = OversightPolicy.Actor(user),
        };
        db.CareEntries.Add(entry);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e is not DbUpdateConcurrencyException)
        {
            // Another entry took this number (or receipt) a moment ago: the unique index, not this process, decides.
            throw new DomainRuleException("该经费刚登记了另一笔支出，请刷新后核对余额再登记。");
        }
        return EntryDto(entry);
    }

    public async Task<CareFundDto> GetFundAsync(Guid fundId, CancellationToken ct)
    {
        OversightPolicy.RequireRead(user, "关心关怀经费");
        var fund = await db.CareFunds.AsNoTracking().FirstOrDefaultAsync(f => f.Id == fundId, ct) ?? throw new NotFoundException("该经费");
        return await FundDtoAsync(fund, ct);
    }

    async Task<CareFundDto> FundDtoAsync(CareFund fund, CancellationToken ct)
    {
        var village = await db.Villages.IgnoreQueryFilters().AsNoTracking().FirstAsync(v => v.Id == fund.VillageId, ct);
        return Dto(fund, village);
    }

    void RequireBudget()
    {
        OversightPolicy.RequireRead(user, "关心关怀经费");
        if (!OversightPolicy.MaySetBudget(user)) throw new ForbiddenException("经费预算由县驻村办（县委组织部）设定。");
    }

    static CareEntryDto EntryDto(CareEntry e) => new(e.Id, e.FundId, e.Number, e.Date, e.Amount, e.Purpose, e.ReceiptNo, e.OverspendReason, e.BalanceAfter, DateTime.SpecifyKind(e.RecordedAtUtc, DateTimeKind.Utc), e.RecordedBy);

    static void CheckAmount(decimal? amount, string field, string label, ValidationErrors errors, bool allowZero)
    {
        if (amount is not { } a) errors.Add(field, $"请填写{label}（元）。");
        else if (a < 0 || (!allowZero && a == 0)) errors.Add(field, $"{label}应大于 0。");
        else if (a > Money.Max) errors.Add(field, $"{label}不能超过 {Money.Show(Money.Max)}。");
        else if (!Money.IsFen(a)) errors.Add(field, $"{label}最多保留两位小数（到分），如 1280.50。");
    }

    static string? Note(string? note, ValidationErrors errors)
    {
        var n = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
        if (n is { Length: > 200 }) errors.Add("note", "说明不能超过 200 个字。");
        return n;
    }
}
