namespace Grassroots.Matching;

/// <summary>The line of work (条线) a cadre belongs to and a village's needs fit.</summary>
public enum WorkLine
{
    /// <summary>Party and mass work (党群), written <c>party</c>.</summary>
    Party,
    /// <summary>Economic work (经济), written <c>economic</c>.</summary>
    Economic,
    /// <summary>Political and legal work (政法), written <c>legal</c>.</summary>
    Legal,
    /// <summary>Agriculture and animal husbandry (农牧), written <c>agri</c>.</summary>
    Agri,
    /// <summary>Science and technology (科技), written <c>tech</c>.</summary>
    Tech,
    /// <summary>Any other line (其他), written <c>other</c>: cadres only; such a cadre always pays the mismatch penalty.</summary>
    Other,
}

/// <summary>A village to be staffed: one first-secretary slot plus <see cref="Members"/> member slots.</summary>
/// <param name="Id">The village's identifier in the instance.</param>
/// <param name="Region">The dispatch region; only cadres whose unit is in the same region may serve here.</param>
/// <param name="County">The village's county; cadres whose unit is in this county may not serve here (avoidance).</param>
/// <param name="Line">The line the village's needs fit; a cadre of another line costs the mismatch penalty.</param>
/// <param name="Latitude">Latitude in degrees.</param>
/// <param name="Longitude">Longitude in degrees.</param>
/// <param name="Members">Number of member (工作队员) slots, at least 1.</param>
/// <param name="NeedsSpeaker">When true, one of the member slots may only be filled by a speaker of the local language.</param>
public sealed record DispatchVillage(string Id, string Region, string County, WorkLine Line, double Latitude, double Longitude, int Members, bool NeedsSpeaker);

/// <summary>A dispatching unit (派出单位): where its cadres come from.</summary>
/// <param name="Id">The unit's identifier in the instance.</param>
/// <param name="Region">The dispatch region the unit sends cadres to.</param>
/// <param name="County">The unit's county (its cadres avoid villages there).</param>
/// <param name="Latitude">Latitude in degrees.</param>
/// <param name="Longitude">Longitude in degrees.</param>
public sealed record DispatchUnit(string Id, string Region, string County, double Latitude, double Longitude);

/// <summary>A cadre available for dispatch.</summary>
/// <param name="Id">The cadre's identifier in the instance.</param>
/// <param name="UnitId">The dispatching unit's identifier.</param>
/// <param name="Line">The cadre's line.</param>
/// <param name="FirstSecretaryEligible">Whether the cadre may be a first secretary (第一书记).</param>
/// <param name="Speaker">Whether the cadre speaks the local language.</param>
public sealed record DispatchCadre(string Id, string UnitId, WorkLine Line, bool FirstSecretaryEligible, bool Speaker);

/// <summary>
/// A dispatch planning problem: villages with slots, dispatching units, cadres, and the cost rates. Cadres and villages
/// are addressed by position (index) in <see cref="Cadres"/> and <see cref="Villages"/>.
/// </summary>
public sealed class DispatchInstance
{
    readonly int[] unitOfCadre;

