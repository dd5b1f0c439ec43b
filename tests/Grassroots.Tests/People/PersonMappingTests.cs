using Grassroots.People;
using Grassroots.Regions;

namespace Grassroots.Tests.People;

public sealed class PersonMappingTests
{
    [Theory]
    [InlineData("542500", "阿里地区")]
    [InlineData("540000", "西藏自治区")]
    [InlineData("542521", "普兰县")]
    [InlineData("542521100", "普兰县 普兰镇")]
    [InlineData("542521100001", "普兰县 普兰镇 吉让居委会")]
    [InlineData("542599", "542599")]
    public void RegionName_NamesEveryLevelOfTheTree(string code, string expected) =>
        Assert.Equal(expected, PersonMapping.RegionName(RegionCode.Parse(code)));

    [Theory]
    [InlineData("13812341234", "138****1234")]
    [InlineData(null, null)]
    [InlineData("", "")]
    public void MaskPhone_KeepsThreeAndFourDigits(string? phone, string? expected) =>
        Assert.Equal(expected, PersonMapping.MaskPhone(phone));
}
