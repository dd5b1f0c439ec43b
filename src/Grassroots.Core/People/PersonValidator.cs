using System.Text.RegularExpressions;
using Grassroots.Codes;
using Grassroots.Common;
using Grassroots.Data;
using Grassroots.Regions;
using Grassroots.Security;
using Microsoft.EntityFrameworkCore;

namespace Grassroots.People;

/// <summary>
/// Checks a <see cref="PersonInput"/> against the rules of S-REG-5 and resolves it to typed values. Used by the
/// pages, the API and the spreadsheet import alike, so a rule holds wherever a person enters.
/// </summary>
/// <remarks>
/// The ID number must pass GB 11643, and its birth date and gender digit must agree with the birth date and
/// gender given. The person's region is never taken from the input: it is the unit's region (or the community's
/// for community workers), and that must lie inside the user's scope. On update, a null or still-masked ID
/// number and a null phone keep the stored values.
/// </remarks>
public sealed partial class PersonValidator(GrassrootsDb db, CurrentUser user, TimeProvider clock)
{
    [GeneratedRegex(@"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")]
    private static partial Regex PhonePattern();

    /// <summary>The lookups an import resolves once for all its rows.</summary>
    public sealed class Lookups
    {
        public required CodeBook Codes { get; init; }
        public required Dictionary<Guid, Unit> Units { get; init; }
        public required Dictionary<Guid, Community> Communities { get; init; }
    }

    public async Task<Lookups> LoadLookupsAsync(CodeBook codes, CancellationToken ct) => new()
    {
        Codes = codes,
        Units = await db.Units.AsNoTracking().ToDictionaryAsync(u => u.Id, ct),
        Communities = await db.Communities.AsNoTracking().ToDictionaryAsync(c => c.Id, ct),
    };

    public async Task<ValidPerson> ValidateAsync(PersonInput input, Guid? existingId, CodeBook codes, CancellationToken ct)
    {
        var lookups = await LoadLookupsAsync(codes, ct);
        var valid = Validate(input, existingId is null ? null : await db.People.AsNoTracking().FirstAsync(p => p.Id == existingId, ct), lookups);
        if (valid.IdNumber is { } id && !valid.Errors.Any)
        {
            var value = id.Value;
            var taken = await db.People.IgnoreQueryFilters().AnyAsync(p => p.IdNumber == IdNumber.FromTrusted(value) && p.Id != (existingId ?? Guid.Empty), ct);
            if (taken) valid.Errors.Add("idNumber", "该身份证号码已登记，不能重复录入。");
        }
        return valid;
    }

