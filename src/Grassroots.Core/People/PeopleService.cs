using Grassroots.Audit;
using Grassroots.Codes;
using Grassroots.Common;
using Grassroots.Data;
using Grassroots.Regions;
using Grassroots.Security;
using Microsoft.EntityFrameworkCore;

namespace Grassroots.People;

/// <summary>The registry of people: list and search, detail, create, update, audited reveal. Scope is applied by the database's query filters.</summary>
public sealed class PeopleService(GrassrootsDb db, CurrentUser user, TimeProvider clock, PersonValidator validator)
{
    public static readonly IReadOnlyList<string> SortKeys = ["stroke", "-stroke", "birth", "-birth", "updated", "-updated"];

    /// <summary>The filtered, sorted query shared by the list, the export and the CLI. Throws <see cref="ValidationException"/> on a bad filter.</summary>
    public IQueryable<Person> Query(PeopleQuery q)
    {
        RequireRegistryAccess();
        var errors = new ValidationErrors();
        IQueryable<Person> people = db.People.AsNoTracking();

        if (!string.IsNullOrWhiteSpace(q.Q))
        {
            var text = q.Q.Trim();
            if (text.Length > 50) errors.Add("q", "搜索内容不能超过 50 个字符。");
            else if (text.Any(char.IsControl)) errors.Add("q", "搜索内容含有不可见的控制字符，请重新输入。");
            else if (IdNumber.TryParse(text, ChinaTime.Today(clock), out var id, out _))
            {
                var value = id.Value;
                people = people.Where(p => p.IdNumber == value);
            }
            else if (text.All(char.IsAsciiLetter))
            {
                var initials = text.ToLowerInvariant() + "%";
                var pattern = ContainsPattern(text);
                people = people.Where(p => EF.Functions.Like(p.NameInitials, initials) || EF.Functions.Like(p.Name, pattern, LikeEscape));
            }
            else
            {
                // A name, or a unit. Units are few: resolve the matching ones first, so that a plain name search
                // stays one indexed LIKE (a trigram index on PostgreSQL).
                var pattern = ContainsPattern(text);
                var units = db.Units.Where(u => EF.Functions.Like(u.Name, pattern, LikeEscape)).Select(u => (Guid?)u.Id).ToList();
                people = units.Count == 0
                    ? people.Where(p => EF.Functions.Like(p.Name, pattern, LikeEscape))
                    : people.Where(p => EF.Functions.Like(p.Name, pattern, LikeEscape) || units.Contains(p.UnitId));
            }
        }
        if (!string.IsNullOrWhiteSpace(q.Region))
        {
            if (!RegionCode.TryParse(q.Region, out var code, out var err)) errors.Add("region", err!);
            else if (RegionCatalog.Embedded.Find(code.Value.Value) is not { } region) errors.Add("region", $"区划代码“{code}”不存在。");
            else people = people.Where(p => p.RegionPath.StartsWith(region.Path));
        }
        if (!string.IsNullOrWhiteSpace(q.Kind))
        {
            if (!PersonNames.TryParseKind(q.Kind, out var kind)) errors.Add("kind", $"人员类别“{q.Kind}”无效，应为 cadre 或 communityWorker。");
            else people = people.Where(p => p.Kind == kind);
        }
        if (!string.IsNullOrWhiteSpace(q.Line))
        {
            if (!PersonNames.TryParseLine(q.Line, out var line)) errors.Add("line", $"条线“{q.Line}”无效。");
            else people = people.Where(p => p.Line == line);
        }
        if (q.UnitId is { } unitId) people = people.Where(p => p.UnitId == unitId);

        var sort = string.IsNullOrWhiteSpace(q.Sort) ? "stroke" : q.Sort.Trim();
        if (!SortKeys.Contains(sort)) errors.Add("sort", $"排序字段“{Truncate(sort)}”无效，可选：{string.Join("、", SortKeys)}。");
        errors.ThrowIfAny();

        return sort switch
        {
            "-stroke" => people.OrderByDescending(p => p.NameSortKey).ThenByDescending(p => p.Id),
            "birth" => people.OrderBy(p => p.BirthDate).ThenBy(p => p.Id),
            "-birth" => people.OrderByDescending(p => p.BirthDate).ThenBy(p => p.Id),
            "updated" => people.OrderBy(p => p.UpdatedAtUtc).ThenBy(p => p.Id),
            "-updated" => people.OrderByDescending(p => p.UpdatedAtUtc).ThenBy(p => p.Id),
            _ => people.OrderBy(p => p.NameSortKey).ThenBy(p => p.Id),
        };
    }

