using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Grassroots.Data;
using Grassroots.Exchange;
using Grassroots.Security;
using Microsoft.Extensions.Options;

namespace Grassroots.Tests.Exchange;

public sealed class ImportTemplateTests
{
    static async Task<byte[]> BuildAsync()
    {
        await using var temp = new TempDatabase();
        await using (var db = temp.Open()) await DatabaseInitializer.MigrateAsync(db, TestContext.Current.CancellationToken);
        await temp.AddUnitAsync("普兰县农业农村局", "542521");
        await using var reader = temp.Open();
        var builder = new ImportTemplateBuilder(reader, CurrentUser.System("test"), TimeProvider.System, Options.Create(new ImportOptions()));
        using var output = new MemoryStream();
        await builder.WriteAsync(output, TestContext.Current.CancellationToken);
        return output.ToArray();
    }

    static WorksheetPart Sheet(SpreadsheetDocument doc, string name)
    {
        var wb = doc.WorkbookPart!;
        var sheet = wb.Workbook.Sheets!.Elements<Sheet>().Single(s => s.Name == name);
        return (WorksheetPart)wb.GetPartById(sheet.Id!);
    }

    static string Text(Cell c) => c.InlineString?.InnerText ?? c.CellValue?.Text ?? "";

    [Fact]
    public async Task Template_HasInstructionsDataAndHiddenListSheets()
    {
        using var doc = SpreadsheetDocument.Open(new MemoryStream(await BuildAsync()), false);
        var sheets = doc.WorkbookPart!.Workbook.Sheets!.Elements<Sheet>().ToList();
        Assert.Equal([ImportTemplateBuilder.HelpSheet, ImportTemplateBuilder.DataSheet, ImportTemplateBuilder.ListSheet], sheets.Select(s => s.Name!.Value));
        Assert.Equal(SheetStateValues.Hidden, sheets[2].State!.Value);
        var header = Sheet(doc, ImportTemplateBuilder.DataSheet).Worksheet.Descendants<Row>().First().Elements<Cell>().Select(Text);
        Assert.Equal(ImportColumns.All.Select(c => c.Header), header);
        var help = Sheet(doc, ImportTemplateBuilder.HelpSheet).Worksheet.Descendants<Cell>().Select(Text).ToList();
        Assert.Contains("身份证号码", help);
        Assert.Contains(help, t => t.Contains("全部或全不", StringComparison.Ordinal));
        Assert.Contains(help, t => t.Contains("汉族、蒙古族", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Template_HasDropDownListsFedFromTheHiddenSheet()
    {
        using var doc = SpreadsheetDocument.Open(new MemoryStream(await BuildAsync()), false);
        var validations = Sheet(doc, ImportTemplateBuilder.DataSheet).Worksheet.Descendants<DataValidation>().ToList();
        var byList = validations.ToDictionary(v => v.Formula1!.Text, v => v);
        foreach (var key in new[] { "kind", "gender", "ethnic", "political", "education", "degree", "staff", "line", "health", "unit" })
        {
            Assert.True(byList.ContainsKey("list_" + key), "missing drop-down list_" + key);
            Assert.Equal(DataValidationValues.List, byList["list_" + key].Type!.Value);
        }
        var genderColumn = Xlsx.ColumnName(ImportColumns.All.ToList().FindIndex(c => c.Field == "genderCode") + 1);
        Assert.Equal($"{genderColumn}2:{genderColumn}50001", byList["list_gender"].SequenceOfReferences!.InnerText);
        Assert.DoesNotContain("list_community", byList.Keys); // no community in scope: no empty list

        var names = doc.WorkbookPart!.Workbook.DefinedNames!.Elements<DefinedName>().ToDictionary(n => n.Name!.Value!, n => n.Text);
        Assert.StartsWith($"'{ImportTemplateBuilder.ListSheet}'!$", names["list_gender"]);
        var lists = Sheet(doc, ImportTemplateBuilder.ListSheet).Worksheet.Descendants<Cell>().Select(Text).ToHashSet();
        Assert.Contains("男", lists);
        Assert.Contains("藏族", lists);
        Assert.Contains("中共党员", lists);
        Assert.Contains("大学本科毕业", lists);
        Assert.DoesNotContain("大学本科教育", lists); // a heading of GB/T 4658 cannot be chosen
        Assert.Contains("普兰县农业农村局", lists);
        Assert.Contains("试用期", lists);
    }

    [Fact]
    public async Task Template_IdNumberColumn_IsFormattedAsText()
    {
        using var doc = SpreadsheetDocument.Open(new MemoryStream(await BuildAsync()), false);
        var idColumn = (uint)ImportColumns.All.ToList().FindIndex(c => c.Field == "idNumber") + 1;
        var column = Sheet(doc, ImportTemplateBuilder.DataSheet).Worksheet.Descendants<Column>().Single(c => c.Min! <= idColumn && c.Max! >= idColumn);
        var format = doc.WorkbookPart!.WorkbookStylesPart!.Stylesheet.CellFormats!.Elements<CellFormat>().ElementAt((int)column.Style!.Value);
        Assert.Equal(49u, format.NumberFormatId!.Value); // "@", text
        Assert.True(format.ApplyNumberFormat!.Value);
    }
}
