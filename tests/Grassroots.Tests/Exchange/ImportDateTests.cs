using Grassroots.Exchange;

namespace Grassroots.Tests.Exchange;

public sealed class ImportDateTests
{
    [Theory]
    [InlineData("1988-03-14", 1988, 3, 14, false)]
    [InlineData("1988/3/4", 1988, 3, 4, false)]
    [InlineData("1988.03.14", 1988, 3, 14, false)]
    [InlineData("19880314", 1988, 3, 14, false)]
    [InlineData("1988年3月14日", 1988, 3, 14, false)]
    [InlineData("１９８８－０３－１４", 1988, 3, 14, false)]
    [InlineData("1988-03-14 00:00:00", 1988, 3, 14, false)]
    [InlineData("2010-07", 2010, 7, 1, true)]
    [InlineData("2010.07", 2010, 7, 1, true)]
    [InlineData("2010年7月", 2010, 7, 1, true)]
    public void TextDates_AreRead(string text, int y, int m, int d, bool monthOnly)
    {
        Assert.True(PeopleImporter.TryParseDate(new RawCell(text, false), out var date, out var isMonthOnly, out var problem), problem);
        Assert.Equal(new DateOnly(y, m, d), date);
        Assert.Equal(monthOnly, isMonthOnly);
    }

    [Fact]
    public void DateCell_SerialNumber_IsRead()
    {
        Assert.True(PeopleImporter.TryParseDate(new RawCell("32216", true), out var date, out _, out _));
        Assert.Equal(new DateOnly(1988, 3, 14), date);
    }

    [Fact]
    public void YearMonthTypedAsNumber_IsReadAsYearAndMonth()
    {
        Assert.True(PeopleImporter.TryParseDate(new RawCell("2010.07", true), out var date, out var monthOnly, out _));
        Assert.Equal(new DateOnly(2010, 7, 1), date);
        Assert.True(monthOnly);
    }

    [Fact]
    public void YearDotOneAsNumber_IsAmbiguousAndRefused()
    {
        Assert.False(PeopleImporter.TryParseDate(new RawCell("2010.1", true), out _, out _, out var problem));
        Assert.Contains("无法区分 1 月还是 10 月", problem);
    }

    [Theory]
    [InlineData("1988-02-30")]
    [InlineData("明年")]
    [InlineData("1988-13")]
    [InlineData("88-03-14")]
    public void InvalidDates_AreRefused(string text) =>
        Assert.False(PeopleImporter.TryParseDate(new RawCell(text, false), out _, out _, out _));
}
