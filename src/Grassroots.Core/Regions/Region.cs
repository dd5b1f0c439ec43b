namespace Grassroots.Regions;

public enum RegionLevel
{
    Province = 1,
    Prefecture = 2,
    County = 3,
    Township = 4,
    Village = 5,
    Community = 6,
}

/// <summary>A node of the administrative tree (S-REG-1). Reference data, not personal data.</summary>
public sealed class Region
{
    public required RegionCode Code { get; init; }
    public required string Name { get; set; }
    public RegionLevel Level { get; init; }
    public RegionCode? ParentCode { get; init; }

    /// <summary>Codes from the root, e.g. <c>/540000/542500/542521/</c>; scope checks are prefix tests on it.</summary>
    public required string Path { get; init; }

    public static string LevelName(RegionLevel level) => level switch
    {
        RegionLevel.Province => "省级",
        RegionLevel.Prefecture => "地市级",
        RegionLevel.County => "县级",
        RegionLevel.Township => "乡级",
        RegionLevel.Village => "村",
        RegionLevel.Community => "社区",
        _ => level.ToString(),
    };
}

/// <summary>Anything that belongs to a node of the tree and is therefore subject to scope.</summary>
public interface IRegionScoped
{
    /// <summary>The owning node's <see cref="Region.Path"/>.</summary>
    string RegionPath { get; }
}
