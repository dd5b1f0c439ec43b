namespace Grassroots.Matching;

/// <summary>The kind of slot a cadre fills in a village.</summary>
public enum SlotKind
{
    /// <summary>First secretary (第一书记), written <c>F</c>.</summary>
    FirstSecretary,
    /// <summary>Team member (工作队员), written <c>M</c>.</summary>
    Member,
    /// <summary>
    /// The team member who fills a village's speaker slot (语言翻译队员, a speaker of the local language), written <c>S</c>.
    /// It counts as a member slot.
    /// </summary>
    Speaker,
}

/// <summary>One cadre placed in one village.</summary>
/// <param name="CadreId">The cadre's identifier.</param>
/// <param name="VillageId">The village's identifier.</param>
/// <param name="Slot">First secretary or member.</param>
public sealed record Placement(string CadreId, string VillageId, SlotKind Slot);

/// <summary>
/// The lexicographic value of a plan: most first-secretary slots filled, then most slots filled (all kinds), then least
/// total cost. Compares so that the better plan is the greater.
/// </summary>
/// <param name="FirstSecretaries">First-secretary slots filled.</param>
/// <param name="Filled">Slots filled, first secretaries and members together.</param>
/// <param name="Cost">Total cost of the placements.</param>
public readonly record struct DispatchObjective(int FirstSecretaries, int Filled, long Cost) : IComparable<DispatchObjective>
{
    /// <summary>Positive when this objective is better than <paramref name="other"/>.</summary>
    public int CompareTo(DispatchObjective other)
    {
        var c = FirstSecretaries.CompareTo(other.FirstSecretaries);
        if (c != 0) return c;
        c = Filled.CompareTo(other.Filled);
        return c != 0 ? c : other.Cost.CompareTo(Cost);
    }

    /// <summary>The triple as <c>fs_filled,filled,cost</c>.</summary>
    public override string ToString() => FormattableString.Invariant($"{FirstSecretaries},{Filled},{Cost}");
}

/// <summary>A dispatch plan: which cadre goes to which village in which slot.</summary>
public sealed class DispatchPlan(IReadOnlyList<Placement> placements)
{
    /// <summary>The placements, in the order the plan lists them.</summary>
    public IReadOnlyList<Placement> Placements { get; } = placements;

    /// <summary>The plan's objective on <paramref name="instance"/> (identifiers must exist in the instance).</summary>
    public DispatchObjective Evaluate(DispatchInstance instance)
    {
        var cadres = Index(instance.Cadres.Select(c => c.Id));
        var villages = Index(instance.Villages.Select(v => v.Id));
        int fs = 0;
        long cost = 0;
        foreach (var p in Placements)
        {
            if (p.Slot == SlotKind.FirstSecretary) fs++;
            cost += instance.Cost(cadres[p.CadreId], villages[p.VillageId]);
        }
        return new DispatchObjective(fs, Placements.Count, cost);
    }

    static Dictionary<string, int> Index(IEnumerable<string> ids)
    {
        var map = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var id in ids) map[id] = map.Count;
        return map;
    }

    /// <summary>
    /// Writes one line per placement: <c>cadre id TAB village id TAB F|M</c>, the plan format of the standalone instance
    /// (the speaker slot is a member slot there: <c>M</c>).
    /// </summary>
    public void Write(TextWriter writer)
    {
        foreach (var p in Placements)
        {
            writer.Write(p.CadreId);
            writer.Write('\t');
            writer.Write(p.VillageId);
            writer.Write('\t');
            writer.Write(p.Slot == SlotKind.FirstSecretary ? 'F' : 'M');
            writer.Write('\n');
        }
    }
}