    const string LikeEscape = "\\";

    /// <summary>A LIKE pattern that matches <paramref name="text"/> anywhere, with %, _ and \ taken literally.</summary>
    static string ContainsPattern(string text) =>
        "%" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";

    static string Truncate(string s) => s.Length > 30 ? s[..30] + "…" : s;

    public async Task<PagedResult<PersonListItem>> ListAsync(PeopleQuery q, CancellationToken ct)
    {
        var query = Query(q);
        var (page, size) = Paging.Normalise(q.Page, q.PageSize);
        int total;
        List<PersonRow> rows;
        if (IsTextSearch(q))
        {
            // A substring search cannot walk the sort index: read the matching ids in order with one scan, count them
            // and fetch the page's rows by key — rather than a counting scan plus a sorted scan for the page.
            var ids = await query.Select(p => p.Id).ToListAsync(ct);
            total = ids.Count;
            var pageIds = ids.Skip((page - 1) * size).Take(size).ToList();
            var position = pageIds.Select((id, i) => (id, i)).ToDictionary(x => x.id, x => x.i);
            rows = (await Project(db.People.AsNoTracking().Where(p => pageIds.Contains(p.Id))).ToListAsync(ct)).OrderBy(r => position[r.Id]).ToList();
        }
        else
        {
            total = await query.CountAsync(ct);
            rows = await Project(query.Skip((page - 1) * size).Take(size)).ToListAsync(ct);
        }
        var codes = await CodeBook.LoadAsync(db, ct);
        return new PagedResult<PersonListItem>(rows.Select(r => r.ToListItem(codes)).ToList(), total, page, size);
    }

    /// <summary>A search by name, initials or unit (not by a full ID number, which is one indexed lookup).</summary>
    bool IsTextSearch(PeopleQuery q) =>
        !string.IsNullOrWhiteSpace(q.Q) && !IdNumber.TryParse(q.Q.Trim(), ChinaTime.Today(clock), out _, out _);

    /// <summary>The columns a list or roster needs, in one query.</summary>
    public static IQueryable<PersonRow> Project(IQueryable<Person> q) => q.Select(p => new PersonRow(
        p.Id, p.Name, p.Kind, p.GenderCode, p.BirthDate, p.EthnicCode, p.PoliticalStatusCode, p.RegionCode, p.Unit != null ? p.Unit.Name : null,
        p.Community != null ? p.Community.Name : null, p.Post, p.Rank, p.Line, p.IdNumber, p.EducationCode, p.StaffStatus, p.PartyJoinDate, p.WorkStartDate, p.Phone));

    public async Task<PersonDetail> GetAsync(Guid id, CancellationToken ct)
    {
        RequireRegistryAccess();
        var person = await db.People.AsNoTracking().Include(p => p.Unit).Include(p => p.Community).Include(p => p.History)
            .FirstOrDefaultAsync(p => p.Id == id, ct) ?? throw new NotFoundException("该人员");
        return person.ToDetail(await CodeBook.LoadAsync(db, ct));
    }

    public async Task<PersonDetail> CreateAsync(PersonInput input, CancellationToken ct)
    {
        RequireRegistryAccess();
        var codes = await CodeBook.LoadAsync(db, ct);
        var valid = await validator.ValidateAsync(input, null, codes, ct);
        valid.Errors.ThrowIfAny();
        var person = valid.ToNewPerson();
        RecordHistory(person, null, valid.Unit?.Name);
        db.People.Add(person);
        await db.SaveChangesAsync(ct);
        return await GetAsync(person.Id, ct);
    }

