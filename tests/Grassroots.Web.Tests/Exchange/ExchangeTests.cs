using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Grassroots.Audit;
using Grassroots.Exchange;
using Grassroots.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Grassroots.Web.Tests.Exchange;

/// <summary>S-RPT-2 through the HTTP API: roster export, import template and import, on both databases.</summary>
public abstract class ExchangeTests(GrassrootsApp app)
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    const string Xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    // ---------- export ----------

    [Fact]
    public async Task Export_AsPulanCounty_ListsExactlyThePulanPeopleOfTheList()
    {
        var client = await app.ClientAsAsync("pulan.county");
        var response = await client.GetAsync("/api/people/export", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Xlsx, response.Content.Headers.ContentType!.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync(Ct);
        Assert.Empty(XlsxFiles.SchemaErrors(bytes));
        var roster = XlsxFiles.Read(bytes);

        var list = await client.GetFromJsonAsync<PageDto>("/api/people?pageSize=100", Ct);
        Assert.Equal(list!.Items.Select(i => i.Name).Order(), roster.DataRows.Select(r => SpreadsheetText.Restore(r[1])).Order());
        Assert.Contains(app.Data.PulanCadre.Name, roster.DataRows.Select(r => r[1]));
        Assert.DoesNotContain(app.Data.ZandaCadre.Name, roster.AllText);
        Assert.DoesNotContain(app.Data.PrefectureCadre.Name, roster.AllText);
        Assert.Equal(RosterExporter.Columns.Select(c => c.Header), roster.Header);
        Assert.Contains(roster.AllText, t => t.Contains("导出人：普兰县委组织部（pulan.county）", StringComparison.Ordinal) && t.Contains("2026年11月27日 10:00（北京时间）", StringComparison.Ordinal));
        Assert.Contains("阿里地区普兰县驻村干部和社区工作者花名册", roster.AllText);
        Assert.Contains($"合计：{list.Total} 人", roster.AllText);
    }

    [Fact]
    public async Task Export_MasksIdNumbers_NoFullNumberAnywhereInTheFile()
    {
        var client = await app.ClientAsAsync("pulan.county");
        var bytes = await client.GetByteArrayAsync("/api/people/export", Ct);
        var allIds = await app.WithSystemDbAsync(db => db.People.IgnoreQueryFilters().Select(p => p.IdNumber).ToListAsync(Ct));
        var raw = XlsxFiles.RawXml(bytes);
        foreach (var id in allIds) Assert.DoesNotContain(id.Value, raw);
        var roster = XlsxFiles.Read(bytes);
        Assert.Contains(app.Data.PulanCadre.IdNumber.Masked, roster.DataRows.Select(r => r[5]));
        Assert.All(roster.DataRows, r => Assert.Matches(@"^\d{6}\*{8}\d{3}[\dX]$", r[5]));
    }

    [Fact]
    public async Task Export_PersonNamedLikeAFormula_IsWrittenAsTextNotAFormula()
    {
        var client = await app.ClientAsAsync("pulan.county");
        var id = TestData.MakeId("542521", new DateOnly(1979, 4, 5), 91).Value;
        var created = await client.PostAsJsonAsync("/api/people", new
        {
            kind = "cadre", name = "=1+1", genderCode = "1", ethnicCode = "04", birthDate = "1979-04-05", idNumber = id,
            politicalStatusCode = "13", unitId = app.Data.PulanUnit.Id, post = "@SUM(A1)",
        }, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var bytes = await client.GetByteArrayAsync("/api/people/export?q=" + Uri.EscapeDataString("=1+1"), Ct);
        using var doc = SpreadsheetDocument.Open(new MemoryStream(bytes), false);
        var sheet = doc.WorkbookPart!.WorksheetParts.Single().Worksheet;
        Assert.Empty(sheet.Descendants<CellFormula>());
        Assert.DoesNotContain("<x:f>", XlsxFiles.RawXml(bytes));
        Assert.DoesNotContain("<f>", XlsxFiles.RawXml(bytes));
        var nameCell = sheet.Descendants<Cell>().Single(c => c.InlineString?.InnerText == "'=1+1");
        Assert.Equal(CellValues.InlineString, nameCell.DataType!.Value);
        Assert.Contains(sheet.Descendants<Cell>(), c => c.InlineString?.InnerText == "'@SUM(A1)");
    }

    [Fact]
    public async Task Export_WritesAnAuditRowWithTheFilterAndCount()
    {
        var client = await app.ClientAsAsync("pulan.county");
        var before = await CountAuditAsync(AuditEvents.Export, "pulan.county");
        var response = await client.GetAsync("/api/people/export?kind=cadre&sort=-birth", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var rows = XlsxFiles.Read(await response.Content.ReadAsByteArrayAsync(Ct)).DataRows.Count;
        var entries = await app.WithSystemDbAsync(db => db.AuditEntries.Where(a => a.Event == AuditEvents.Export && a.UserName == "pulan.county").ToListAsync(Ct));
        Assert.Equal(before + 1, entries.Count);
        var latest = entries.OrderByDescending(a => a.Id).First();
        Assert.Equal("Person", latest.ObjectType);
        Assert.Contains("类别 驻村干部", latest.Detail);
        Assert.Contains($"共 {rows} 人", latest.Detail);
    }

    [Fact]
    public async Task Export_AsZandaCounty_HasNoPulanPerson()
    {
        var client = await app.ClientAsAsync("zanda.county");
        var roster = XlsxFiles.Read(await client.GetByteArrayAsync("/api/people/export", Ct));
        Assert.Contains(app.Data.ZandaCadre.Name, roster.DataRows.Select(r => r[1]));
        Assert.DoesNotContain(app.Data.PulanCadre.Name, roster.AllText);
        Assert.DoesNotContain(app.Data.PulanTownCadre.Name, roster.AllText);
        var pulanPeople = await app.WithSystemDbAsync(db => db.People.IgnoreQueryFilters().Where(p => p.RegionPath.Contains("/542521/")).Select(p => p.Name).ToListAsync(Ct));
        foreach (var name in pulanPeople) Assert.DoesNotContain(roster.DataRows, r => r[1] == name);
    }

    [Fact]
    public async Task Export_HasAChineseFileNameInContentDisposition()
    {
        var client = await app.ClientAsAsync("pulan.county");
        var response = await client.GetAsync("/api/people/export", Ct);
        var disposition = response.Content.Headers.ContentDisposition!;
        Assert.Equal("attachment", disposition.DispositionType);
        Assert.Equal("阿里地区普兰县驻村干部和社区工作者花名册-20261127.xlsx", disposition.FileNameStar);
    }

    [Fact]
    public async Task Export_WithABadSort_Is400()
    {
        var client = await app.ClientAsAsync("pulan.county");
        var response = await client.GetAsync("/api/people/export?sort=name;drop", Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("排序字段", await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task Export_ByAuditAdministrator_IsForbidden()
    {
        var client = await app.ClientAsAsync("auditor");
        var response = await client.GetAsync("/api/people/export", Ct);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    // ---------- template ----------

    [Fact]
    public async Task ImportTemplate_Downloads_WithTheUnitsOfTheScope()
    {
        var client = await app.ClientAsAsync("pulan.county");
        var response = await client.GetAsync("/api/people/import-template", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Xlsx, response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(ImportTemplateBuilder.FileName, response.Content.Headers.ContentDisposition!.FileNameStar);
        var bytes = await response.Content.ReadAsByteArrayAsync(Ct);
        Assert.Empty(XlsxFiles.SchemaErrors(bytes));
        using var doc = SpreadsheetDocument.Open(new MemoryStream(bytes), false);
        var texts = doc.WorkbookPart!.WorksheetParts.SelectMany(p => p.Worksheet.Descendants<Cell>()).Select(c => c.InlineString?.InnerText).ToList();
        Assert.Contains(app.Data.PulanUnit.Name, texts);
        Assert.Contains(app.Data.PulanTownUnit.Name, texts);
        Assert.DoesNotContain(app.Data.ZandaUnit.Name, texts);
        Assert.DoesNotContain(app.Data.PrefectureUnit.Name, texts);
    }

    // ---------- import ----------

    [Fact]
    public async Task Import_GoodFileOfThreeRows_ImportsAllThree()
    {
        var client = await app.ClientAsAsync("pulan.county");
        var rows = new[]
        {
            Row("白玛央宗", "女", new DateOnly(1986, 2, 11), 22, app.Data.PulanUnit.Name),
            Row("格桑多吉", "男", new DateOnly(1987, 9, 30), 33, app.Data.PulanTownUnit.Name),
            Row("李晓明", "男", new DateOnly(1984, 12, 17), 45, app.Data.PulanUnit.Name, ethnic: "01", birthText: "1984.12"),
        };
        var file = await FilledTemplateAsync(client, rows);
        var response = await PostImportAsync(client, file);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(3, body.GetProperty("imported").GetInt32());

        foreach (var name in new[] { "白玛央宗", "格桑多吉", "李晓明" })
        {
            var page = await client.GetFromJsonAsync<PageDto>("/api/people?q=" + Uri.EscapeDataString(name), Ct);
            var item = Assert.Single(page!.Items);
            var detail = await client.GetFromJsonAsync<JsonElement>($"/api/people/{item.Id}", Ct);
            Assert.Equal(name, detail.GetProperty("name").GetString());
        }
        var li = await client.GetFromJsonAsync<PageDto>("/api/people?q=" + Uri.EscapeDataString("李晓明"), Ct);
        var liDetail = await client.GetFromJsonAsync<JsonElement>($"/api/people/{li!.Items[0].Id}", Ct);
        Assert.Equal("1984-12-17", liDetail.GetProperty("birthDate").GetString());
        Assert.Equal("01", liDetail.GetProperty("ethnicCode").GetString());
        Assert.Equal("Established", liDetail.GetProperty("staffStatus").GetString());
        Assert.Equal(app.Data.PulanUnit.Id, liDetail.GetProperty("unitId").GetGuid());
        Assert.Equal("2008-12-01", liDetail.GetProperty("workStartDate").GetString());
        Assert.Contains(liDetail.GetProperty("history").EnumerateArray(), h => h.GetProperty("fieldName").GetString() == "工作单位");

        // Each imported person has its own creation row in the audit trail (PostgreSQL writes them by COPY), ID masked.
        var liId = li.Items[0].Id.ToString();
        var created = await app.WithSystemDbAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleAsync(
            db.AuditEntries, a => a.Event == "create" && a.ObjectType == "Person" && a.ObjectId == liId, Ct));
        Assert.Equal("pulan.county", created.UserName);
        Assert.Contains("李晓明", created.After);
        Assert.Contains("********", created.After);
    }

    [Fact]
    public async Task Import_WithOneBadRow_ImportsNothingAndReportsThatRow()
    {
        var client = await app.ClientAsAsync("pulan.county");
        var before = await CountPeopleAsync();
        var file = await FilledTemplateAsync(client,
        [
            Row("次旦", "男", new DateOnly(1990, 5, 5), 11, app.Data.PulanUnit.Name),
            Row("央金", "女", new DateOnly(1991, 6, 6), 12, app.Data.PulanUnit.Name, breakCheckDigit: true),
            Row("达瓦", "男", new DateOnly(1992, 7, 7), 13, app.Data.PulanUnit.Name),
        ]);
        var response = await PostImportAsync(client, file);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var errors = problem.GetProperty("errors");
        var row3 = errors.GetProperty("第3行").EnumerateArray().Select(e => e.GetString()!).ToList();
        Assert.Contains(row3, m => m.StartsWith("身份证号码：身份证号码校验码错误", StringComparison.Ordinal));
        Assert.Single(errors.EnumerateObject());
        Assert.Contains("没有导入任何人员", problem.GetProperty("title").GetString());
        var rows = problem.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(3, rows[0].GetProperty("row").GetInt32());
        Assert.Equal("身份证号码", rows[0].GetProperty("column").GetString());
        Assert.Equal(before, await CountPeopleAsync());
        var found = await client.GetFromJsonAsync<PageDto>("/api/people?q=" + Uri.EscapeDataString("次旦"), Ct);
        Assert.Empty(found!.Items);
    }

    [Fact]
    public async Task Import_Annotated_ReturnsTheWorkbookWithTheErrorColumnOnTheBadRow()
    {
        var client = await app.ClientAsAsync("pulan.county");
        var file = await FilledTemplateAsync(client,
        [
            Row("旺姆", "女", new DateOnly(1993, 1, 8), 14, app.Data.PulanUnit.Name),
            Row("平措", "男", new DateOnly(1994, 2, 9), 15, app.Data.PulanUnit.Name, breakCheckDigit: true),
        ]);
        var response = await PostImportAsync(client, file, annotated: true);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(Xlsx, response.Content.Headers.ContentType!.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync(Ct);
        Assert.Empty(XlsxFiles.SchemaErrors(bytes));

        using var doc = SpreadsheetDocument.Open(new MemoryStream(bytes), false);
        var wb = doc.WorkbookPart!;
        var sheet = wb.Workbook.Sheets!.Elements<Sheet>().Single(s => s.Name == ImportTemplateBuilder.DataSheet);
        var ws = ((WorksheetPart)wb.GetPartById(sheet.Id!)).Worksheet;
        var rows = ws.Descendants<Row>().ToDictionary(r => r.RowIndex!.Value);
        var errorColumn = Grassroots.Exchange.Xlsx.ColumnName(ImportColumns.All.Count + 1);
        string? At(uint row, string col) => rows[row].Elements<Cell>().FirstOrDefault(c => c.CellReference == col + row)?.InlineString?.InnerText;
        Assert.Equal("错误原因", At(1, errorColumn));
        Assert.Null(At(2, errorColumn));
        Assert.StartsWith("身份证号码：身份证号码校验码错误", At(3, errorColumn));
        Assert.Equal("平措", At(3, "B"));

        var idColumn = Grassroots.Exchange.Xlsx.ColumnName(ImportColumns.All.ToList().FindIndex(c => c.Field == "idNumber") + 1);
        var badCell = rows[3].Elements<Cell>().Single(c => c.CellReference == idColumn + 3);
        var goodCell = rows[2].Elements<Cell>().Single(c => c.CellReference == idColumn + 2);
        var formats = wb.WorkbookStylesPart!.Stylesheet.CellFormats!.Elements<CellFormat>().ToList();
        var fills = wb.WorkbookStylesPart.Stylesheet.Fills!.Elements<Fill>().ToList();
        string? FillOf(Cell c) => fills[(int)(formats[(int)(c.StyleIndex?.Value ?? 0)].FillId?.Value ?? 0)].PatternFill?.ForegroundColor?.Rgb?.Value;
        Assert.Equal("FFFFC7CE", FillOf(badCell));
        Assert.NotEqual("FFFFC7CE", FillOf(goodCell));
        // The drop-downs of the template survive the round trip.
        Assert.NotEmpty(ws.Descendants<DataValidation>());

        // Uploading the annotated file again (after fixing nothing) reports the same row, and the old column is ignored.
        var again = await PostImportAsync(client, bytes);
        var problem = await again.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(["第3行"], problem.GetProperty("errors").EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task Import_FileThatIsNotAnXlsx_Is400WithAMessage()
    {
        var client = await app.ClientAsAsync("pulan.county");
        var response = await PostImportAsync(client, "姓名,身份证号码\n扎西,542521198803140013\n"u8.ToArray(), fileName: "people.xlsx");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Contains("不是 Excel 工作簿", problem.GetProperty("errors").GetProperty("file")[0].GetString());
    }

    [Fact]
    public async Task Import_ZipBomb_Is400BeforeAnyPartIsParsed()
    {
        var client = await app.ClientAsAsync("pulan.county");
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var s = zip.CreateEntry("xl/worksheets/sheet1.xml", CompressionLevel.SmallestSize).Open();
            var zeros = new byte[1024 * 1024];
            for (var i = 0; i < 300; i++) s.Write(zeros);
        }
        var response = await PostImportAsync(client, ms.ToArray());
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("压缩炸弹", await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task Import_ByZandaCounty_NamingAPulanUnit_FailsThatRowAndImportsNothing()
    {
        var client = await app.ClientAsAsync("zanda.county");
        var before = await CountPeopleAsync();
        var file = await FilledTemplateAsync(client,
        [
            Row("尼玛", "男", new DateOnly(1985, 3, 3), 17, app.Data.ZandaUnit.Name, region: "542522"),
            Row("拉巴", "男", new DateOnly(1985, 4, 4), 19, app.Data.PulanUnit.Name, region: "542522"),
        ]);
        var response = await PostImportAsync(client, file);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var errors = problem.GetProperty("errors");
        Assert.Equal(["第3行"], errors.EnumerateObject().Select(p => p.Name));
        Assert.Contains(errors.GetProperty("第3行").EnumerateArray(), e => e.GetString() == $"工作单位：工作单位“{app.Data.PulanUnit.Name}”不存在或不在您的管辖范围内。");
        Assert.Equal(before, await CountPeopleAsync());
    }

    [Fact]
    public async Task Import_DuplicateIdNumbers_InTheFileAndInTheRegistry_AreRefused()
    {
        var client = await app.ClientAsAsync("pulan.county");
        var file = await FilledTemplateAsync(client,
        [
            Row("米玛", "男", new DateOnly(1982, 8, 8), 21, app.Data.PulanUnit.Name),
            Row("米玛", "男", new DateOnly(1982, 8, 8), 21, app.Data.PulanUnit.Name),
            Row("卓玛", "女", app.Data.ZandaCadre.BirthDate, 24, app.Data.PulanUnit.Name, region: "542522"),
        ]);
        var response = await PostImportAsync(client, file);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var errors = problem.GetProperty("errors");
        Assert.Equal("身份证号码：与第 2 行的身份证号码重复。", errors.GetProperty("第3行")[0].GetString());
        Assert.Equal("身份证号码：该身份证号码已登记，不能重复录入。", errors.GetProperty("第4行")[0].GetString());
    }

    [Fact]
    public async Task Import_WritesAnAuditRowInTheSameTransaction()
    {
        var client = await app.ClientAsAsync("pulan.county");
        var file = await FilledTemplateAsync(client,
        [
            Row("索朗", "男", new DateOnly(1989, 10, 10), 31, app.Data.PulanUnit.Name),
            Row("德吉", "女", new DateOnly(1989, 11, 11), 32, app.Data.PulanUnit.Name),
        ]);
        var before = await CountAuditAsync(AuditEvents.Import, "pulan.county");
        var createdBefore = await CountAuditAsync(AuditEvents.Create, "pulan.county");
        var response = await PostImportAsync(client, file);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var entries = await app.WithSystemDbAsync(db => db.AuditEntries.Where(a => a.Event == AuditEvents.Import && a.UserName == "pulan.county").ToListAsync(Ct));
        Assert.Equal(before + 1, entries.Count);
        var latest = entries.OrderByDescending(a => a.Id).First();
        Assert.Equal(AuditResults.Success, latest.Result);
        Assert.Contains("导入 2 人", latest.Detail);
        var people = await app.WithSystemDbAsync(db => db.AuditEntries.CountAsync(a => a.Event == AuditEvents.Create && a.ObjectType == "Person" && a.UserName == "pulan.county", Ct));
        Assert.True(await CountAuditAsync(AuditEvents.Create, "pulan.county") - createdBefore >= 2);
        Assert.True(people >= 2);
    }

    [Fact]
    public async Task Import_ColumnsInAnotherOrderWithCodesAndDateCells_AreMappedByHeader()
    {
        var client = await app.ClientAsAsync("pulan.county");
        var id = TestData.MakeId("542521", new DateOnly(1983, 5, 20), 41).Value;
        // A clerk's own sheet: no template, columns reordered, an extra 序号 column, codes instead of names, a date cell.
        var bytes = XlsxFiles.Build(
            ["序号", "身份证号码", "姓名*", "工作单位", "政治面貌", "民族", "性别", "参加工作时间"],
            [["1", id, "普布", app.Data.PulanUnit.Name, "01", "04", "1", "#date:2005-07-01"]]);
        var response = await PostImportAsync(client, bytes);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Ct));
        var page = await client.GetFromJsonAsync<PageDto>("/api/people?q=" + Uri.EscapeDataString("普布"), Ct);
        var detail = await client.GetFromJsonAsync<JsonElement>($"/api/people/{Assert.Single(page!.Items).Id}", Ct);
        Assert.Equal("藏族", detail.GetProperty("ethnicName").GetString());
        Assert.Equal("2005-07-01", detail.GetProperty("workStartDate").GetString());
    }

    // ---------- helpers ----------

    Dictionary<string, string> Row(string name, string gender, DateOnly birth, int sequence, string unit,
        string ethnic = "藏族", bool breakCheckDigit = false, string region = "542521", string? birthText = null)
    {
        if (gender == "女" && sequence % 2 == 1) sequence++;
        if (gender == "男" && sequence % 2 == 0) sequence++;
        var id = TestData.MakeId(region, birth, sequence).Value;
        if (breakCheckDigit) id = id[..17] + (id[17] == '0' ? '1' : '0');
        return new Dictionary<string, string>
        {
            ["姓名"] = name, ["性别"] = gender, ["民族"] = ethnic, ["身份证号码"] = id, ["政治面貌"] = "中共党员",
            ["出生日期"] = birthText ?? "", ["入党时间"] = birth.AddYears(22).ToString("yyyy-MM-dd"), ["参加工作时间"] = birth.AddYears(24).ToString("yyyy-MM"),
            ["学历"] = "大学本科毕业", ["工作单位"] = unit, ["职务"] = "科员", ["条线"] = "农牧", ["联系电话"] = "13800001234",
        };
    }

    static async Task<byte[]> FilledTemplateAsync(HttpClient client, IEnumerable<Dictionary<string, string>> rows)
    {
        var template = await client.GetByteArrayAsync("/api/people/import-template", Ct);
        return XlsxFiles.FillTemplate(template, rows);
    }

    static async Task<HttpResponseMessage> PostImportAsync(HttpClient client, byte[] file, bool annotated = false, string fileName = "人员.xlsx")
    {
        using var form = new MultipartFormDataContent();
        var content = new ByteArrayContent(file);
        content.Headers.ContentType = new MediaTypeHeaderValue(Xlsx);
        form.Add(content, "file", fileName);
        return await client.PostAsync("/api/people/import" + (annotated ? "?annotated=true" : ""), form, Ct);
    }

    Task<int> CountPeopleAsync() => app.WithSystemDbAsync(db => db.People.IgnoreQueryFilters().CountAsync(Ct));

    Task<int> CountAuditAsync(string evt, string user) => app.WithSystemDbAsync(db => db.AuditEntries.CountAsync(a => a.Event == evt && a.UserName == user, Ct));

    public sealed record PageDto(List<ItemDto> Items, int Total, int Page, int PageSize);

    public sealed record ItemDto(Guid Id, string Name, string Kind, string RegionCode, string IdNumber);
}

public sealed class ExchangeTestsSqlite(SqliteApp app) : ExchangeTests(app), IClassFixture<SqliteApp>;

public sealed class ExchangeTestsPostgres(PostgresApp app) : ExchangeTests(app), IClassFixture<PostgresApp>;
