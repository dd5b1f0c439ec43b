using Grassroots.People;
using Grassroots.Regions;

namespace Grassroots.Demo;

/// <summary>A dispatching or employing unit of the demo data set and how many of its cadres to draw.</summary>
internal sealed record DemoUnitTemplate(string Name, string Sector, double Weight);

/// <summary>
/// The places and organisations of the demo data set: Ali prefecture's 145 village-level units with tags and
/// synthetic positions near their county seats, Dayu county's 15 urban communities, and the prefecture's and
/// counties' units. Codes and names of places are real (the embedded catalogue); positions, sizes and tags are
/// drawn from fixed seeds.
/// </summary>
internal static class DemoRegistry
{
    public const string AliCode = "542500";
    public const string DayuCode = "360723";

    /// <summary>No synthetic village lies further than this from its county seat.</summary>
    public const double MaxVillageDistanceKm = 60;

    /// <summary>Prefecture units (RegionCode 542500), with the share of the prefecture's cadres each employs.</summary>
    public static readonly IReadOnlyList<DemoUnitTemplate> PrefectureUnits =
    [
        new("阿里地委组织部", "党群", 1.0),
        new("阿里地委宣传部", "党群", 0.6),
        new("阿里地委统战部", "党群", 0.5),
        new("阿里地区发展和改革委员会", "经济", 1.0),
        new("阿里地区财政局", "经济", 0.8),
        new("阿里地区商务局", "经济", 0.5),
        new("阿里地区农业农村局", "农牧", 1.5),
        new("阿里地区乡村振兴局", "农牧", 1.3),
        new("阿里地区林业和草原局", "农牧", 0.7),
        new("阿里地区水利局", "农牧", 0.6),
        new("阿里地区公安局", "政法", 1.4),
        new("阿里地区中级人民法院", "政法", 0.7),
        new("阿里地区司法局", "政法", 0.5),
        new("阿里地区科学技术局", "科技", 0.8),
        new("阿里地区工业和信息化局", "科技", 0.5),
        new("阿里地区教育局", "教育", 1.0),
        new("阿里地区卫生健康委员会", "卫健", 1.0),
    ];

    /// <summary>County units: the county's name followed by these (普兰县 + 委组织部 = 普兰县委组织部).</summary>
    public static readonly IReadOnlyList<DemoUnitTemplate> CountyUnits =
    [
        new("委组织部", "党群", 1.0),
        new("委宣传部", "党群", 0.5),
        new("发展和改革委员会", "经济", 0.9),
        new("财政局", "经济", 0.7),
        new("农业农村局", "农牧", 1.6),
        new("林业和草原局", "农牧", 0.6),
        new("水利局", "农牧", 0.6),
        new("公安局", "政法", 1.3),
        new("人民法院", "政法", 0.7),
        new("司法局", "政法", 0.5),
        new("科学技术局", "科技", 0.7),
        new("教育局", "教育", 1.0),
        new("卫生健康委员会", "卫健", 1.0),
    ];

    static readonly (VillageTags Item, double Weight)[] PrimaryTagWeights =
    [
        (VillageTags.Poor, 0.34), (VillageTags.Industry, 0.24), (VillageTags.Weak, 0.16), (VillageTags.Specialised, 0.14), (VillageTags.Complex, 0.12),
    ];

    /// <summary>Residents' committees in county towns lean towards weak organisation and complex disputes.</summary>
    static readonly (VillageTags Item, double Weight)[] CommitteeTagWeights =
    [
        (VillageTags.Weak, 0.3), (VillageTags.Complex, 0.3), (VillageTags.Poor, 0.2), (VillageTags.Specialised, 0.1), (VillageTags.Industry, 0.1),
    ];

    public static IReadOnlyList<Region> AliCounties() =>
        RegionCatalog.Embedded.ChildrenOf(AliCode).Where(r => r.Level == RegionLevel.County).ToList();

    /// <summary>Ali's 145 village-level units (villages and residents' committees), ordered by code.</summary>
    public static IReadOnlyList<Region> AliVillageLevelUnits() => RegionCatalog.Embedded.All
        .Where(r => r.Code.Value.StartsWith(AliCode[..4], StringComparison.Ordinal) && r.Level is RegionLevel.Village or RegionLevel.Community)
        .OrderBy(r => r.Code.Value, StringComparer.Ordinal)
        .ToList();

    /// <summary>Dayu county's 15 urban communities, ordered by code.</summary>
    public static IReadOnlyList<Region> DayuCommunities() => RegionCatalog.Embedded.All
        .Where(r => r.Code.Value.StartsWith(DayuCode, StringComparison.Ordinal) && r.Level == RegionLevel.Community)
        .OrderBy(r => r.Code.Value, StringComparer.Ordinal)
        .ToList();