    public async Task<PersonDetail> UpdateAsync(Guid id, PersonInput input, CancellationToken ct)
    {
        RequireRegistryAccess();
        var person = await db.People.Include(p => p.History).FirstOrDefaultAsync(p => p.Id == id, ct) ?? throw new NotFoundException("该人员");
        if (input.Version is { } v && v != person.Version)
            throw new DomainRuleException("该人员信息已被他人修改，请刷新后重新编辑。");
        var codes = await CodeBook.LoadAsync(db, ct);
        var valid = await validator.ValidateAsync(input, person.Id, codes, ct);
        valid.Errors.ThrowIfAny();
        var before = Snapshot.Of(person);
        valid.ApplyTo(person);
        RecordHistory(person, before, valid.Unit?.Name);
        await db.SaveChangesAsync(ct);
        return await GetAsync(person.Id, ct);
    }

    /// <summary>Returns the full ID number; needs a reveal role and a reason, and writes an audit row.</summary>
    public async Task<string> RevealAsync(Guid id, string? reason, CancellationToken ct)
    {
        RequireRegistryAccess();
        if (!user.Roles.Overlaps(Roles.MayReveal)) throw new ForbiddenException("您的角色不能查看完整身份证号码。");
        if (string.IsNullOrWhiteSpace(reason) || reason.Trim().Length < 2)
            throw new ValidationException("reason", "查看完整身份证号码须填写事由（至少 2 个字）。");
        if (reason.Length > 200) throw new ValidationException("reason", "事由不能超过 200 个字。");
        var person = await db.People.AsNoTracking().Where(p => p.Id == id).Select(p => new { p.Id, p.IdNumber }).FirstOrDefaultAsync(ct)
            ?? throw new NotFoundException("该人员");
        db.AuditEntries.Add(new AuditEntry
        {
            AtUtc = clock.GetUtcNow().UtcDateTime,
            UserId = user.Id,
            UserName = user.UserName,
            ClientAddress = user.ClientAddress,
            Event = AuditEvents.Reveal,
            ObjectType = nameof(Person),
            ObjectId = person.Id.ToString(),
            Detail = "事由：" + reason.Trim(),
        });
        await db.SaveChangesAsync(ct);
        return person.IdNumber.Value;
    }

    void RequireRegistryAccess()
    {
        if (!user.Roles.Overlaps(Roles.RegistryStaff) && user.ScopePath != "/")
            throw new ForbiddenException("您的角色不能查看人员信息。");
    }

    sealed record Snapshot(string? Post, string? Rank, string? Education, string? Degree, Guid? UnitId)
    {
        public static Snapshot Of(Person p) => new(p.Post, p.Rank, p.EducationCode, p.DegreeCode, p.UnitId);
    }

    /// <summary>Opens the first period of each post, rank, education, degree and unit of a new person (used by the import).</summary>
    internal void RecordOpeningHistory(Person p, string? unitName) => RecordHistory(p, null, unitName);

    /// <summary>Closes the open period and opens a new one for each of post, rank, education, degree and unit that changed.</summary>
    void RecordHistory(Person p, Snapshot? before, string? unitName)
    {
        var today = ChinaTime.Today(clock);
        var now = clock.GetUtcNow().UtcDateTime;
        void Track(HistoryField field, string? oldValue, string? newValue, string? shown = null)
        {
            if (before is not null && string.Equals(oldValue, newValue, StringComparison.Ordinal)) return;
            newValue = newValue is null ? null : shown ?? newValue;
            foreach (var open in p.History.Where(h => h.Field == field && h.To is null)) open.To = today;
            if (!string.IsNullOrWhiteSpace(newValue))
            {
                var period = new PersonHistory { PersonId = p.Id, Field = field, Value = newValue, From = today, RecordedAtUtc = now, RecordedBy = user.UserName };
                p.History.Add(period);
                // Added explicitly: its key is set in code, so change detection alone would take it for an existing row (UPDATE of nothing → 409).
                db.PersonHistory.Add(period);
            }
        }
        Track(HistoryField.Post, before?.Post, p.Post);
        Track(HistoryField.Rank, before?.Rank, p.Rank);
        Track(HistoryField.Education, before?.Education, p.EducationCode);
        Track(HistoryField.Degree, before?.Degree, p.DegreeCode);
        Track(HistoryField.Unit, before?.UnitId?.ToString(), p.UnitId?.ToString(), unitName);
    }
}