    /// <summary>Creates an instance and checks its references.</summary>
    /// <exception cref="ArgumentException">Duplicate identifiers, a cadre of an unknown unit, a village with fewer than one member slot, or a negative rate.</exception>
    public DispatchInstance(int mismatchCost, int perKmCost, IReadOnlyList<DispatchVillage> villages, IReadOnlyList<DispatchUnit> units, IReadOnlyList<DispatchCadre> cadres)
    {
        if (mismatchCost < 0) throw new ArgumentException("条线不符的代价不能为负数。", nameof(mismatchCost));
        if (perKmCost < 0) throw new ArgumentException("每公里代价不能为负数。", nameof(perKmCost));
        MismatchCost = mismatchCost;
        PerKmCost = perKmCost;
        Villages = villages;
        Units = units;
        Cadres = cadres;
        RequireUnique(villages.Select(v => v.Id), "村");
        RequireUnique(units.Select(u => u.Id), "派出单位");
        RequireUnique(cadres.Select(c => c.Id), "干部");
        foreach (var v in villages)
        {
            if (v.Members < 1) throw new ArgumentException($"村 {v.Id} 的队员名额至少为 1。", nameof(villages));
            if (v.Line == WorkLine.Other) throw new ArgumentException($"村 {v.Id} 的条线不能为 other（其他），村的需求必须对应一个具体条线。", nameof(villages));
        }
        var unitIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < units.Count; i++) unitIndex[units[i].Id] = i;
        unitOfCadre = new int[cadres.Count];
        for (var i = 0; i < cadres.Count; i++)
        {
            unitOfCadre[i] = unitIndex.TryGetValue(cadres[i].UnitId, out var u)
                ? u
                : throw new ArgumentException($"干部 {cadres[i].Id} 的派出单位 {cadres[i].UnitId} 不在单位列表中。", nameof(cadres));
        }
    }

    static void RequireUnique(IEnumerable<string> ids, string what)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in ids)
        {
            if (!seen.Add(id)) throw new ArgumentException($"{what}编号 {id} 重复。");
        }
    }

    /// <summary>Penalty when a cadre's line differs from the line the village fits.</summary>
    public int MismatchCost { get; }

    /// <summary>Cost per kilometre between the cadre's unit and the village (great-circle distance).</summary>
    public int PerKmCost { get; }

    /// <summary>The villages, in file order.</summary>
    public IReadOnlyList<DispatchVillage> Villages { get; }

    /// <summary>The dispatching units, in file order.</summary>
    public IReadOnlyList<DispatchUnit> Units { get; }

    /// <summary>The cadres, in file order.</summary>
    public IReadOnlyList<DispatchCadre> Cadres { get; }

    /// <summary>Total number of slots: per village one first secretary plus its member slots.</summary>
    public int TotalSlots => Villages.Sum(v => 1 + v.Members);

    /// <summary>The dispatching unit of the cadre at <paramref name="cadre"/>.</summary>
    public DispatchUnit UnitOf(int cadre) => Units[unitOfCadre[cadre]];

    /// <summary>The position in <see cref="Units"/> of the cadre's dispatching unit.</summary>
    public int UnitIndexOf(int cadre) => unitOfCadre[cadre];

    /// <summary>Whether a cadre of <paramref name="cadreLine"/> pays the mismatch penalty in a village of <paramref name="villageLine"/>.</summary>
    public static bool Mismatches(WorkLine cadreLine, WorkLine villageLine) => cadreLine == WorkLine.Other || cadreLine != villageLine;

    /// <summary>
    /// The distance part of the cost from a unit to a village: the per-kilometre rate times the great-circle distance,
    /// rounded half away from zero. <see cref="Cost"/> is this plus the mismatch penalty when the lines differ.
    /// </summary>
    public long DistanceCost(int unit, int village)
    {
        var u = Units[unit];
        var v = Villages[village];
        return RoundHalfAwayFromZero(PerKmCost * Haversine.Kilometres(u.Latitude, u.Longitude, v.Latitude, v.Longitude));
    }

    /// <summary>
    /// Whether the cadre may serve in the village at all: the village is in the unit's dispatch region and not in the
    /// unit's county.
    /// </summary>
    public bool IsAllowed(int cadre, int village)
    {
        var unit = UnitOf(cadre);
        var v = Villages[village];
        return string.Equals(unit.Region, v.Region, StringComparison.Ordinal) && !string.Equals(unit.County, v.County, StringComparison.Ordinal);
    }

    /// <summary>
    /// The cost of placing the cadre in the village: the mismatch penalty when the lines differ, plus the per-kilometre
    /// rate times the great-circle distance from the unit to the village, rounded half away from zero.
    /// </summary>
    public long Cost(int cadre, int village)
    {
        var mismatch = Mismatches(Cadres[cadre].Line, Villages[village].Line) ? MismatchCost : 0L;
        return mismatch + DistanceCost(unitOfCadre[cadre], village);
    }

    /// <summary>Rounds to the nearest integer, halves away from zero (2.5 → 3, −2.5 → −3), as the cost rule requires.</summary>
    public static long RoundHalfAwayFromZero(double value) => checked((long)Math.Round(value, MidpointRounding.AwayFromZero));

    /// <summary>Writes the instance in the <c>grassroots-dispatch 1</c> text format (coordinates round-trip exactly).</summary>
    public void Write(TextWriter writer)
    {
        static string Line(WorkLine line) => line switch
        {
            WorkLine.Party => "party",
            WorkLine.Economic => "economic",
            WorkLine.Legal => "legal",
            WorkLine.Agri => "agri",
            WorkLine.Tech => "tech",
            _ => "other",
        };
        static string Flag(bool value) => value ? "1" : "0";
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        writer.Write("grassroots-dispatch 1\n");
        writer.Write(string.Create(inv, $"cost\tmismatch={MismatchCost}\tper_km={PerKmCost}\n"));
        writer.Write(string.Create(inv, $"villages\t{Villages.Count}\n"));
        foreach (var v in Villages)
            writer.Write(string.Create(inv, $"{v.Id}\t{v.Region}\t{v.County}\t{Line(v.Line)}\t{v.Latitude:R}\t{v.Longitude:R}\t{v.Members}\t{Flag(v.NeedsSpeaker)}\n"));
        writer.Write(string.Create(inv, $"units\t{Units.Count}\n"));
        foreach (var u in Units)
            writer.Write(string.Create(inv, $"{u.Id}\t{u.Region}\t{u.County}\t{u.Latitude:R}\t{u.Longitude:R}\n"));
        writer.Write(string.Create(inv, $"cadres\t{Cadres.Count}\n"));
        foreach (var c in Cadres)
            writer.Write($"{c.Id}\t{c.UnitId}\t{Line(c.Line)}\t{Flag(c.FirstSecretaryEligible)}\t{Flag(c.Speaker)}\n");
    }

    /// <summary>Reads an instance in the <c>grassroots-dispatch 1</c> text format.</summary>
    /// <exception cref="DispatchFormatException">The text is not a valid instance; the message names the line and the problem.</exception>
    public static DispatchInstance Parse(TextReader reader) => DispatchInstanceParser.Parse(reader);
}

/// <summary>Great-circle distances.</summary>
public static class Haversine
{
    /// <summary>Mean Earth radius in kilometres used for all dispatch distances.</summary>
    public const double EarthRadiusKm = 6371.0088;

    /// <summary>The haversine great-circle distance in kilometres between two points given in degrees.</summary>
    public static double Kilometres(double lat1, double lon1, double lat2, double lon2)
    {
        const double toRad = Math.PI / 180.0;
        var dLat = (lat2 - lat1) * toRad;
        var dLon = (lon2 - lon1) * toRad;
        var a = Math.Sin(dLat / 2) * Math.Sin(dLat / 2)
            + Math.Cos(lat1 * toRad) * Math.Cos(lat2 * toRad) * Math.Sin(dLon / 2) * Math.Sin(dLon / 2);
        var c = 2 * Math.Asin(Math.Min(1.0, Math.Sqrt(a)));
        return EarthRadiusKm * c;
    }
}
