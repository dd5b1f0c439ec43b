using Grassroots.Regions;

namespace Grassroots.Tests.Regions;

public sealed class RegionCodeTests
{
    [Theory]
    [InlineData("542500")] // Ali prefecture
    [InlineData("542521")] // Pulan county
    [InlineData("542521100")] // Pulan town
    [InlineData("542521100201")] // a village-level unit
    public void TryParse_AcceptsSixNineAndTwelveDigits(string text)
    {
        Assert.True(RegionCode.TryParse(text, out var code, out var error), error);

        Assert.Null(error);
        Assert.Equal(text, code.Value.Value);
        Assert.Equal(text, code.Value.ToString());
        Assert.Equal(text[..6], code.Value.CountyPrefix);
    }

    [Fact]
    public void TryParse_TrimsSurroundingSpaces()
    {
        Assert.True(RegionCode.TryParse("  542521\t", out var code, out _));

        Assert.Equal("542521", code.Value.Value);
    }

    [Theory]
    [InlineData(null, "区划代码不能为空。")]
    [InlineData("", "区划代码不能为空。")]
    [InlineData("   ", "区划代码不能为空。")]
    [InlineData("54252a", "区划代码“54252a”只能由数字组成。")]
    [InlineData("5425-21", "区划代码“5425-21”只能由数字组成。")]
    [InlineData("5425", "区划代码“5425”应为 6、9 或 12 位数字，实际为 4 位。")]
    [InlineData("5425211", "区划代码“5425211”应为 6、9 或 12 位数字，实际为 7 位。")]
    [InlineData("5425211002", "区划代码“5425211002”应为 6、9 或 12 位数字，实际为 10 位。")]
    [InlineData("5425211002011", "区划代码“5425211002011”应为 6、9 或 12 位数字，实际为 13 位。")]
    public void TryParse_RefusesWrongShapes_WithAMessageSayingWhy(string? text, string expected)
    {
        Assert.False(RegionCode.TryParse(text, out var code, out var error));

        Assert.Null(code);
        Assert.Equal(expected, error);
    }

    [Fact]
    public void Parse_ThrowsFormatExceptionCarryingTheMessage()
    {
        var ex = Assert.Throws<FormatException>(() => RegionCode.Parse("12345"));

        Assert.Equal("区划代码“12345”应为 6、9 或 12 位数字，实际为 5 位。", ex.Message);
    }

    [Fact]
    public void Equality_IsByValue()
    {
        Assert.Equal(RegionCode.Parse("542521"), RegionCode.Parse(" 542521 "));
        Assert.NotEqual(RegionCode.Parse("542521"), RegionCode.Parse("542522"));
    }
}
