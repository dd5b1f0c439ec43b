using System.Text.RegularExpressions;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Grassroots.Browser.Tests.Infrastructure;
using Grassroots.Exchange;
using Grassroots.Web.Tests.Exchange;
using Grassroots.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Grassroots.Browser.Tests;

/// <summary>
/// The Excel exchange as a clerk uses it in Chromium: the roster export from the people list, and the import page
/// (template, upload, refused rows, annotated workbook). The downloaded files are read back.
/// </summary>
/// <remarks>An application of its own: the people imported here would change the counts the other page tests expect.</remarks>
[Collection(ExchangeBrowserCollection.Name)]
public sealed class ExchangeTests(BrowserApp app)
{
    [Fact]
    public async Task ExportButton_WithASearchApplied_DownloadsOnlyTheFoundPulanPeople_WithMaskedIdNumbers()
    {
        await using var s = await app.SignInAsync("pulan.county");
        await s.Page.GotoAsync("/people");
        await s.Page.Locator("#q").FillAsync("扎西");
        await s.Page.Locator("#q").PressAsync("Enter");
        await Expect(s.Page.Locator("table.people tbody tr")).ToHaveCountAsync(1);

        var download = await s.Page.RunAndWaitForDownloadAsync(() => s.Page.GetByRole(AriaRole.Link, new() { Name = "导出 Excel" }).ClickAsync());
        Assert.Matches(@"^阿里地区普兰县.*花名册-\d{8}\.xlsx$", download.SuggestedFilename);
        var bytes = await ReadAsync(download);

        var roster = XlsxFiles.Read(bytes);
        var row = Assert.Single(roster.DataRows);
        Assert.Equal(app.Data.PulanCadre.Name, row[1]);
        Assert.Equal(app.Data.PulanCadre.IdNumber.Masked, row[5]);
        Assert.DoesNotContain(app.Data.PulanTownCadre.Name, roster.AllText); // in scope, but not found by the search
        Assert.DoesNotContain(app.Data.ZandaCadre.Name, roster.AllText);
        var everyId = await app.WithSystemDbAsync(db => db.People.IgnoreQueryFilters().Select(p => p.IdNumber).ToListAsync());
        var raw = XlsxFiles.RawXml(bytes);
        Assert.All(everyId, id => Assert.DoesNotContain(id.Value, raw));
        Assert.Empty(s.ConsoleErrors);
    }

    [Fact]
    public async Task ImportPage_TemplateThenTwoGoodRows_ImportsBoth_AndTheyAreInTheList()
    {
        await using var s = await app.SignInAsync("pulan.county");
        await s.Page.GotoAsync("/people");
        await s.Page.GetByRole(AriaRole.Link, new() { Name = "导入", Exact = true }).ClickAsync();
        await Expect(s.Page).ToHaveURLAsync(new Regex("/people/import$"));
        await Expect(s.Page.Locator("h1")).ToHaveTextAsync("从 Excel 导入人员");

        var template = await DownloadTemplateAsync(s.Page);
        var headers = DataSheetHeaders(template);
        Assert.Equal(ImportColumns.All.Select(c => c.Header), headers.Select(h => h.TrimEnd('*', ' ')));

        var file = XlsxFiles.FillTemplate(template,
        [
            Row("阿旺罗布", "男", new DateOnly(1987, 3, 21), 41, app.Data.PulanUnit.Name),
            Row("拉姆卓玛", "女", new DateOnly(1991, 8, 9), 42, app.Data.PulanTownUnit.Name),
        ]);
        await UploadAsync(s.Page, file, "普兰县新增人员.xlsx");

        await Expect(s.Page).ToHaveURLAsync(new Regex(@"/people/import\?imported=2$"));
        await Expect(s.Page.Locator("#import-result")).ToContainTextAsync("已导入 2 人");
        await s.Page.GetByRole(AriaRole.Link, new() { Name = "查看人员名册" }).ClickAsync();
        await Expect(s.Page).ToHaveURLAsync(new Regex(@"/people\?sort=-updated$"));
        var names = s.Page.Locator("table.people tbody tr th a");
        await Expect(names.Filter(new() { HasText = "阿旺罗布" })).ToHaveCountAsync(1);
        await Expect(names.Filter(new() { HasText = "拉姆卓玛" })).ToHaveCountAsync(1);
        await Expect(s.Page.Locator("table.people tbody tr").Filter(new() { HasText = "拉姆卓玛" })).ToContainTextAsync(app.Data.PulanTownUnit.Name);
        Assert.Empty(s.ConsoleErrors);
    }

