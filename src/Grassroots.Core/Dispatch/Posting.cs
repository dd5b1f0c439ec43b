using Grassroots.People;
using Grassroots.Regions;

namespace Grassroots.Dispatch;

/// <summary>The role a stationed cadre holds in the village's work team (驻村工作队).</summary>
public enum PostingRole
{
    /// <summary>第一书记: leads the team.</summary>
    FirstSecretary = 1,
    /// <summary>工作队员.</summary>
    Member = 2,
}

public enum PostingStatus
{
    /// <summary>在岗: the term is running.</summary>
    Active = 1,
    /// <summary>期满或调整: the term has ended or the cadre was recalled.</summary>
    Ended = 2,
}

/// <summary>
/// A dispatch record (派驻, S-SEL-11): one cadre stationed in one village for a term. The village's team is its active
/// postings. A posting belongs to the village's node, so the county, township and village where the cadre is stationed
/// see the cadre even when the home unit is elsewhere (S-MNG-7); the dispatching unit's scope sees it through
/// <see cref="HomeRegionPath"/>.
/// </summary>
public sealed class Posting : IRegionScoped
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid PersonId { get; init; }
    public Person? Person { get; init; }
    public Guid VillageId { get; init; }
    public Village? Village { get; init; }
    public PostingRole Role { get; set; }
    /// <summary>Whether the cadre fills the team's local-language speaker place.</summary>
    public bool SpeakerPlace { get; set; }
    public DateOnly StartDate { get; set; }
    public DateOnly EndDate { get; set; }
    public PostingStatus Status { get; set; } = PostingStatus.Active;
    /// <summary>The selection round that dispatched the cadre, when the posting came from a published plan.</summary>
    public Guid? RoundId { get; init; }
    /// <summary>The published plan the posting came from.</summary>
    public Guid? PlanId { get; init; }
    /// <summary>The village's code (where the cadre is stationed).</summary>
    public required RegionCode VillageCode { get; init; }
    /// <summary>The village's region path: decides who sees the posting and, through it, the stationed cadre.</summary>
    public required string RegionPath { get; init; }
    /// <summary>The cadre's own region path at dispatch (their unit's node).</summary>
    public required string HomeRegionPath { get; init; }
    public DateTime CreatedAtUtc { get; init; }
    public string CreatedBy { get; init; } = "";
    public DateTime? EndedAtUtc { get; set; }
    public string? EndReason { get; set; }

    public static string RoleName(PostingRole role) => role switch
    {
        PostingRole.FirstSecretary => "第一书记",
        PostingRole.Member => "工作队员",
        _ => role.ToString(),
    };
}
