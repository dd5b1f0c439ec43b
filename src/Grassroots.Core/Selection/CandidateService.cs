using Grassroots.Codes;
using Grassroots.Common;
using Grassroots.Data;
using Grassroots.People;
using Grassroots.Security;
using Microsoft.EntityFrameworkCore;

namespace Grassroots.Selection;

/// <summary>
/// Candidates of a round (S-SEL-2..4): self-nomination and unit recommendation, the list with its eligibility
/// outcomes, the detail with the rule-by-rule table, 一好双强 attestations, and review — approve, reject, withdraw —
/// guarded by the candidate's version so two reviewers cannot both act on what they read.
/// </summary>
/// <remarks>
/// <para>Scope is the database's query filter on <see cref="Candidate.RegionPath"/> (the person's node): a county
/// sees, counts and reviews only its own people's candidacies; a candidate outside the scope is "not found".</para>
/// <para>Cadres have no accounts of their own yet, so a self-nomination (个人自荐) is recorded by staff on the cadre's
/// behalf: the entry says it was the cadre's own application, the statement is the cadre's, and
/// <see cref="Candidate.NominatedBy"/> names the clerk who recorded it.</para>
/// <para>Approval needs every 1+2+X rule of the round's policy to pass at the reference date (fail and unknown both
/// refuse, naming the rule) and a 一好双强 attestation whose latest entry confirms all three.</para>
/// </remarks>
public sealed class CandidateService(GrassrootsDb db, CurrentUser user, TimeProvider clock)
{
    public static readonly IReadOnlyList<string> SortKeys = ["stroke", "-stroke", "nominated", "-nominated", "unit"];

    public const int MaxStatement = 2000;
    public const int MaxNote = 1000;

    // ---- Nomination ----

