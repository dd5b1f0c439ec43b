using Grassroots.People;

namespace Grassroots.Web.Components.Pages;

/// <summary>
/// What the person form posts: text as typed, so a bad value comes back to the clerk unchanged with its
/// message. Maps one-to-one onto <see cref="PersonInput"/>, whose validator decides.
/// </summary>
public sealed class PersonForm
{
    public string? Kind { get; set; } = "cadre";
    public string? Name { get; set; }
    public string? GenderCode { get; set; }
    public string? EthnicCode { get; set; }
    public DateOnly? BirthDate { get; set; }
    public string? IdNumber { get; set; }
    public string? PoliticalStatusCode { get; set; }
    public DateOnly? PartyJoinDate { get; set; }
    public DateOnly? WorkStartDate { get; set; }
    public string? EducationCode { get; set; }
    public string? DegreeCode { get; set; }
    public string? StaffStatus { get; set; } = nameof(Grassroots.People.StaffStatus.Established);
    public string? UnitId { get; set; }
    public string? CommunityId { get; set; }
    public string? Post { get; set; }
    public string? Rank { get; set; }
    public string? Line { get; set; } = nameof(CadreLine.Other);
    public string? Health { get; set; }
    public DateOnly? SanctionUntil { get; set; }
    public string? HomeCountyCode { get; set; }
    public string? Languages { get; set; }
    public string? Phone { get; set; }
    public string? Version { get; set; }

    /// <summary>Form values the service cannot read (a tampered id) are reported under the service's own keys.</summary>
    public PersonInput ToInput(Grassroots.Common.ValidationErrors errors) => new()
    {
        Kind = Kind,
        Name = Name,
        GenderCode = GenderCode,
        EthnicCode = EthnicCode,
        BirthDate = BirthDate,
        IdNumber = IdNumber,
        PoliticalStatusCode = PoliticalStatusCode,
        PartyJoinDate = PartyJoinDate,
        WorkStartDate = WorkStartDate,
        EducationCode = Empty(EducationCode),
        DegreeCode = Empty(DegreeCode),
        StaffStatus = StaffStatus,
        UnitId = ParseId(UnitId, "unitId", "所选单位无效。", errors),
        CommunityId = ParseId(CommunityId, "communityId", "所选社区无效。", errors),
        Post = Post,
        Rank = Rank,
        Line = Line,
        Health = Empty(Health),
        SanctionUntil = SanctionUntil,
        HomeCountyCode = Empty(HomeCountyCode),
        Languages = Languages,
        // An empty phone box means "no phone"; the service reads null as "keep the stored one".
        Phone = Phone ?? "",
        Version = Guid.TryParse(Version, out var v) ? v : null,
    };

    public static PersonForm From(PersonDetail d) => new()
    {
        Kind = d.Kind,
        Name = d.Name,
        GenderCode = d.GenderCode,
        EthnicCode = d.EthnicCode,
        BirthDate = d.BirthDate,
        IdNumber = d.IdNumber,
        PoliticalStatusCode = d.PoliticalStatusCode,
        PartyJoinDate = d.PartyJoinDate,
        WorkStartDate = d.WorkStartDate,
        EducationCode = d.EducationCode,
        DegreeCode = d.DegreeCode,
        StaffStatus = d.StaffStatus,
        UnitId = d.UnitId?.ToString(),
        CommunityId = d.CommunityId?.ToString(),
        Post = d.Post,
        Rank = d.Rank,
        Line = d.Line,
        Health = d.Health,
        SanctionUntil = d.SanctionUntil,
        HomeCountyCode = d.HomeCountyCode,
        Languages = d.Languages,
        Phone = d.Phone,
        Version = d.Version.ToString(),
    };

    /// <summary>The form field (property name) that shows a service error key such as <c>idNumber</c>.</summary>
    public static string FieldOf(string key) =>
        key.Length == 0 ? key : typeof(PersonForm).GetProperty(char.ToUpperInvariant(key[0]) + key[1..]) is { } prop ? prop.Name : "";

    static string? Empty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;

    static Guid? ParseId(string? s, string key, string message, Grassroots.Common.ValidationErrors errors)
    {
        if (string.IsNullOrWhiteSpace(s)) return null;
        if (Guid.TryParse(s, out var id)) return id;
        errors.Add(key, message);
        return null;
    }
}
