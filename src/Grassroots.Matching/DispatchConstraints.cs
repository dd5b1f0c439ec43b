namespace Grassroots.Matching;

/// <summary>A placement staff have fixed (锁定): the cadre stays in this village in this slot whatever else changes.</summary>
/// <param name="CadreId">The cadre's identifier.</param>
/// <param name="VillageId">The village's identifier.</param>
/// <param name="Slot">First secretary, member, or the speaker member slot.</param>
public sealed record DispatchLock(string CadreId, string VillageId, SlotKind Slot);

/// <summary>A cadre–village pair the planner must not use (for a move, or to find the best alternative to a placement).</summary>
/// <param name="CadreId">The cadre's identifier.</param>
/// <param name="VillageId">The village's identifier.</param>
public sealed record ForbiddenPair(string CadreId, string VillageId);

/// <summary>What staff impose on a re-solve: locked placements and forbidden pairs.</summary>
/// <param name="Locks">Placements kept exactly as given; the rest of the plan is optimised around them.</param>
/// <param name="Forbidden">Pairs the plan must not contain.</param>
public sealed record DispatchConstraints(IReadOnlyList<DispatchLock> Locks, IReadOnlyList<ForbiddenPair> Forbidden)
{
    /// <summary>No locks and no forbidden pairs.</summary>
    public static DispatchConstraints None { get; } = new([], []);
}