    public async Task<CandidateDetail> NominateAsync(Guid roundId, NominationInput input, CancellationToken ct)
    {
        SelectionAccess.Take(user);
        var round = await db.SelectionRounds.AsNoTracking().FirstOrDefaultAsync(r => r.Id == roundId, ct) ?? throw new NotFoundException("该选派批次");
        var errors = new ValidationErrors();
        if (input.PersonId is null) errors.Add("personId", "请选择被推荐或自荐的人员。");
        var entry = CandidateEntry.UnitRecommendation;
        if (string.IsNullOrWhiteSpace(input.Entry)) errors.Add("entry", "请选择报名方式：个人自荐或单位推荐。");
        else if (!SelectionNames.TryParse(input.Entry, Candidate.EntryName, out entry))
            errors.Add("entry", $"报名方式“{input.Entry}”无效，应为 selfNomination（个人自荐）或 unitRecommendation（单位推荐）。");
        var statement = input.Statement?.Trim() ?? "";
        var what = entry == CandidateEntry.SelfNomination ? "自荐理由" : "推荐理由";
        if (statement.Length == 0) errors.Add("statement", $"{what}不能为空。");
        else if (statement.Length > MaxStatement) errors.Add("statement", $"{what}不能超过 {MaxStatement} 个字。");
        errors.ThrowIfAny();

        if (round.Status != RoundStatus.Open)
            throw new DomainRuleException($"该批次当前为“{SelectionRound.StatusName(round.Status)}”，不在征集阶段，不能报名或推荐。");
        var person = await db.People.AsNoTracking().FirstOrDefaultAsync(p => p.Id == input.PersonId, ct) ?? throw new NotFoundException("该人员");
        if (person.Kind != PersonKind.Cadre) throw new DomainRuleException("社区工作者不参加驻村干部选派。", conflict: false);
        if (!person.RegionPath.StartsWith(round.RegionPath, StringComparison.Ordinal))
            throw new DomainRuleException($"{person.Name}不在本批次的选派地区（{SelectionNames.RegionName(round.RegionCode)}）内。", conflict: false);

        var now = clock.GetUtcNow().UtcDateTime;
        var existing = await db.Candidates.IgnoreQueryFilters().FirstOrDefaultAsync(c => c.RoundId == roundId && c.PersonId == person.Id, ct);
        if (existing is not null && existing.Status != CandidateStatus.Withdrawn)
            throw new DomainRuleException($"{person.Name}已是本批次的人选（{Candidate.EntryName(existing.Entry)}，{Candidate.StatusName(existing.Status)}）。");
        var candidate = existing ?? new Candidate { RoundId = roundId, PersonId = person.Id, RegionCode = person.RegionCode, RegionPath = person.RegionPath };
        candidate.Entry = entry;
        candidate.Statement = statement;
        candidate.NominatedBy = user.UserName;
        candidate.NominatedAtUtc = now;
        candidate.Status = CandidateStatus.Pending;
        candidate.ReviewedBy = null;
        candidate.ReviewedAtUtc = null;
        candidate.ReviewNote = null;
        candidate.RegionCode = person.RegionCode;
        candidate.RegionPath = person.RegionPath;
        candidate.Version = Guid.NewGuid();
        if (existing is null) db.Candidates.Add(candidate);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e is not DbUpdateConcurrencyException)
        {
            // Two clerks put the same person forward at once: the unique index keeps one.
            db.ChangeTracker.Clear();
            if (await db.Candidates.IgnoreQueryFilters().AnyAsync(c => c.RoundId == roundId && c.PersonId == person.Id, ct))
                throw new DomainRuleException($"{person.Name}已是本批次的人选。");
            throw;
        }
        return await GetAsync(candidate.Id, ct);
    }

    /// <summary>Which of <paramref name="personIds"/> are already candidates of the round (any status), and how.</summary>
    public async Task<Dictionary<Guid, (Guid CandidateId, string StatusName)>> ExistingAsync(Guid roundId, IReadOnlyCollection<Guid> personIds, CancellationToken ct)
    {
        SelectionAccess.Take(user);
        var rows = await db.Candidates.AsNoTracking().Where(c => c.RoundId == roundId && personIds.Contains(c.PersonId)).Select(c => new { c.PersonId, c.Id, c.Status }).ToListAsync(ct);
        return rows.ToDictionary(r => r.PersonId, r => (r.Id, Candidate.StatusName(r.Status)));
    }

    // ---- Lists ----

    sealed record Loaded(Candidate Candidate, Person Person, string? UnitName, Attestation? Latest);

    IQueryable<Loaded> Load(IQueryable<Candidate> q) => q.Select(c => new Loaded(c, c.Person!, c.Person!.Unit != null ? c.Person.Unit.Name : null,
        c.Attestations.OrderByDescending(a => a.AtUtc).ThenByDescending(a => a.Id).FirstOrDefault()));

    public async Task<PagedResult<CandidateRow>> ListAsync(Guid roundId, CandidateQuery q, CancellationToken ct)
    {
        var (round, query, outcome) = await QueryAsync(roundId, q, ct);
        var policy = EligibilityPolicy.Parse(round.EligibilityPolicy);
        var (page, size) = Paging.Normalise(q.Page, q.PageSize);
        if (outcome is null)
        {
            var total = await query.CountAsync(ct);
            var rows = await Load(query.Skip((page - 1) * size).Take(size)).ToListAsync(ct);
            return new(rows.Select(r => ToRow(r, Evaluate(r.Person, round, policy))).ToList(), total, page, size);
        }
        // The outcome is computed, not stored: evaluate every candidate that matches the other filters, in order.
        var all = await Load(query).ToListAsync(ct);
        var matching = all.Select(r => (r, report: Evaluate(r.Person, round, policy))).Where(x => x.report.Outcome == outcome).ToList();
        return new(matching.Skip((page - 1) * size).Take(size).Select(x => ToRow(x.r, x.report)).ToList(), matching.Count, page, size);
    }

    /// <summary>Every matching candidate with the outcome (for the command line and reports), in the requested order.</summary>
    public async Task<IReadOnlyList<CandidateRow>> AllAsync(Guid roundId, CandidateQuery q, CancellationToken ct)
    {
        var (round, query, outcome) = await QueryAsync(roundId, q, ct);
        var policy = EligibilityPolicy.Parse(round.EligibilityPolicy);
        var all = await Load(query).ToListAsync(ct);
        return all.Select(r => (r, report: Evaluate(r.Person, round, policy))).Where(x => outcome is null || x.report.Outcome == outcome).Select(x => ToRow(x.r, x.report)).ToList();
    }

    async Task<(SelectionRound Round, IQueryable<Candidate> Query, RuleOutcome? Outcome)> QueryAsync(Guid roundId, CandidateQuery q, CancellationToken ct)
    {
        SelectionAccess.Take(user);
        var round = await db.SelectionRounds.AsNoTracking().FirstOrDefaultAsync(r => r.Id == roundId, ct) ?? throw new NotFoundException("该选派批次");
        var errors = new ValidationErrors();
        IQueryable<Candidate> query = db.Candidates.AsNoTracking().Where(c => c.RoundId == roundId);
        if (!string.IsNullOrWhiteSpace(q.Status))
        {
            if (SelectionNames.TryParse(q.Status, Candidate.StatusName, out CandidateStatus status)) query = query.Where(c => c.Status == status);
            else errors.Add("status", $"审核状态“{Short(q.Status)}”无效，可选：pending、approved、rejected、withdrawn。");
        }
        if (!string.IsNullOrWhiteSpace(q.Entry))
        {
            if (SelectionNames.TryParse(q.Entry, Candidate.EntryName, out CandidateEntry entry)) query = query.Where(c => c.Entry == entry);
            else errors.Add("entry", $"报名方式“{Short(q.Entry)}”无效，可选：selfNomination、unitRecommendation。");
        }
        RuleOutcome? outcome = null;
        if (!string.IsNullOrWhiteSpace(q.Outcome))
        {
            if (SelectionNames.TryParse(q.Outcome, SelectionNames.Outcome, out RuleOutcome o)) outcome = o;
            else errors.Add("outcome", $"资格结果“{Short(q.Outcome)}”无效，可选：pass（符合）、fail（不符合）、unknown（待核实）。");
        }
        if (q.UnitId is { } unitId) query = query.Where(c => c.Person!.UnitId == unitId);
        if (!string.IsNullOrWhiteSpace(q.Q))
        {
            var text = q.Q.Trim();
            if (text.Length > 50) errors.Add("q", "搜索内容不能超过 50 个字符。");
            else if (text.All(char.IsAsciiLetter))
            {
                var initials = text.ToLowerInvariant() + "%";
                query = query.Where(c => EF.Functions.Like(c.Person!.NameInitials, initials));
            }
            else query = query.Where(c => c.Person!.Name.Contains(text));
        }
        var sort = string.IsNullOrWhiteSpace(q.Sort) ? "stroke" : q.Sort.Trim();
        if (!SortKeys.Contains(sort)) errors.Add("sort", $"排序字段“{Short(sort)}”无效，可选：{string.Join("、", SortKeys)}。");
        errors.ThrowIfAny();
        query = sort switch
        {
            "-stroke" => query.OrderByDescending(c => c.Person!.NameSortKey).ThenByDescending(c => c.Id),
            "nominated" => query.OrderBy(c => c.NominatedAtUtc).ThenBy(c => c.Id),
            "-nominated" => query.OrderByDescending(c => c.NominatedAtUtc).ThenBy(c => c.Id),
            "unit" => query.OrderBy(c => c.RegionPath).ThenBy(c => c.Person!.Unit!.Name).ThenBy(c => c.Person!.NameSortKey).ThenBy(c => c.Id),
            _ => query.OrderBy(c => c.Person!.NameSortKey).ThenBy(c => c.Id),
        };
        return (round, query, outcome);
    }

    static string Short(string s) => s.Length > 30 ? s[..30] + "…" : s;

    static EligibilityReport Evaluate(Person p, SelectionRound round, EligibilityPolicy policy) => EligibilityEngine.Evaluate(p, round.ReferenceDate, policy);

    static CandidateRow ToRow(Loaded r, EligibilityReport report)
    {
        var c = r.Candidate;
        var blocking = report.Blocking.Select(b => $"{b.Title}：{b.Reason}").ToList();
        return new CandidateRow(c.Id, c.PersonId, r.Person.Name, r.UnitName, SelectionNames.RegionName(r.Person.RegionCode), r.Person.Rank, PersonNames.Line(r.Person.Line),
            SelectionNames.Key(c.Entry), Candidate.EntryName(c.Entry), SelectionNames.Key(c.Status), Candidate.StatusName(c.Status), c.NominatedBy, c.NominatedAtUtc,
            SelectionNames.Key(report.Outcome), SelectionNames.Outcome(report.Outcome), blocking.Count == 0 ? null : string.Join("；", blocking),
            SelectionNames.Key(report.FirstSecretaryOutcome), r.Latest?.AllThree == true);
    }

    // ---- Detail ----

    public async Task<CandidateDetail> GetAsync(Guid id, CancellationToken ct)
    {
        SelectionAccess.Take(user);
        var c = await db.Candidates.AsNoTracking().Include(x => x.Person!).ThenInclude(p => p.Unit).Include(x => x.Attestations)
            .FirstOrDefaultAsync(x => x.Id == id, ct) ?? throw new NotFoundException("该人选");
        var round = await db.SelectionRounds.AsNoTracking().FirstOrDefaultAsync(r => r.Id == c.RoundId, ct) ?? throw new NotFoundException("该人选");
        var codes = await CodeBook.LoadAsync(db, ct);
        var p = c.Person!;
        var report = Evaluate(p, round, EligibilityPolicy.Parse(round.EligibilityPolicy));
        var (state, rules) = ApprovalProblems(round, c, report);
        static RuleRow Row(RuleResult r) => new(r.Kind, r.Group, r.Title, SelectionNames.Key(r.Outcome), SelectionNames.Outcome(r.Outcome), r.Reason);
        return new CandidateDetail
        {
            Id = c.Id,
            RoundId = round.Id,
            RoundName = round.Name,
            RoundStatus = SelectionNames.Key(round.Status),
            ReferenceDate = round.ReferenceDate,
            PersonId = p.Id,
            Name = p.Name,
            GenderName = codes.NameOf(CodeTables.Gender, p.GenderCode),
            BirthDate = p.BirthDate,
            PoliticalStatusName = codes.Find(CodeTables.Political, p.PoliticalStatusCode) is { } ps ? ps.ShortName ?? ps.Name : p.PoliticalStatusCode,
            PartyJoinDate = p.PartyJoinDate,
            WorkStartDate = p.WorkStartDate,
            StaffStatusName = PersonNames.Staff(p.StaffStatus),
            HealthName = PersonNames.Health(p.Health),
            SanctionUntil = p.SanctionUntil,
            UnitName = p.Unit?.Name,
            Post = p.Post,
            Rank = p.Rank,
            LineName = PersonNames.Line(p.Line),
            RegionName = SelectionNames.RegionName(p.RegionCode),
            Entry = SelectionNames.Key(c.Entry),
            EntryName = Candidate.EntryName(c.Entry),
            Statement = c.Statement,
            NominatedBy = c.NominatedBy,
            NominatedAtUtc = c.NominatedAtUtc,
            Status = SelectionNames.Key(c.Status),
            StatusName = Candidate.StatusName(c.Status),
            ReviewedBy = c.ReviewedBy,
            ReviewedAtUtc = c.ReviewedAtUtc,
            ReviewNote = c.ReviewNote,
            Outcome = SelectionNames.Key(report.Outcome),
            OutcomeName = SelectionNames.Outcome(report.Outcome),
            FirstSecretaryOutcome = SelectionNames.Key(report.FirstSecretaryOutcome),
            FirstSecretaryOutcomeName = SelectionNames.Outcome(report.FirstSecretaryOutcome),
            Rules = report.Rules.Select(Row).ToList(),
            FirstSecretaryRules = report.FirstSecretaryRules.Select(Row).ToList(),
            Attestations = c.Attestations.OrderByDescending(a => a.AtUtc).ThenByDescending(a => a.Id)
                .Select(a => new AttestationDto(a.Id, a.GoodPolitics, a.StrongAbility, a.StrongDuty, a.Notes, a.Reviewer, a.AtUtc)).ToList(),
            ApprovalBlockers = [.. state, .. rules],
            Version = c.Version,
        };
    }

    /// <summary>
    /// Why the candidate cannot be approved now: the state (round not open, already approved, withdrawn) and the rules
    /// (each failing or unknown 1+2+X rule by name, and a missing or incomplete 一好双强 attestation).
    /// </summary>
    static (List<string> State, List<string> Rules) ApprovalProblems(SelectionRound round, Candidate c, EligibilityReport report)
    {
        var state = new List<string>();
        if (round.Status != RoundStatus.Open) state.Add($"该批次当前为“{SelectionRound.StatusName(round.Status)}”，不在征集审核阶段。");
        if (c.Status is CandidateStatus.Approved or CandidateStatus.Withdrawn) state.Add($"该人选当前为“{Candidate.StatusName(c.Status)}”。");
        var rules = new List<string>();
        foreach (var r in report.Blocking)
            rules.Add(r.Outcome == RuleOutcome.Unknown ? $"资格条件“{r.Title}”待核实：{r.Reason}。" : $"不符合资格条件“{r.Title}”：{r.Reason}。");
        var latest = c.Attestations.OrderByDescending(a => a.AtUtc).ThenByDescending(a => a.Id).FirstOrDefault();
        if (latest is null) rules.Add("尚未记录“一好双强”鉴定。");
        else if (!latest.AllThree)
        {
            var missing = new[] { (latest.GoodPolitics, "政治素质好"), (latest.StrongAbility, "工作能力强"), (latest.StrongDuty, "责任意识强") }.Where(x => !x.Item1).Select(x => x.Item2);
            rules.Add($"最近一次“一好双强”鉴定未确认：{string.Join("、", missing)}。");
        }
        return (state, rules);
    }

    // ---- Review ----

    public async Task<CandidateDetail> AttestAsync(Guid id, AttestationInput input, CancellationToken ct)
    {
        SelectionAccess.Review(user);
        var (c, round) = await LoadForChangeAsync(id, input.Version, ct);
        var errors = new ValidationErrors();
        if (input.GoodPolitics is null) errors.Add("goodPolitics", "请确认“政治素质好”是否符合。");
        if (input.StrongAbility is null) errors.Add("strongAbility", "请确认“工作能力强”是否符合。");
        if (input.StrongDuty is null) errors.Add("strongDuty", "请确认“责任意识强”是否符合。");
        var notes = input.Notes?.Trim() ?? "";
        if (notes.Length == 0) errors.Add("notes", "请填写鉴定意见（如考察谈话、日常表现等依据）。");
        else if (notes.Length > MaxNote) errors.Add("notes", $"鉴定意见不能超过 {MaxNote} 个字。");
        errors.ThrowIfAny();
        RequireOpen(round);
        if (c.Status is CandidateStatus.Withdrawn) throw new DomainRuleException("该人选已撤回，不能再鉴定。");
        db.Attestations.Add(new Attestation
        {
            CandidateId = c.Id,
            GoodPolitics = input.GoodPolitics!.Value,
            StrongAbility = input.StrongAbility!.Value,
            StrongDuty = input.StrongDuty!.Value,
            Notes = notes,
            Reviewer = user.UserName,
            AtUtc = clock.GetUtcNow().UtcDateTime,
        });
        c.Version = Guid.NewGuid();
        await db.SaveChangesAsync(ct);
        return await GetAsync(id, ct);
    }

    /// <summary>Approves a pending (or previously rejected) candidate whose 1+2+X rules all pass and whose 一好双强 is attested.</summary>
    public async Task<CandidateDetail> ApproveAsync(Guid id, ReviewInput input, CancellationToken ct)
    {
        SelectionAccess.Review(user);
        var note = Note(input.Note, required: false);
        var (c, round) = await LoadForChangeAsync(id, input.Version, ct);
        await db.Entry(c).Reference(x => x.Person).LoadAsync(ct);
        await db.Entry(c).Collection(x => x.Attestations).LoadAsync(ct);
        if (c.Person is null) throw new NotFoundException("该人选");
        var (state, rules) = ApprovalProblems(round, c, Evaluate(c.Person, round, EligibilityPolicy.Parse(round.EligibilityPolicy)));
        if (state.Count > 0) throw new DomainRuleException("不能通过审核：" + string.Join("", state));
        if (rules.Count > 0) throw new DomainRuleException("不能通过审核：" + string.Join("", rules), conflict: false);
        Review(c, CandidateStatus.Approved, note);
        await db.SaveChangesAsync(ct);
        return await GetAsync(id, ct);
    }

    public async Task<CandidateDetail> RejectAsync(Guid id, ReviewInput input, CancellationToken ct)
    {
        SelectionAccess.Review(user);
        var note = Note(input.Note, required: true);
        var (c, round) = await LoadForChangeAsync(id, input.Version, ct);
        RequireOpen(round);
        if (c.Status is not (CandidateStatus.Pending or CandidateStatus.Approved))
            throw new DomainRuleException($"该人选当前为“{Candidate.StatusName(c.Status)}”，不能再作不通过处理。");
        Review(c, CandidateStatus.Rejected, note);
        await db.SaveChangesAsync(ct);
        return await GetAsync(id, ct);
    }

    /// <summary>Withdraws a candidacy (the cadre or the unit takes it back); the person may be put forward again later.</summary>
    public async Task<CandidateDetail> WithdrawAsync(Guid id, ReviewInput input, CancellationToken ct)
    {
        SelectionAccess.Take(user);
        var note = Note(input.Note, required: false);
        var (c, round) = await LoadForChangeAsync(id, input.Version, ct);
        RequireOpen(round);
        if (c.Status == CandidateStatus.Withdrawn) throw new DomainRuleException("该人选已撤回。");
        Review(c, CandidateStatus.Withdrawn, note);
        await db.SaveChangesAsync(ct);
        return await GetAsync(id, ct);
    }

    void Review(Candidate c, CandidateStatus status, string? note)
    {
        c.Status = status;
        c.ReviewedBy = user.UserName;
        c.ReviewedAtUtc = clock.GetUtcNow().UtcDateTime;
        c.ReviewNote = note;
        c.Version = Guid.NewGuid();
    }

    static string? Note(string? note, bool required)
    {
        var s = note?.Trim() ?? "";
        if (s.Length == 0 && required) throw new ValidationException("note", "请填写不通过的理由。");
        if (s.Length > MaxNote) throw new ValidationException("note", $"审核意见不能超过 {MaxNote} 个字。");
        return s.Length == 0 ? null : s;
    }

    static void RequireOpen(SelectionRound round)
    {
        if (round.Status != RoundStatus.Open)
            throw new DomainRuleException($"该批次当前为“{SelectionRound.StatusName(round.Status)}”，不在征集审核阶段。");
    }

    async Task<(Candidate Candidate, SelectionRound Round)> LoadForChangeAsync(Guid id, Guid? version, CancellationToken ct)
    {
        var c = await db.Candidates.FirstOrDefaultAsync(x => x.Id == id, ct) ?? throw new NotFoundException("该人选");
        if (version is { } v && v != c.Version) throw new DomainRuleException("该人选已被他人审核或修改，请刷新后重试。");
        var round = await db.SelectionRounds.AsNoTracking().FirstOrDefaultAsync(r => r.Id == c.RoundId, ct) ?? throw new NotFoundException("该人选");
        return (c, round);
    }
}
