using Grassroots.Common;
using Grassroots.Regions;

namespace Grassroots.Tests.Regions;

/// <summary>The administrative tree shipped with the product (S-REG-1): Ali prefecture and Dayu county.</summary>
public sealed class RegionCatalogTests
{
    static readonly RegionCatalog Catalog = RegionCatalog.Embedded;

    static List<Region> Under(string code, RegionLevel level)
    {
        var root = Catalog.Find(code) ?? throw new InvalidOperationException($"{code} missing");
        return Catalog.All.Where(r => r.Level == level && r.Path.StartsWith(root.Path, StringComparison.Ordinal)).ToList();
    }

    [Fact]
    public void Ali_HasItsSevenCounties()
    {
        var ali = Catalog.Find("542500");

        Assert.NotNull(ali);
        Assert.Equal("阿里地区", ali.Name);
        Assert.Equal(RegionLevel.Prefecture, ali.Level);
        Assert.Equal("/540000/542500/", ali.Path);
        var counties = Catalog.ChildrenOf("542500");
        Assert.Equal(["542521", "542522", "542523", "542524", "542525", "542526", "542527"], counties.Select(c => c.Code.Value));
        Assert.All(counties, c => Assert.Equal(RegionLevel.County, c.Level));
        Assert.Equal("普兰县", counties[0].Name);
        Assert.Equal("札达县", counties[1].Name);
    }

    [Fact]
    public void Ali_Has37Townships_And145VillageLevelUnits_Of133VillagesAnd12Communities()
    {
        Assert.Equal(37, Under("542500", RegionLevel.Township).Count);
        Assert.Equal(133, Under("542500", RegionLevel.Village).Count);
        Assert.Equal(12, Under("542500", RegionLevel.Community).Count);
        Assert.Equal(145, Under("542500", RegionLevel.Village).Count + Under("542500", RegionLevel.Community).Count);
    }

    [Fact]
    public void Dayu_Has15Communities()
    {
        var dayu = Catalog.Find("360723");

        Assert.NotNull(dayu);
        Assert.Equal("大余县", dayu.Name);
        Assert.Equal(RegionLevel.County, dayu.Level);
        Assert.Equal(15, Under("360723", RegionLevel.Community).Count);
    }

    [Fact]
    public void EveryPath_IsItsParentsPathFollowedByItsOwnCode()
    {
        foreach (var region in Catalog.All)
        {
            if (region.ParentCode is not { } parentCode)
            {
                Assert.Equal(RegionLevel.Province, region.Level);
                Assert.Equal($"/{region.Code}/", region.Path);
                continue;
            }
            var parent = Catalog.Get(parentCode);
            Assert.StartsWith(parent.Path, region.Path, StringComparison.Ordinal);
            Assert.Equal(parent.Path + region.Code + "/", region.Path);
            Assert.True(region.Level > parent.Level, $"{region.Code} ({region.Level}) sits under {parent.Code} ({parent.Level})");
        }
    }

    [Fact]
    public void TownshipAndVillageCodes_BeginWithTheirParentsCode()
    {
        foreach (var region in Catalog.All.Where(r => r.Level >= RegionLevel.Township))
            Assert.StartsWith(region.ParentCode!.Value.Value, region.Code.Value, StringComparison.Ordinal);
    }

    [Fact]
    public void ChildrenOf_IsSortedByCode()
    {
        foreach (var region in Catalog.All)
        {
            var codes = Catalog.ChildrenOf(region.Code.Value).Select(c => c.Code.Value).ToList();
            Assert.Equal(codes.Order(StringComparer.Ordinal), codes);
        }
        Assert.NotEmpty(Catalog.ChildrenOf("542521"));
    }

    [Fact]
    public void ChildrenOf_AVillageOrAnUnknownCode_IsEmpty()
    {
        var village = Under("542521", RegionLevel.Village)[0];

        Assert.Empty(Catalog.ChildrenOf(village.Code.Value));
        Assert.Empty(Catalog.ChildrenOf("999999"));
    }

    [Fact]
    public void Find_ReturnsNullForUnknown_AndGetThrowsNotFound()
    {
        Assert.Null(Catalog.Find("542599"));

        var ex = Assert.Throws<NotFoundException>(() => Catalog.Get(RegionCode.Parse("542599")));
        Assert.Contains("542599", ex.Message);
    }

    [Fact]
    public void CountySeats_CoverEveryAliCountyAndDayu()
    {
        var seats = RegionCatalog.CountySeats();

        var expected = Catalog.ChildrenOf("542500").Select(c => c.Code.Value).Append("360723").Order(StringComparer.Ordinal);
        Assert.Equal(expected, seats.Select(s => s.Code).Order(StringComparer.Ordinal));
        Assert.All(seats, s =>
        {
            Assert.Equal(Catalog.Find(s.Code)!.Name, s.Name);
            Assert.InRange(s.Lat, 20, 40);
            Assert.InRange(s.Lon, 75, 120);
        });
    }
}
