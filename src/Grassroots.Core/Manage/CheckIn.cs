using Grassroots.Audit;
using Grassroots.People;
using Grassroots.Regions;

namespace Grassroots.Manage;

/// <summary>Suspicious patterns a check-in is flagged for; an office reviews them (S-MNG-1).</summary>
[Flags]
public enum CheckInFlags
{
    None = 0,
    /// <summary>Too far from the cadre's previous or next check-in for the time between them.</summary>
    ImpossibleSpeed = 1,
    /// <summary>Exactly the coordinates of a check-in on another recent day.</summary>
    RepeatedPosition = 2,
    /// <summary>The phone reported an accuracy too poor to judge the fence.</summary>
    PoorAccuracy = 4,
}

public static class CheckInFlagNames
{
    public static readonly IReadOnlyList<(CheckInFlags Flag, string Key, string Name)> All =
    [
        (CheckInFlags.ImpossibleSpeed, "impossibleSpeed", "移动速度异常"),
        (CheckInFlags.RepeatedPosition, "repeatedPosition", "坐标逐日相同"),
        (CheckInFlags.PoorAccuracy, "poorAccuracy", "定位精度差"),
    ];

    /// <summary>The API names of the flags set, in a fixed order (e.g. <c>["impossibleSpeed","poorAccuracy"]</c>).</summary>
    public static string[] Keys(CheckInFlags flags) => [.. All.Where(f => flags.HasFlag(f.Flag)).Select(f => f.Key)];

    public static string Describe(CheckInFlags flags) =>
        flags == CheckInFlags.None ? "" : string.Join("、", All.Where(f => flags.HasFlag(f.Flag)).Select(f => f.Name));
}

/// <summary>
/// One daily check-in (签到) of a stationed cadre from a phone (S-MNG-1): the device time, the WGS-84 position and its
/// accuracy, whether it fell inside the village's fence, and the client-made key that makes a resend harmless. It
/// belongs to the village's node, so the village's township, county and prefecture see it (S-MNG-7).
/// </summary>
/// <remarks>
/// Rows are written only by <see cref="CheckInBatchWriter"/> (insert-or-return-existing on the unique
/// (<see cref="PersonId"/>, <see cref="ClientKey"/>) index); nothing but the review fields ever changes.
/// </remarks>
public sealed class CheckIn : IRegionScoped
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    /// <summary>The cadre, the posting and its village: one foreign key on all three (a check-in's cadre and village are
    /// always its posting's), checked once per row on the busiest insert.</summary>
    public Guid PersonId { get; init; }
    public Guid PostingId { get; init; }
    public Guid VillageId { get; init; }
    /// <summary>Made by the phone; unique per person. A resend with the same key returns the first answer.</summary>
    public required string ClientKey { get; init; }
    /// <summary>SHA-256 (hex) of the normalised payload: the same key with another payload is refused.</summary>
    public required string PayloadHash { get; init; }
    /// <summary>The device's time of the check-in (kept as sent, also for late uploads), UTC, to the millisecond.</summary>
    public DateTime AtUtc { get; init; }
    /// <summary>The business day of <see cref="AtUtc"/> in China Standard Time.</summary>
    public DateOnly Date { get; init; }
    public DateTime ReceivedAtUtc { get; init; }
    /// <summary>WGS-84 latitude; precise location (PIPL sensitive): masked in the audit trail.</summary>
    [Sensitive]
    public double? Latitude { get; init; }
    [Sensitive]
    public double? Longitude { get; init; }
    /// <summary>The accuracy the phone reported, in metres.</summary>
    public double Accuracy { get; init; }
    /// <summary>Distance from the village's position, whole metres.</summary>
    public int DistanceMetres { get; init; }
    public bool OnPost { get; init; }
    /// <summary>Uploaded well after the device time (from the phone's queue).</summary>
    public bool Late { get; init; }
    /// <summary>Why the cadre is away from the village; required off post.</summary>
    public string? Reason { get; init; }
    public CheckInFlags Flags { get; init; }
    /// <summary>The village's region path.</summary>
    public required string RegionPath { get; init; }
    public DateTime? ReviewedAtUtc { get; set; }
    public string? ReviewedBy { get; set; }
    public string? ReviewNote { get; set; }
}

/// <summary>The answer to a check-in, the same for the first request and every resend of its key.</summary>
/// <param name="Id">The check-in's id.</param>
/// <param name="At">The device time as stored (UTC).</param>
/// <param name="OnPost">Inside the village's fence.</param>
/// <param name="Late">Uploaded late from the phone's queue.</param>
/// <param name="Flags">Suspicious patterns found (<c>impossibleSpeed</c>, <c>repeatedPosition</c>, <c>poorAccuracy</c>).</param>
/// <param name="DistanceMetres">Distance from the village, metres.</param>
public sealed record CheckInAnswer(Guid Id, DateTime At, bool OnPost, bool Late, string[] Flags, int DistanceMetres)
{
    public static CheckInAnswer From(CheckIn c) =>
        new(c.Id, DateTime.SpecifyKind(c.AtUtc, DateTimeKind.Utc), c.OnPost, c.Late, CheckInFlagNames.Keys(c.Flags), c.DistanceMetres);
}
