using Grassroots.Common;
using Grassroots.Exchange;

namespace Grassroots.Tests.Exchange;

public sealed class WorkbookReaderTests
{
    static string Refusal(byte[] workbook, ImportOptions? options = null)
    {
        var ex = Assert.Throws<ValidationException>(() => WorkbookReader.Read(new MemoryStream(workbook), options ?? new ImportOptions()));
        return Assert.Single(ex.Errors["file"]);
    }

    static readonly string[] Header = ["姓名", "性别", "民族", "身份证号码", "政治面貌", "工作单位"];

    [Fact]
    public void MoreRowsThanTheLimit_IsRefusedWithTheLimit()
    {
        var rows = Enumerable.Range(0, 3).Select(i => new[] { "扎西" + i, "男", "藏族", "x", "群众", "单位" });
        Assert.Contains("超过单次导入上限 2 行", Refusal(TestWorkbooks.Simple([Header, .. rows]), new ImportOptions { MaxRows = 2 }));
    }

    [Fact]
    public void MissingRequiredColumns_AreNamed()
    {
        var message = Refusal(TestWorkbooks.Simple(["姓名", "身份证号码"], ["扎西", "x"]));
        Assert.Contains("缺少必填列：性别、民族、政治面貌、工作单位（或所在社区）", message);
    }

    [Fact]
    public void SheetWithoutNameAndIdHeaders_IsNotMistakenForData() =>
        Assert.Contains("未找到人员数据", Refusal(TestWorkbooks.Simple(["名字", "号码"], ["扎西", "x"])));

    [Fact]
    public void DuplicateColumn_IsRefused() =>
        Assert.Contains("出现了不止一次", Refusal(TestWorkbooks.Simple([.. Header, "姓名"], ["a", "b", "c", "d", "e", "f", "g"])));

    [Fact]
    public void HeaderBelowATitleRow_IsFound_AndHeadersAreMatchedLoosely()
    {
        var sheet = WorkbookReader.Read(new MemoryStream(TestWorkbooks.Simple(
            ["普兰县驻村干部名单"],
            ["序号", "姓名*", "性别", "民族", "身份证号", "政治面貌", "单位", "出生日期（yyyy-mm-dd）"],
            ["1", "扎西", "男", "藏族", "x", "群众", "普兰县农业农村局", "1988-03-14"],
            ["", "", "", "", "", "", "", ""])), new ImportOptions());
        Assert.Equal(2u, sheet.HeaderRow);
        var row = Assert.Single(sheet.Rows);
        Assert.Equal(3u, row.Number);
        Assert.Equal("扎西", row.Cells["name"].Text);
        Assert.Equal("普兰县农业农村局", row.Cells["unitId"].Text);
        Assert.Equal("1988-03-14", row.Cells["birthDate"].Text);
        Assert.False(row.Cells.ContainsKey("序号"));
    }
}