    /// <summary>Checks everything that needs no further database access; the caller checks ID uniqueness.</summary>
    public ValidPerson Validate(PersonInput input, Person? existing, Lookups lookups)
    {
        var codes = lookups.Codes;
        var errors = new ValidationErrors();
        var today = ChinaTime.Today(clock);
        var v = new ValidPerson { Errors = errors };

        if (string.IsNullOrWhiteSpace(input.Kind)) v.Kind = existing?.Kind ?? PersonKind.Cadre;
        else if (PersonNames.TryParseKind(input.Kind, out var kind)) v.Kind = kind;
        else errors.Add("kind", $"人员类别“{input.Kind}”无效，应为“驻村干部”或“社区工作者”。");

        var name = input.Name?.Trim() ?? "";
        if (name.Length == 0) errors.Add("name", "姓名不能为空。");
        else if (name.Length > 50) errors.Add("name", "姓名不能超过 50 个字。");
        else if (name.Any(char.IsControl)) errors.Add("name", "姓名含有不可见的控制字符。");
        v.Name = name;

        // ID number: keep the stored one when the client sends nothing or the masked form back.
        if (existing is not null && (string.IsNullOrWhiteSpace(input.IdNumber) || input.IdNumber.Trim() == existing.IdNumber.Masked))
            v.IdNumber = existing.IdNumber;
        else if (IdNumber.TryParse(input.IdNumber, today, out var id, out var idError)) v.IdNumber = id;
        else errors.Add("idNumber", idError!);

        if (input.BirthDate is not { } birth) errors.Add("birthDate", "出生日期不能为空。");
        else
        {
            v.BirthDate = birth;
            if (v.IdNumber is { } idn && idn.BirthDate != birth)
                errors.Add("birthDate", $"出生日期 {birth:yyyy-MM-dd} 与身份证号码中的出生日期 {idn.BirthDate:yyyy-MM-dd} 不一致。");
        }

        var gender = codes.FindByCodeOrName(CodeTables.Gender, input.GenderCode);
        if (gender is null) errors.Add("genderCode", string.IsNullOrWhiteSpace(input.GenderCode) ? "性别不能为空。" : $"性别代码“{input.GenderCode}”不在 GB/T 2261.1 中。");
        else
        {
            v.GenderCode = gender.Code;
            if (v.IdNumber is { } idn && gender.Code is "1" or "2" && idn.GenderCode != gender.Code)
                errors.Add("genderCode", $"性别“{gender.Name}”与身份证号码第 17 位（{(idn.GenderCode == "1" ? "奇数为男" : "偶数为女")}）不一致。");
        }

        v.EthnicCode = RequiredCode(CodeTables.Ethnic, input.EthnicCode, "ethnicCode", "民族");
        v.PoliticalStatusCode = RequiredCode(CodeTables.Political, input.PoliticalStatusCode, "politicalStatusCode", "政治面貌");
        v.EducationCode = OptionalCode(CodeTables.Education, input.EducationCode, "educationCode", "学历");
        v.DegreeCode = OptionalCode(CodeTables.Degree, input.DegreeCode, "degreeCode", "学位");

        v.PartyJoinDate = input.PartyJoinDate;
        if (input.PartyJoinDate is { } joined)
        {
            if (v.PoliticalStatusCode is { } ps && !CodeTables.PartyMember.Contains(ps))
                errors.Add("partyJoinDate", "政治面貌不是中共党员（含预备党员），不应填写入党时间。");
            else if (joined > today) errors.Add("partyJoinDate", "入党时间不能晚于今天。");
            else if (v.BirthDate is { } b && joined < b.AddYears(18)) errors.Add("partyJoinDate", "入党时间应在年满 18 周岁之后。");
        }
        v.WorkStartDate = input.WorkStartDate;
        if (input.WorkStartDate is { } started)
        {
            if (started > today) errors.Add("workStartDate", "参加工作时间不能晚于今天。");
            else if (v.BirthDate is { } b && started < b.AddYears(16)) errors.Add("workStartDate", "参加工作时间应在年满 16 周岁之后。");
        }

        if (string.IsNullOrWhiteSpace(input.StaffStatus)) v.StaffStatus = existing?.StaffStatus ?? StaffStatus.Established;
        else if (PersonNames.TryParseStaff(input.StaffStatus, out var staff)) v.StaffStatus = staff;
        else errors.Add("staffStatus", $"编制情况“{input.StaffStatus}”无效，应为在编、编外或试用期。");

        if (string.IsNullOrWhiteSpace(input.Line)) v.Line = existing?.Line ?? CadreLine.Other;
        else if (PersonNames.TryParseLine(input.Line, out var line)) v.Line = line;
        else errors.Add("line", $"条线“{input.Line}”无效，应为党群、经济、政法、农牧、科技或其他。");

        if (string.IsNullOrWhiteSpace(input.Health)) v.Health = null;
        else if (PersonNames.TryParseHealth(input.Health, out var health)) v.Health = health;
        else errors.Add("health", $"身体状况“{input.Health}”无效。");

        v.SanctionUntil = input.SanctionUntil;
        if (input.SanctionUntil is { } sanction && v.BirthDate is { } born && sanction < born.AddYears(16))
            errors.Add("sanctionUntil", "处分影响期截止日期应在年满 16 周岁之后。");

        if (!string.IsNullOrWhiteSpace(input.HomeCountyCode))
        {
            if (!RegionCode.TryParse(input.HomeCountyCode, out var home, out var err)) errors.Add("homeCountyCode", err!);
            else if (home.Value.Value.Length != 6) errors.Add("homeCountyCode", "籍贯县应填写 6 位县级区划代码。");
            else v.HomeCountyCode = home;
        }

        v.Post = Text(input.Post, 100, "post", "职务");
        v.Rank = Text(input.Rank, 50, "rank", "职级");
        v.Languages = Text(input.Languages, 100, "languages", "掌握语言") ?? "";

        if (existing is not null && input.Phone is null) v.Phone = existing.Phone;
        else if (string.IsNullOrWhiteSpace(input.Phone)) v.Phone = null;
        else
        {
            var phone = input.Phone.Trim().Replace(" ", "", StringComparison.Ordinal);
            if (existing?.Phone is { } old && phone == PersonMapping.MaskPhone(old)) v.Phone = old;
            else if (!PhonePattern().IsMatch(phone)) errors.Add("phone", "联系电话应为 11 位手机号码或带区号的固定电话。");
            else v.Phone = phone;
        }

        // Where the person belongs: the unit's region, or the community's for community workers. Never the request's.
        if (input.UnitId is { } unitId)
        {
            if (lookups.Units.TryGetValue(unitId, out var unit)) { v.Unit = unit; v.RegionCode = unit.RegionCode; v.RegionPath = unit.RegionPath; }
            else errors.Add("unitId", "所选单位不存在或不在您的管辖范围内。");
        }
        if (input.CommunityId is { } communityId)
        {
            if (lookups.Communities.TryGetValue(communityId, out var community)) { v.Community = community; v.RegionCode = community.Code; v.RegionPath = community.RegionPath; }
            else errors.Add("communityId", "所选社区不存在或不在您的管辖范围内。");
        }
        if (v.Kind == PersonKind.CommunityWorker && input.CommunityId is null && !errors.ToDictionary().ContainsKey("communityId"))
            errors.Add("communityId", "社区工作者须选择所在社区。");
        if (v.Kind == PersonKind.Cadre && input.UnitId is null && !errors.ToDictionary().ContainsKey("unitId"))
            errors.Add("unitId", "驻村干部须选择工作单位。");
        if (v.RegionPath is { } path && !path.StartsWith(user.ScopePath, StringComparison.Ordinal))
            errors.Add(v.Community is not null ? "communityId" : "unitId", "所选单位不在您的管辖范围内。");

        return v;

        string? RequiredCode(string table, string? code, string field, string title)
        {
            if (string.IsNullOrWhiteSpace(code)) { errors.Add(field, $"{title}不能为空。"); return null; }
            return OptionalCode(table, code, field, title);
        }

        string? OptionalCode(string table, string? code, string field, string title)
        {
            if (string.IsNullOrWhiteSpace(code)) return null;
            var e = codes.FindByCodeOrName(table, code);
            if (e is null) { errors.Add(field, $"{title}“{code}”不在代码表 {table} 中。"); return null; }
            if (!e.IsSelectable) { errors.Add(field, $"{title}“{e.Name}”是分类标题，请选择具体项目。"); return null; }
            if ((e.ValidFrom is { } from && from > today) || (e.ValidTo is { } to && to < today)) { errors.Add(field, $"{title}“{e.Name}”已停用。"); return null; }
            return e.Code;
        }

        string? Text(string? s, int max, string field, string title)
        {
            if (string.IsNullOrWhiteSpace(s)) return null;
            s = s.Trim();
            if (s.Length > max) { errors.Add(field, $"{title}不能超过 {max} 个字。"); return null; }
            if (s.Any(char.IsControl)) { errors.Add(field, $"{title}含有不可见的控制字符。"); return null; }
            return s;
        }
    }
}

