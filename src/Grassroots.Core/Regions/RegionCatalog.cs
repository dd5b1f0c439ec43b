using System.Collections.Frozen;
using Grassroots.Common;

namespace Grassroots.Regions;

/// <summary>
/// The administrative tree shipped with the product (NBS 2023 statistical division codes for Ali prefecture
/// and Dayu county, with their province and prefecture). Loaded once from the embedded CSV.
/// </summary>
public sealed class RegionCatalog
{
    readonly FrozenDictionary<string, Region> byCode;
    readonly FrozenDictionary<string, Region[]> children;

    RegionCatalog(IReadOnlyList<Region> regions)
    {
        All = regions;
        byCode = regions.ToFrozenDictionary(r => r.Code.Value);
        children = regions.Where(r => r.ParentCode is not null)
            .GroupBy(r => r.ParentCode!.Value.Value)
            .ToFrozenDictionary(g => g.Key, g => g.OrderBy(r => r.Code.Value, StringComparer.Ordinal).ToArray());
    }

    public static RegionCatalog Embedded { get; } = Load();

    public IReadOnlyList<Region> All { get; }

    public Region? Find(string code) => byCode.GetValueOrDefault(code);

    public Region Get(RegionCode code) => byCode.TryGetValue(code.Value, out var r) ? r : throw new NotFoundException($"区划 {code}");

    public IReadOnlyList<Region> ChildrenOf(string code) => children.GetValueOrDefault(code) ?? [];

    public static IReadOnlyList<(string Code, string Name, double Lat, double Lon, int Altitude)> CountySeats()
    {
        return ReferenceData.ReadCsv("county-seats.csv")
            .Select(r => (r[0], r[1], double.Parse(r[2], System.Globalization.CultureInfo.InvariantCulture),
                double.Parse(r[3], System.Globalization.CultureInfo.InvariantCulture), int.Parse(r[4], System.Globalization.CultureInfo.InvariantCulture)))
            .ToList();
    }

    static RegionCatalog Load()
    {
        var rows = ReferenceData.ReadCsv("regions-542500-360723.csv");
        var raw = rows.ToDictionary(r => r[0], r => (Name: r[1], Level: r[2], Parent: r[3]));
        var list = new List<Region>(raw.Count);
        foreach (var (code, (name, level, parent)) in raw)
        {
            var path = "/" + code + "/";
            for (var p = parent; p.Length > 0; p = raw[p].Parent) path = "/" + p + path;
            list.Add(new Region
            {
                Code = RegionCode.Parse(code),
                Name = name,
                Level = level switch
                {
                    "province" => RegionLevel.Province,
                    "prefecture" => RegionLevel.Prefecture,
                    "county" => RegionLevel.County,
                    "township" => RegionLevel.Township,
                    "village" => RegionLevel.Village,
                    "community" => RegionLevel.Community,
                    _ => throw new InvalidDataException($"Unknown region level {level} for {code}"),
                },
                ParentCode = parent.Length == 0 ? null : RegionCode.Parse(parent),
                Path = path,
            });
        }
        return new RegionCatalog(list);
    }
}