    [Fact]
    public async Task ImportPage_OneGoodAndOneBadRow_ShowsTheRowError_ImportsNobody_AndGivesTheAnnotatedWorkbook()
    {
        await using var s = await app.SignInAsync("pulan.county");
        await s.Page.GotoAsync("/people/import");
        var template = await DownloadTemplateAsync(s.Page);
        var file = XlsxFiles.FillTemplate(template,
        [
            Row("格桑曲珍", "女", new DateOnly(1993, 2, 14), 44, app.Data.PulanUnit.Name),
            Row("多布杰", "男", new DateOnly(1984, 11, 30), 45, app.Data.PulanUnit.Name, breakCheckDigit: true),
        ]);
        await UploadAsync(s.Page, file, "十一月名单.xlsx");

        var refused = s.Page.Locator("#import-refused");
        await Expect(refused.Locator("h2")).ToHaveTextAsync("未导入任何人员");
        await Expect(refused).ToContainTextAsync("文件共 2 行数据，其中 1 行有错误（共 1 处）");
        var rows = refused.Locator("table.import-errors tbody tr");
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows.Locator("td").Nth(0)).ToHaveTextAsync("3");
        await Expect(rows.Locator("td").Nth(1)).ToHaveTextAsync("身份证号码");
        await Expect(rows.Locator("td").Nth(2)).ToHaveTextAsync(new Regex("^身份证号码校验码错误：第 18 位应为“.”"));

        var download = await s.Page.RunAndWaitForDownloadAsync(() => s.Page.GetByRole(AriaRole.Button, new() { Name = "下载标注错误的工作簿" }).ClickAsync());
        Assert.Equal("十一月名单.errors.xlsx", download.SuggestedFilename);
        var annotated = DataSheet(await ReadAsync(download));
        var errorColumn = Grassroots.Exchange.Xlsx.ColumnName(ImportColumns.All.Count + 1);
        Assert.Equal("错误原因", annotated.GetValueOrDefault(errorColumn + 1));
        Assert.False(annotated.ContainsKey(errorColumn + 2), "the good row has no error");
        Assert.StartsWith("身份证号码：身份证号码校验码错误", annotated[errorColumn + 3]);
        Assert.Equal("多布杰", annotated["B3"]);
        Assert.Equal("格桑曲珍", annotated["B2"]);
        // The page stays as it was: the errors are still there to read while fixing the file.
        await Expect(rows).ToHaveCountAsync(1);