/// <summary>A validated person input, resolved to typed values. Only meaningful when <see cref="Errors"/> is empty.</summary>
public sealed class ValidPerson
{
    public required ValidationErrors Errors { get; init; }
    public PersonKind Kind { get; set; }
    public string Name { get; set; } = "";
    public IdNumber? IdNumber { get; set; }
    public DateOnly? BirthDate { get; set; }
    public string? GenderCode { get; set; }
    public string? EthnicCode { get; set; }
    public string? PoliticalStatusCode { get; set; }
    public DateOnly? PartyJoinDate { get; set; }
    public DateOnly? WorkStartDate { get; set; }
    public string? EducationCode { get; set; }
    public string? DegreeCode { get; set; }
    public StaffStatus StaffStatus { get; set; }
    public CadreLine Line { get; set; }
    public HealthStatus? Health { get; set; }
    public DateOnly? SanctionUntil { get; set; }
    public RegionCode? HomeCountyCode { get; set; }
    public string? Post { get; set; }
    public string? Rank { get; set; }
    public string Languages { get; set; } = "";
    public string? Phone { get; set; }
    public Unit? Unit { get; set; }
    public Community? Community { get; set; }
    public RegionCode? RegionCode { get; set; }
    public string? RegionPath { get; set; }

    public Person ToNewPerson()
    {
        var p = new Person
        {
            Name = Name,
            GenderCode = GenderCode!,
            EthnicCode = EthnicCode!,
            IdNumber = IdNumber!.Value,
            PoliticalStatusCode = PoliticalStatusCode!,
            RegionCode = RegionCode!.Value,
            RegionPath = RegionPath!,
        };
        ApplyTo(p);
        return p;
    }

    public void ApplyTo(Person p)
    {
        p.Kind = Kind;
        p.Name = Name;
        p.NameSortKey = ChineseText.StrokeSortKey(Name);
        p.NameInitials = ChineseText.PinyinInitials(Name);
        p.GenderCode = GenderCode!;
        p.EthnicCode = EthnicCode!;
        p.BirthDate = BirthDate!.Value;
        p.IdNumber = IdNumber!.Value;
        p.PoliticalStatusCode = PoliticalStatusCode!;
        p.PartyJoinDate = PartyJoinDate;
        p.WorkStartDate = WorkStartDate;
        p.EducationCode = EducationCode;
        p.DegreeCode = DegreeCode;
        p.StaffStatus = StaffStatus;
        p.Line = Line;
        p.Health = Health;
        p.SanctionUntil = SanctionUntil;
        p.HomeCountyCode = HomeCountyCode;
        p.Post = Post;
        p.Rank = Rank;
        p.Languages = Languages;
        p.Phone = Phone;
        p.UnitId = Unit?.Id;
        p.CommunityId = Community?.Id;
        p.RegionCode = RegionCode!.Value;
        p.RegionPath = RegionPath!;
    }
}
