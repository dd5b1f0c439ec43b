namespace Grassroots.Regions;

/// <summary>Village profile tags (S-SEL-6).</summary>
[Flags]
public enum VillageTags
{
    None = 0,
    /// <summary>软弱涣散: weak party organisation.</summary>
    Weak = 1,
    /// <summary>脱贫 / 相对困难.</summary>
    Poor = 2,
    /// <summary>矛盾复杂.</summary>
    Complex = 4,
    /// <summary>产业.</summary>
    Industry = 8,
    /// <summary>专业.</summary>
    Specialised = 16,
}

public static class VillageTagNames
{
    public static readonly IReadOnlyList<(VillageTags Tag, string Key, string Name)> All =
    [
        (VillageTags.Weak, "weak", "软弱涣散村"),
        (VillageTags.Poor, "poor", "脱贫村"),
        (VillageTags.Complex, "complex", "矛盾复杂村"),
        (VillageTags.Industry, "industry", "产业村"),
        (VillageTags.Specialised, "specialised", "专业村"),
    ];

    public static string Describe(VillageTags tags) =>
        tags == VillageTags.None ? "—" : string.Join("、", All.Where(t => tags.HasFlag(t.Tag)).Select(t => t.Name));
}

/// <summary>A village-level unit where a work team is stationed (S-REG-2).</summary>
public sealed class Village : IRegionScoped
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public required RegionCode Code { get; init; }
    public required string Name { get; set; }
    public required RegionCode TownshipCode { get; init; }
    public required string RegionPath { get; init; }
    public double Latitude { get; set; }
    public double Longitude { get; set; }
    public int Households { get; set; }
    public int Population { get; set; }
    public int Altitude { get; set; }
    public VillageTags Tags { get; set; }
    public VillageTags PrimaryTag { get; set; }
    /// <summary>Whether the team needs a speaker of the local language.</summary>
    public bool NeedsLocalLanguage { get; set; }
}

/// <summary>An urban community (residents' committee) with community workers (S-REG-3).</summary>
public sealed class Community : IRegionScoped
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public required RegionCode Code { get; init; }
    public required string Name { get; set; }
    public required RegionCode TownshipCode { get; init; }
    public required string RegionPath { get; init; }
    public int Households { get; set; }
}
