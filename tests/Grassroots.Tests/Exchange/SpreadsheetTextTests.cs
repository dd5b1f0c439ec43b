using Grassroots.Exchange;

namespace Grassroots.Tests.Exchange;

public sealed class SpreadsheetTextTests
{
    [Theory]
    [InlineData("=1+1", "'=1+1")]
    [InlineData("+8613800000000", "'+8613800000000")]
    [InlineData("-2+3", "'-2+3")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("\t=1+1", "'\t=1+1")]
    [InlineData("\r=1+1", "'\r=1+1")]
    [InlineData("=HYPERLINK(\"http://x\",\"点我\")", "'=HYPERLINK(\"http://x\",\"点我\")")]
    public void Neutralise_TextStartingWithFormulaCharacter_GetsApostrophe(string value, string expected) =>
        Assert.Equal(expected, SpreadsheetText.Neutralise(value));

    [Theory]
    [InlineData("扎西次仁")]
    [InlineData("1+1")]
    [InlineData("普兰县 =1")]
    [InlineData("'已有撇号")]
    [InlineData("")]
    public void Neutralise_OrdinaryText_IsUnchanged(string value) => Assert.Equal(value, SpreadsheetText.Neutralise(value));

    [Fact]
    public void Neutralise_DropsCharactersXmlCannotCarry() =>
        Assert.Equal("卓玛", SpreadsheetText.Neutralise("卓\u0001玛\uFFFF"));

    [Fact]
    public void Neutralise_KeepsCharactersOutsideTheBasicPlane() =>
        Assert.Equal("𠀀字", SpreadsheetText.Neutralise("𠀀字"));

    [Theory]
    [InlineData("=1+1")]
    [InlineData("-5")]
    [InlineData("@x")]
    [InlineData("扎西")]
    [InlineData("'引号")]
    public void Restore_UndoesNeutralise(string value) =>
        Assert.Equal(value, SpreadsheetText.Restore(SpreadsheetText.Neutralise(value)));
}
