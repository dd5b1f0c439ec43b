namespace Grassroots.People;

/// <summary>
/// What a client may set on a person (create and update). A dedicated record: the region a person belongs to
/// is derived from the unit or community, and anything else a client sends (scope, owner, status) is not here.
/// </summary>
public sealed record PersonInput
{
    public string? Kind { get; init; }
    public string? Name { get; init; }
    public string? GenderCode { get; init; }
    public string? EthnicCode { get; init; }
    public DateOnly? BirthDate { get; init; }
    public string? IdNumber { get; init; }
    public string? PoliticalStatusCode { get; init; }
    public DateOnly? PartyJoinDate { get; init; }
    public DateOnly? WorkStartDate { get; init; }
    public string? EducationCode { get; init; }
    public string? DegreeCode { get; init; }
    public string? StaffStatus { get; init; }
    public Guid? UnitId { get; init; }
    public Guid? CommunityId { get; init; }
    public string? Post { get; init; }
    public string? Rank { get; init; }
    public string? Line { get; init; }
    public string? Health { get; init; }
    /// <summary>Last day of a disciplinary sanction's period of influence (处分影响期); empty when none is recorded.</summary>
    public DateOnly? SanctionUntil { get; init; }
    public string? HomeCountyCode { get; init; }
    public string? Languages { get; init; }
    public string? Phone { get; init; }
    /// <summary>On update: the version the client read; a stale version is a conflict (409).</summary>
    public Guid? Version { get; init; }
}

/// <summary>One row of the people list. The ID number is always masked.</summary>
public sealed record PersonListItem(
    Guid Id,
    string Name,
    string Kind,
    string KindName,
    string GenderName,
    DateOnly BirthDate,
    string EthnicName,
    string PoliticalStatusName,
    string RegionCode,
    string RegionName,
    string? UnitName,
    string? CommunityName,
    string? Post,
    string? Rank,
    string LineName,
    string IdNumber);

public sealed record PersonHistoryDto(string Field, string FieldName, string Value, DateOnly? From, DateOnly? To, DateTime RecordedAtUtc, string RecordedBy);

/// <summary>A person's record as shown on the detail page and returned by the API (ID number masked).</summary>
public sealed record PersonDetail
{
    public required Guid Id { get; init; }
    public required string Kind { get; init; }
    public required string KindName { get; init; }
    public required string Name { get; init; }
    public required string GenderCode { get; init; }
    public required string GenderName { get; init; }
    public required string EthnicCode { get; init; }
    public required string EthnicName { get; init; }
    public required DateOnly BirthDate { get; init; }
    public required string IdNumber { get; init; }
    public required string PoliticalStatusCode { get; init; }
    public required string PoliticalStatusName { get; init; }
    public DateOnly? PartyJoinDate { get; init; }
    public DateOnly? WorkStartDate { get; init; }
    public string? EducationCode { get; init; }
    public string? EducationName { get; init; }
    public string? DegreeCode { get; init; }
    public string? DegreeName { get; init; }
    public required string StaffStatus { get; init; }
    public required string StaffStatusName { get; init; }
    public Guid? UnitId { get; init; }
    public string? UnitName { get; init; }
    public Guid? CommunityId { get; init; }
    public string? CommunityName { get; init; }
    public string? Post { get; init; }
    public string? Rank { get; init; }
    public required string Line { get; init; }
    public required string LineName { get; init; }
    public string? Health { get; init; }
    public required string HealthName { get; init; }
    public DateOnly? SanctionUntil { get; init; }
    public string? HomeCountyCode { get; init; }
    public string? HomeCountyName { get; init; }
    public required string Languages { get; init; }
    public string? Phone { get; init; }
    public required string RegionCode { get; init; }
    public required string RegionName { get; init; }
    public required DateTime UpdatedAtUtc { get; init; }
    public required Guid Version { get; init; }
    public required IReadOnlyList<PersonHistoryDto> History { get; init; }
}

/// <summary>Filters of the people list, the roster export and the CLI export: one definition for all three.</summary>
public sealed record PeopleQuery
{
    public string? Q { get; init; }
    public string? Region { get; init; }
    public string? Kind { get; init; }
    public Guid? UnitId { get; init; }
    public string? Line { get; init; }
    /// <summary>One of <see cref="PeopleService.SortKeys"/>; default is surname strokes.</summary>
    public string? Sort { get; init; }
    public int? Page { get; init; }
    public int? PageSize { get; init; }
}
