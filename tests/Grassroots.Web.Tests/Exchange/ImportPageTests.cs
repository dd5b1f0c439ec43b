using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Grassroots.Exchange;
using Grassroots.Web.Tests.Infrastructure;
using Grassroots.Web.Tests.Security;
using Microsoft.EntityFrameworkCore;

namespace Grassroots.Web.Tests.Exchange;

/// <summary>
/// The import page's form posts over HTTP with a cookie session, as the browser sends them: the upload to
/// <c>/people/import</c> and the annotated workbook's download from <c>/people/import/errors</c>, both anti-forgery checked.
/// </summary>
public abstract partial class ImportPageTests(GrassrootsApp app)
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    const string Xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    [Fact]
    public async Task Upload_WithoutTheAntiforgeryToken_IsRefusedWith400_AndImportsNothing()
    {
        var (client, _) = await app.CookieLoginAsync("pulan.county");
        var file = await FilledTemplateAsync(client, [Row("扎西卓嘎", "女", new DateOnly(1990, 1, 2), 2)]);
        var before = await app.PeopleCountAsync();

        var response = await client.PostAsync("/people/import", Upload(file, token: null), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(before, await app.PeopleCountAsync());
        Assert.False(await app.WithSystemDbAsync(db => db.People.IgnoreQueryFilters().AnyAsync(p => p.Name == "扎西卓嘎", Ct)));
    }

    [Fact]
    public async Task Upload_WithTheToken_ImportsEveryRow_AndRedirectsToTheCount()
    {
        var (client, _) = await app.CookieLoginAsync("pulan.county");
        var file = await FilledTemplateAsync(client,
        [
            Row("贡觉", "男", new DateOnly(1988, 4, 1), 51),
            Row("曲珍", "女", new DateOnly(1989, 5, 2), 52),
        ]);

        var response = await client.PostAsync("/people/import", Upload(file, await TokenAsync(client)), Ct);

        Assert.True(response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found or HttpStatusCode.SeeOther, $"upload answered {(int)response.StatusCode}");
        Assert.EndsWith("/people/import?imported=2", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
        var page = WebUtility.HtmlDecode(await client.GetStringAsync("/people/import?imported=2", Ct));
        Assert.Contains("已导入 2 人", page, StringComparison.Ordinal);
        var names = await app.WithSystemDbAsync(db => db.People.IgnoreQueryFilters().Where(p => p.Name == "贡觉" || p.Name == "曲珍").Select(p => p.RegionCode).ToListAsync(Ct));
        Assert.Equal(2, names.Count);
        Assert.All(names, r => Assert.Equal("542521", r.Value));
    }

    [Fact]
    public async Task Upload_WithABadRow_ShowsTheRowError_ImportsNothing_AndTheTicketDownloadsTheAnnotatedWorkbook()
    {
        var (client, _) = await app.CookieLoginAsync("pulan.county");
        var file = await FilledTemplateAsync(client,
        [
            Row("仁青", "男", new DateOnly(1986, 6, 3), 53),
            Row("边巴", "男", new DateOnly(1987, 7, 4), 55, breakCheckDigit: true),
        ]);
        var before = await app.PeopleCountAsync();

        var response = await client.PostAsync("/people/import", Upload(file, await TokenAsync(client), "名单.xlsx"), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var page = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync(Ct));
        Assert.Contains("未导入任何人员", page, StringComparison.Ordinal);
        Assert.Matches(@"<td class=""num"">3</td>\s*<td class=""column"">身份证号码</td>\s*<td class=""message"">身份证号码校验码错误", page);
        Assert.Equal(before, await app.PeopleCountAsync());

        var ticket = WorkbookField().Match(page);
        Assert.True(ticket.Success, "the error page carries the annotated workbook's ticket");
        var download = await client.PostAsync("/people/import/errors", Form(await TokenAsync(client), ticket.Groups[1].Value), Ct);

        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal(Xlsx, download.Content.Headers.ContentType!.MediaType);
        Assert.Equal("名单.errors.xlsx", download.Content.Headers.ContentDisposition!.FileNameStar);
        var errors = ErrorColumn(await download.Content.ReadAsByteArrayAsync(Ct));
        Assert.Equal("错误原因", errors[1]);
        Assert.False(errors.ContainsKey(2));
        Assert.StartsWith("身份证号码：身份证号码校验码错误", errors[3]);
        // The ticket is encrypted: the page never shows the uploaded ID numbers in the clear.
        Assert.DoesNotContain(TestData.MakeId("542521", new DateOnly(1986, 6, 3), 53).Value, page);
    }

    [Fact]
    public async Task Upload_WithHundredsOfErrors_ListsTheFirst200_AndPointsToTheWorkbookForTheRest()
    {
        var (client, _) = await app.CookieLoginAsync("pulan.county");
        var rows = Enumerable.Range(0, 250).Select(i => Row("", i % 2 == 0 ? "女" : "男", new DateOnly(1980, 1, 1).AddDays(i), 100 + i));
        var file = await FilledTemplateAsync(client, rows);

        var response = await client.PostAsync("/people/import", Upload(file, await TokenAsync(client)), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var page = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync(Ct));
        Assert.Contains("文件共 250 行数据，其中 250 行有错误（共 250 处）", page, StringComparison.Ordinal);
        Assert.Equal(200, Regex.Count(page, "<td class=\"message\">姓名不能为空。</td>"));
        Assert.Contains("这里只列出前 200 处错误，全部错误见标注错误的工作簿。", page, StringComparison.Ordinal);
        Assert.Contains(">201</td>", page, StringComparison.Ordinal);
        Assert.DoesNotContain(">202</td>", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ErrorWorkbookDownload_WithoutTheAntiforgeryToken_IsRefusedWith400()
    {
        var (client, _) = await app.CookieLoginAsync("pulan.county");
        var ticket = await RefusedUploadTicketAsync(client);

        var response = await client.PostAsync("/people/import/errors", Form(token: null, ticket), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotEqual(Xlsx, response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task ErrorWorkbookDownload_ByAnotherAccount_GivesNoFile()
    {
        var (pulan, _) = await app.CookieLoginAsync("pulan.county");
        var ticket = await RefusedUploadTicketAsync(pulan);
        var (zanda, _) = await app.CookieLoginAsync("zanda.county");

        var response = await zanda.PostAsync("/people/import/errors", Form(await TokenAsync(zanda), ticket), Ct);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.EndsWith("/people/import?expired=1", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ErrorWorkbookDownload_AfterAnHour_GivesNoFile()
    {
        var (client, _) = await app.CookieLoginAsync("pulan.county");
        var ticket = await RefusedUploadTicketAsync(client);
        app.Clock.Advance(TimeSpan.FromMinutes(61));
        (client, _) = await app.CookieLoginAsync("pulan.county"); // the first session has idled out too

        var response = await client.PostAsync("/people/import/errors", Form(await TokenAsync(client), ticket), Ct);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.EndsWith("/people/import?expired=1", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
        var page = WebUtility.HtmlDecode(await client.GetStringAsync("/people/import?expired=1", Ct));
        Assert.Contains("标注错误的工作簿已失效", page, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("none", "请先选择要导入的 Excel 文件（.xlsx）。")]
    [InlineData("empty", "上传的文件是空的。")]
    [InlineData("csv", "文件不是 Excel 工作簿（.xlsx）")]
    [InlineData("big", "文件超过 10 MB 的大小上限，请分批导入。")]
    [InlineData("bomb", "可能是压缩炸弹，已拒绝。")]
    [InlineData("dtd", "含有文档类型定义（DTD），出于安全原因拒绝处理。")]
    public async Task Upload_OfNoFileOrNotAWorkbook_ShowsTheChineseReason(string kind, string message)
    {
        var (client, _) = await app.CookieLoginAsync("pulan.county");
        var token = await TokenAsync(client);
        var content = kind switch
        {
            "none" => Upload(null, token, ""),
            "empty" => Upload([], token, "空.xlsx"),
            "big" => Upload([.. "PK\u0003\u0004"u8, .. new byte[10 * 1024 * 1024]], token),
            "bomb" => Upload(Zip(("xl/worksheets/sheet1.xml", 300, new byte[1024 * 1024])), token),
            "dtd" => Upload(Zip(("[Content_Types].xml", 1, "<?xml version=\"1.0\"?><!DOCTYPE t [<!ENTITY x \"x\">]><Types>&x;</Types>"u8.ToArray())), token),
            _ => Upload("姓名,身份证号码\n扎西,542521198803140013\n"u8.ToArray(), token, "people.xlsx"),
        };

        var response = await client.PostAsync("/people/import", content, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var page = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync(Ct));
        Assert.Contains(message, page, StringComparison.Ordinal);
        Assert.DoesNotContain("未导入任何人员", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ImportPage_ForTheAuditor_IsTheForbiddenNotice()
    {
        var (client, _) = await app.CookieLoginAsync("auditor");
        var response = await client.GetAsync("/people/import", Ct);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("您的角色不能导入人员信息。", WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync(Ct)), StringComparison.Ordinal);
    }

    // ---------- helpers ----------

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    [GeneratedRegex("name=\"workbook\" value=\"([^\"]+)\"")]
    private static partial Regex WorkbookField();

    static async Task<string> TokenAsync(HttpClient client)
    {
        var page = await client.GetStringAsync("/people/import", Ct);
        var match = AntiforgeryField().Match(page);
        Assert.True(match.Success, "the import page carries an anti-forgery token");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    /// <summary>The page's upload form: <c>_handler=import</c>, the token when given, the file field.</summary>
    static MultipartFormDataContent Upload(byte[]? file, string? token, string fileName = "人员.xlsx")
    {
        var form = new MultipartFormDataContent { { new StringContent("import"), "_handler" } };
        if (token is not null) form.Add(new StringContent(token), "__RequestVerificationToken");
        var content = new ByteArrayContent(file ?? []);
        content.Headers.ContentType = new MediaTypeHeaderValue(file is null ? "application/octet-stream" : Xlsx);
        if (fileName.Length > 0) form.Add(content, "file", fileName);
        else
        {
            // What a browser sends when no file was chosen: the field, an empty file name, no content.
            content.Headers.ContentDisposition = new ContentDispositionHeaderValue("form-data") { Name = "\"file\"", FileName = "\"\"" };
            form.Add(content);
        }
        return form;
    }

    /// <summary>A zip whose entries are <c>Content</c> written <c>Times</c> times over.</summary>
    static byte[] Zip(params (string Name, int Times, byte[] Content)[] entries)
    {
        using var ms = new MemoryStream();
        using (var zip = new System.IO.Compression.ZipArchive(ms, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, times, content) in entries)
            {
                using var s = zip.CreateEntry(name, System.IO.Compression.CompressionLevel.SmallestSize).Open();
                for (var i = 0; i < times; i++) s.Write(content);
            }
        }
        return ms.ToArray();
    }

    static FormUrlEncodedContent Form(string? token, string ticket)
    {
        var fields = new Dictionary<string, string> { ["workbook"] = ticket };
        if (token is not null) fields["__RequestVerificationToken"] = token;
        return new FormUrlEncodedContent(fields);
    }

    async Task<string> RefusedUploadTicketAsync(HttpClient client)
    {
        var file = await FilledTemplateAsync(client, [Row("次仁", "男", new DateOnly(1985, 2, 3), 57, breakCheckDigit: true)]);
        var response = await client.PostAsync("/people/import", Upload(file, await TokenAsync(client)), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var match = WorkbookField().Match(await response.Content.ReadAsStringAsync(Ct));
        Assert.True(match.Success, "the error page carries the annotated workbook's ticket");
        return match.Groups[1].Value;
    }

    Dictionary<string, string> Row(string name, string gender, DateOnly birth, int sequence, bool breakCheckDigit = false)
    {
        var id = TestData.MakeId("542521", birth, sequence).Value;
        if (breakCheckDigit) id = id[..17] + (id[17] == '0' ? '1' : '0');
        return new Dictionary<string, string>
        {
            ["姓名"] = name, ["性别"] = gender, ["民族"] = "藏族", ["身份证号码"] = id, ["政治面貌"] = "群众",
            ["工作单位"] = app.Data.PulanUnit.Name, ["职务"] = "科员", ["条线"] = "农牧",
        };
    }

    static async Task<byte[]> FilledTemplateAsync(HttpClient client, IEnumerable<Dictionary<string, string>> rows) =>
        XlsxFiles.FillTemplate(await client.GetByteArrayAsync("/api/people/import-template", Ct), rows);

    /// <summary>The “错误原因” column of the data sheet, by row number.</summary>
    static Dictionary<uint, string> ErrorColumn(byte[] workbook)
    {
        using var doc = SpreadsheetDocument.Open(new MemoryStream(workbook), false);
        var wb = doc.WorkbookPart!;
        var sheet = wb.Workbook.Sheets!.Elements<Sheet>().Single(s => s.Name == ImportTemplateBuilder.DataSheet);
        var ws = ((WorksheetPart)wb.GetPartById(sheet.Id!)).Worksheet;
        var column = Grassroots.Exchange.Xlsx.ColumnName(ImportColumns.All.Count + 1);
        return ws.Descendants<Row>()
            .Select(r => (r.RowIndex!.Value, Cell: r.Elements<Cell>().FirstOrDefault(c => c.CellReference == column + r.RowIndex!.Value)))
            .Where(x => x.Cell?.InlineString is not null)
            .ToDictionary(x => x.Item1, x => x.Cell!.InlineString!.InnerText);
    }
}

public sealed class ImportPageTestsSqlite(SqliteApp app) : ImportPageTests(app), IClassFixture<SqliteApp>;

public sealed class ImportPageTestsPostgres(PostgresApp app) : ImportPageTests(app), IClassFixture<PostgresApp>;
