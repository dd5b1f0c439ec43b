using Grassroots.Regions;

namespace Grassroots.People;

public enum UnitLevel
{
    Province = 1,
    Prefecture = 2,
    County = 3,
    Township = 4,
}

/// <summary>A unit (单位): employer of cadres and, for dispatching units, the sender of work teams (S-REG-4).</summary>
public sealed class Unit : IRegionScoped
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public required string Name { get; set; }
    public UnitLevel Level { get; set; }
    /// <summary>Sector (系统), e.g. 党群, 经济, 政法, 农牧, 科技, 教育, 卫健.</summary>
    public string Sector { get; set; } = "";
    public bool IsDispatching { get; set; } = true;
    public required RegionCode RegionCode { get; set; }
    public required string RegionPath { get; set; }

    public static string LevelName(UnitLevel level) => level switch
    {
        UnitLevel.Province => "省级",
        UnitLevel.Prefecture => "地级",
        UnitLevel.County => "县级",
        UnitLevel.Township => "乡级",
        _ => level.ToString(),
    };
}