        await s.Page.GotoAsync("/people?q=" + Uri.EscapeDataString("格桑曲珍"));
        await Expect(s.Page.Locator(".empty")).ToContainTextAsync("没有符合条件的人员。");
        Assert.False(await app.WithSystemDbAsync(db => db.People.IgnoreQueryFilters().AnyAsync(p => p.Name == "格桑曲珍" || p.Name == "多布杰")));
        // The refused upload is answered with status 400, as the API answers it; Chromium logs that, and nothing else.
        Assert.Equal(["Failed to load resource: the server responded with a status of 400 (Bad Request)"], s.ConsoleErrors);
    }

    [Fact]
    public async Task ImportPage_UploadOfAnOldXlsFile_SaysSoInChinese()
    {
        await using var s = await app.SignInAsync("pulan.county");
        await s.Page.GotoAsync("/people/import");
        byte[] ole = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0, 0, 0];
        await UploadAsync(s.Page, ole, "名单.xlsx");

        await Expect(s.Page.Locator("#error-summary")).ToContainTextAsync("这是旧版 Excel 97-2003（.xls）文件");
        await Expect(s.Page.Locator("#import-refused")).ToHaveCountAsync(0);
        await Expect(s.Page.Locator("#file")).ToHaveAttributeAsync("aria-invalid", "true");
    }

    [Fact]
    public async Task ImportPage_WithRefusedRows_AtPhoneWidth_FitsTheScreen()
    {
        await using var s = await app.SignInAsync("pulan.county", width: 390, height: 844);
        await s.Page.GotoAsync("/people/import");
        var file = XlsxFiles.FillTemplate(await DownloadTemplateAsync(s.Page),
            [Row("央宗", "女", new DateOnly(1992, 12, 1), 46, "普兰县不存在的单位")]);
        await UploadAsync(s.Page, file, "名单.xlsx");

        await Expect(s.Page.Locator("table.import-errors tbody tr")).ToContainTextAsync("工作单位“普兰县不存在的单位”不存在或不在您的管辖范围内。");
        var scrollWidth = await s.Page.EvaluateAsync<int>("document.documentElement.scrollWidth");
        Assert.True(scrollWidth <= 390, $"page is {scrollWidth}px wide at a 390px screen");
        var upload = await s.Page.GetByRole(AriaRole.Button, new() { Name = "上传并导入" }).BoundingBoxAsync();
        Assert.True(upload!.X + upload.Width <= 390, "the upload button is within the screen's width");
    }

    // ---------- helpers ----------

    static async Task<byte[]> ReadAsync(IDownload download)
    {
        await using var stream = await download.CreateReadStreamAsync();
        using var ms = new MemoryStream();
        await stream.CopyToAsync(ms, TestContext.Current.CancellationToken);
        return ms.ToArray();
    }

    static async Task<byte[]> DownloadTemplateAsync(IPage page)
    {
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "下载导入模板（.xlsx）" }).ClickAsync());
        Assert.Equal(ImportTemplateBuilder.FileName, download.SuggestedFilename);
        var bytes = await ReadAsync(download);
        Assert.Equal("PK"u8.ToArray(), bytes[..2]);
        using var doc = SpreadsheetDocument.Open(new MemoryStream(bytes), false);
        Assert.Contains(ImportTemplateBuilder.DataSheet, doc.WorkbookPart!.Workbook.Sheets!.Elements<Sheet>().Select(x => x.Name!.Value));
        return bytes;
    }

    static async Task UploadAsync(IPage page, byte[] file, string name)
    {
        await page.Locator("#file").SetInputFilesAsync(new FilePayload
        {
            Name = name,
            MimeType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Buffer = file,
        });
        await page.GetByRole(AriaRole.Button, new() { Name = "上传并导入" }).ClickAsync();
    }

    static List<string> DataSheetHeaders(byte[] workbook) =>
        DataSheet(workbook).Where(kv => Regex.IsMatch(kv.Key, "^[A-Z]+1$")).OrderBy(kv => kv.Key.Length).ThenBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Value).ToList();

    /// <summary>The text of every cell of the 人员信息 sheet, by reference (A1…).</summary>
    static Dictionary<string, string> DataSheet(byte[] workbook)
    {
        using var doc = SpreadsheetDocument.Open(new MemoryStream(workbook), false);
        var wb = doc.WorkbookPart!;
        var sheet = wb.Workbook.Sheets!.Elements<Sheet>().Single(x => x.Name == ImportTemplateBuilder.DataSheet);
        var shared = wb.SharedStringTablePart?.SharedStringTable.Elements<SharedStringItem>().Select(i => i.InnerText).ToList() ?? [];
        return ((WorksheetPart)wb.GetPartById(sheet.Id!)).Worksheet.Descendants<Cell>()
            .Select(c => (Ref: c.CellReference!.Value!, Text: c.DataType?.Value == CellValues.SharedString ? shared[int.Parse(c.CellValue!.Text)] : c.InlineString?.InnerText ?? c.CellValue?.Text))
            .Where(c => !string.IsNullOrEmpty(c.Text))
            .ToDictionary(c => c.Ref, c => c.Text!);
    }

    static Dictionary<string, string> Row(string name, string gender, DateOnly birth, int sequence, string unit, bool breakCheckDigit = false)
    {
        var id = TestData.MakeId("542521", birth, sequence).Value;
        if (breakCheckDigit) id = id[..17] + (id[17] == '0' ? '1' : '0');
        return new Dictionary<string, string>
        {
            ["姓名"] = name, ["性别"] = gender, ["民族"] = "藏族", ["身份证号码"] = id, ["政治面貌"] = "中共党员",
            ["入党时间"] = birth.AddYears(23).ToString("yyyy-MM-dd"), ["参加工作时间"] = birth.AddYears(22).ToString("yyyy-MM"),
            ["学历"] = "大学本科毕业", ["工作单位"] = unit, ["职务"] = "科员", ["条线"] = "农牧", ["联系电话"] = "13900001234",
        };
    }
}

/// <summary>The exchange tests' own application and browser.</summary>
[CollectionDefinition(Name)]
public sealed class ExchangeBrowserCollection : ICollectionFixture<BrowserApp>
{
    public const string Name = "browser-exchange";
}