    public static List<Village> Villages()
    {
        var r = DemoRandom.Stream(1);
        var seats = RegionCatalog.CountySeats().ToDictionary(s => s.Code);
        var townshipCentres = new Dictionary<string, (double Lat, double Lon, int Altitude)>();
        var villages = new List<Village>();
        foreach (var region in AliVillageLevelUnits())
        {
            var township = region.ParentCode!.Value;
            var seat = seats[region.Code.CountyPrefix];
            if (!townshipCentres.TryGetValue(township.Value, out var centre))
            {
                // The county town (township code …100) sits at the seat; the other townships lie out across the county.
                centre = township.Value.EndsWith("100", StringComparison.Ordinal)
                    ? (seat.Lat, seat.Lon, seat.Altitude)
                    : Offset(seat.Lat, seat.Lon, r.Between(15, 45), r.Between(0, 360), seat.Altitude + (int)r.Between(-200, 400));
                townshipCentres[township.Value] = centre;
            }
            var committee = region.Level == RegionLevel.Community;
            var (lat, lon, _) = Offset(centre.Lat, centre.Lon, committee ? r.Between(0.3, 3) : r.Between(1, 12), r.Between(0, 360), 0);

            var primary = r.PickWeighted(committee ? CommitteeTagWeights : PrimaryTagWeights);
            var tags = primary;
            if (r.Chance(0.45))
            {
                VillageTags second;
                do second = r.PickWeighted(PrimaryTagWeights);
                while (second == primary);
                tags |= second;
            }
            var households = committee ? r.Next(250, 601) : r.Next(80, 481);
            villages.Add(new Village
            {
                Code = region.Code,
                Name = region.Name,
                TownshipCode = township,
                RegionPath = region.Path,
                Latitude = Math.Round(lat, 5),
                Longitude = Math.Round(lon, 5),
                Altitude = centre.Altitude + (int)r.Between(-80, 150),
                Households = households,
                Population = (int)Math.Round(households * r.Between(3.5, 4.5)),
                Tags = tags,
                PrimaryTag = primary,
                NeedsLocalLanguage = true,
            });
        }
        return villages;
    }

    public static List<Community> Communities()
    {
        var r = DemoRandom.Stream(2);
        return DayuCommunities().Select(c => new Community
        {
            Code = c.Code,
            Name = c.Name,
            TownshipCode = c.ParentCode!.Value,
            RegionPath = c.Path,
            Households = r.Next(15, 50) * 100 + r.Next(0, 100),
        }).ToList();
    }

    public static (List<(Unit Unit, double Weight)> Prefecture, Dictionary<string, List<(Unit Unit, double Weight)>> Counties, List<Unit> Dayu) Units()
    {
        var ali = RegionCatalog.Embedded.Find(AliCode)!;
        var prefecture = PrefectureUnits.Select(t => (NewUnit(t.Name, UnitLevel.Prefecture, t.Sector, ali), t.Weight)).ToList();
        // Each county's units, and the government of its seat town (镇, code …100), so a township sees its own cadres.
        var counties = AliCounties().ToDictionary(
            c => c.Code.Value,
            c => CountyUnits.Select(t => (NewUnit(c.Name + t.Name, UnitLevel.County, t.Sector, c), t.Weight))
                .Concat(SeatTown(c) is { } town ? [(NewUnit(town.Name + "人民政府", UnitLevel.Township, "党群", town), 0.8)] : [])
                .ToList());
        var dayu = RegionCatalog.Embedded.Find(DayuCode)!;
        List<Unit> dayuUnits =
        [
            NewUnit("大余县民政局", UnitLevel.County, "民政", dayu, dispatching: false),
            NewUnit("大余县委城市社区党工委", UnitLevel.County, "党群", dayu, dispatching: false),
        ];
        return (prefecture, counties, dayuUnits);
    }

    /// <summary>The county's seat town: its first township-level unit coded as a town (digits 7–9 from 100).</summary>
    static Region? SeatTown(Region county) =>
        RegionCatalog.Embedded.ChildrenOf(county.Code.Value).FirstOrDefault(t => t.Level == RegionLevel.Township && string.CompareOrdinal(t.Code.Value[6..], "100") >= 0 && string.CompareOrdinal(t.Code.Value[6..], "199") <= 0);

    static Unit NewUnit(string name, UnitLevel level, string sector, Region region, bool dispatching = true) => new()
    {
        Name = name,
        Level = level,
        Sector = sector,
        IsDispatching = dispatching,
        RegionCode = region.Code,
        RegionPath = region.Path,
    };

    /// <summary>The point <paramref name="km"/> away on the bearing (degrees from north); flat-earth, fine at these distances.</summary>
    static (double Lat, double Lon, int Altitude) Offset(double lat, double lon, double km, double bearing, int altitude)
    {
        var rad = bearing * Math.PI / 180;
        var dLat = km * Math.Cos(rad) / 111.32;
        var dLon = km * Math.Sin(rad) / (111.32 * Math.Cos(lat * Math.PI / 180));
        return (lat + dLat, lon + dLon, altitude);
    }

}
