using Grassroots.Codes;
using Grassroots.Regions;

namespace Grassroots.People;

/// <summary>The columns of a list row or roster line, read in one query.</summary>
public sealed record PersonRow(
    Guid Id, string Name, PersonKind Kind, string GenderCode, DateOnly BirthDate, string EthnicCode, string PoliticalStatusCode,
    RegionCode RegionCode, string? UnitName, string? CommunityName, string? Post, string? Rank, CadreLine Line, IdNumber IdNumber,
    string? EducationCode, StaffStatus StaffStatus, DateOnly? PartyJoinDate, DateOnly? WorkStartDate, string? Phone)
{
    public PersonListItem ToListItem(CodeBook codes) => new(
        Id, Name, KindKey(Kind), PersonNames.Kind(Kind), codes.NameOf(CodeTables.Gender, GenderCode), BirthDate,
        codes.NameOf(CodeTables.Ethnic, EthnicCode), PoliticalName(codes, PoliticalStatusCode), RegionCode.Value, PersonMapping.RegionName(RegionCode),
        UnitName, CommunityName, Post, Rank, PersonNames.Line(Line), IdNumber.Masked);

    internal static string PoliticalName(CodeBook codes, string code) => codes.Find(CodeTables.Political, code) is { } e ? e.ShortName ?? e.Name : code;

    public static string KindKey(PersonKind k) => k == PersonKind.Cadre ? "cadre" : "communityWorker";
}

public static class PersonMapping
{
    /// <summary>
    /// The region's name with its county and township for orientation (普兰县 普兰镇 吉让居委会); a prefecture or
    /// province by its own name; an unknown code as the code.
    /// </summary>
    public static string RegionName(RegionCode code)
    {
        var catalog = RegionCatalog.Embedded;
        var r = catalog.Find(code.Value);
        if (r is null) return code.Value;
        if (r.Level < RegionLevel.County) return r.Name;
        var names = new List<string>();
        for (var n = r; n is not null && n.Level >= RegionLevel.County; n = n.ParentCode is { } pc ? catalog.Find(pc.Value) : null)
            names.Insert(0, n.Name);
        return string.Join(" ", names);
    }

    public static PersonDetail ToDetail(this Person p, CodeBook codes) => new()
    {
        Id = p.Id,
        Kind = PersonRow.KindKey(p.Kind),
        KindName = PersonNames.Kind(p.Kind),
        Name = p.Name,
        GenderCode = p.GenderCode,
        GenderName = codes.NameOf(CodeTables.Gender, p.GenderCode),
        EthnicCode = p.EthnicCode,
        EthnicName = codes.NameOf(CodeTables.Ethnic, p.EthnicCode),
        BirthDate = p.BirthDate,
        IdNumber = p.IdNumber.Masked,
        PoliticalStatusCode = p.PoliticalStatusCode,
        PoliticalStatusName = PersonRow.PoliticalName(codes, p.PoliticalStatusCode),
        PartyJoinDate = p.PartyJoinDate,
        WorkStartDate = p.WorkStartDate,
        EducationCode = p.EducationCode,
        EducationName = p.EducationCode is null ? null : codes.NameOf(CodeTables.Education, p.EducationCode),
        DegreeCode = p.DegreeCode,
        DegreeName = p.DegreeCode is null ? null : codes.NameOf(CodeTables.Degree, p.DegreeCode),
        StaffStatus = p.StaffStatus.ToString(),
        StaffStatusName = PersonNames.Staff(p.StaffStatus),
        UnitId = p.UnitId,
        UnitName = p.Unit?.Name,
        CommunityId = p.CommunityId,
        CommunityName = p.Community?.Name,
        Post = p.Post,
        Rank = p.Rank,
        Line = p.Line.ToString(),
        LineName = PersonNames.Line(p.Line),
        Health = p.Health?.ToString(),
        HealthName = PersonNames.Health(p.Health),
        SanctionUntil = p.SanctionUntil,
        HomeCountyCode = p.HomeCountyCode?.Value,
        HomeCountyName = p.HomeCountyCode is { } h ? RegionName(h) : null,
        Languages = p.Languages,
        Phone = MaskPhone(p.Phone),
        RegionCode = p.RegionCode.Value,
        RegionName = RegionName(p.RegionCode),
        UpdatedAtUtc = p.UpdatedAtUtc,
        Version = p.Version,
        History = p.History.OrderBy(h => h.Field).ThenByDescending(h => h.From).ThenByDescending(h => h.RecordedAtUtc)
            .Select(h => new PersonHistoryDto(h.Field.ToString(), PersonHistory.FieldName(h.Field), h.Field switch
            {
                HistoryField.Education => codes.NameOf(CodeTables.Education, h.Value),
                HistoryField.Degree => codes.NameOf(CodeTables.Degree, h.Value),
                _ => h.Value,
            }, h.From, h.To, h.RecordedAtUtc, h.RecordedBy))
            .ToList(),
    };

    /// <summary>Phones are masked by default: 138****1234.</summary>
    public static string? MaskPhone(string? phone) =>
        string.IsNullOrEmpty(phone) ? phone : phone.Length >= 7 ? phone[..3] + new string('*', phone.Length - 7) + phone[^4..] : new string('*', phone.Length);
}
