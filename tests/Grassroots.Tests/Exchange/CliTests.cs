using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Grassroots.Audit;
using Grassroots.Cli;
using Grassroots.Exchange;
using Microsoft.EntityFrameworkCore;

namespace Grassroots.Tests.Exchange;

/// <summary>The <c>grassroots</c> command run in-process on a temporary SQLite file.</summary>
public sealed class CliTests
{
    const string Password = "Qz8#mVt2-Lp9x";

    static async Task<(int Code, string Output)> RunAsync(TempDatabase db, params string[] args)
    {
        var output = new StringWriter();
        var code = await CliApp.RunAsync(["--sqlite", db.Path, .. args], output);
        return (code, output.ToString());
    }

    static byte[] ImportFile(params string[][] rows) =>
        TestWorkbooks.Simple([["人员类别", "姓名", "性别", "民族", "身份证号码", "政治面貌", "工作单位", "职务"], .. rows]);

    static List<string> CellTexts(string path)
    {
        using var doc = SpreadsheetDocument.Open(path, false);
        return doc.WorkbookPart!.WorksheetParts.SelectMany(p => p.Worksheet.Descendants<Cell>()).Select(c => c.InlineString?.InnerText ?? c.CellValue?.Text ?? "").ToList();
    }

    [Fact]
    public async Task DbMigrate_CreatesTheDatabase()
    {
        await using var db = new TempDatabase();
        var (code, output) = await RunAsync(db, "db", "migrate");
        Assert.Equal(CliApp.Ok, code);
        Assert.Contains("数据库已是最新结构", output);
        await using var check = db.Open();
        Assert.True(await check.Codes.AnyAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task CommandsOtherThanMigrate_OnAnEmptyDatabase_AskForMigrate()
    {
        await using var db = new TempDatabase();
        var (code, output) = await RunAsync(db, "users", "create", "--user", "admin", "--role", "system-admin", "--password", Password);
        Assert.Equal(CliApp.Refused, code);
        Assert.Contains("grassroots db migrate", output);
    }

    [Fact]
    public async Task UsersCreate_TwoAdministratorRoles_IsRefusedForSeparationOfDuties()
    {
        await using var db = new TempDatabase();
        await RunAsync(db, "db", "migrate");
        var (code, output) = await RunAsync(db, "users", "create", "--user", "root", "--role", "system-admin", "--role", "audit-admin", "--password", Password);
        Assert.Equal(CliApp.Refused, code);
        Assert.Contains("三员分立", output);
        await using var check = db.Open();
        Assert.False(await check.Users.AnyAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task UsersCreate_FirstAdministrator_IsCreatedAndAuditedUnderTheOsUser()
    {
        await using var db = new TempDatabase();
        await RunAsync(db, "db", "migrate");
        var (code, output) = await RunAsync(db, "users", "create", "--user", "admin", "--display-name", "系统管理员", "--role", "system-admin", "--password", Password);
        Assert.Equal(CliApp.Ok, code);
        Assert.Contains("已创建账号 admin", output);
        await using var check = db.Open();
        Assert.True(await check.Users.AnyAsync(u => u.UserName == "admin", TestContext.Current.CancellationToken));
        Assert.True(await check.AuditEntries.AnyAsync(a => a.ObjectType == "AppUser" && a.Event == AuditEvents.Create && a.UserName == Environment.UserName, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task UsersCreate_PasswordFromStandardInput_WhenNotGiven()
    {
        await using var db = new TempDatabase();
        await RunAsync(db, "db", "migrate");
        var output = new StringWriter();
        var code = await CliApp.RunAsync(["--sqlite", db.Path, "users", "create", "--user", "pulan", "--role", "county-org", "--scope", "542521"], output, new StringReader(Password + "\n"));
        Assert.Equal(CliApp.Ok, code);
    }

    [Fact]
    public async Task UsersCreate_BusinessRoleWithoutScope_IsRefused()
    {
        await using var db = new TempDatabase();
        await RunAsync(db, "db", "migrate");
        var (code, output) = await RunAsync(db, "users", "create", "--user", "clerk", "--role", "county-org", "--password", Password);
        Assert.Equal(CliApp.Refused, code);
        Assert.Contains("必须设置数据范围", output);
    }

    [Fact]
    public async Task UsersCreate_CadreAccount_IsLinkedToThePersonByIdNumber_AndNeedsOne()
    {
        await using var db = new TempDatabase();
        await RunAsync(db, "db", "migrate");
        await db.AddUnitAsync("普兰县农业农村局", "542521");
        var zhaxi = TempDatabase.MakeId("542521", new DateOnly(1988, 3, 14), 13);
        var input = System.IO.Path.Combine(db.Folder, "people.xlsx");
        await File.WriteAllBytesAsync(input, ImportFile(["驻村干部", "扎西", "男", "藏族", zhaxi, "中共党员", "普兰县农业农村局", "科员"]), TestContext.Current.CancellationToken);
        await RunAsync(db, "people", "import", input);

        var (refused, refusal) = await RunAsync(db, "users", "create", "--user", "zhaxi", "--role", "cadre", "--password", Password);
        var (code, output) = await RunAsync(db, "users", "create", "--user", "zhaxi", "--role", "cadre", "--person", zhaxi, "--password", Password);

        Assert.NotEqual(CliApp.Ok, refused);
        Assert.Contains("必须关联本人的人员信息", refusal);
        Assert.True(code == CliApp.Ok, output);
        await using var check = db.Open();
        var user = await check.Users.SingleAsync(u => u.UserName == "zhaxi", TestContext.Current.CancellationToken);
        var person = await check.People.IgnoreQueryFilters().SingleAsync(TestContext.Current.CancellationToken);
        Assert.Equal(person.Id, user.PersonId);
        Assert.Null(user.ScopeCode);
    }

    [Fact]
    public async Task UnknownCommand_IsAUsageError()
    {
        await using var db = new TempDatabase();
        var (code, output) = await RunAsync(db, "people", "frobnicate");
        Assert.Equal(CliApp.Usage, code);
        Assert.Contains("参数错误", output);
    }

    [Fact]
    public async Task PeopleImportThenExport_RoundTripsThroughTheRegistry()
    {
        await using var db = new TempDatabase();
        await RunAsync(db, "db", "migrate");
        await db.AddUnitAsync("普兰县农业农村局", "542521");
        var zhaxi = TempDatabase.MakeId("542521", new DateOnly(1988, 3, 14), 13);
        var zhuoma = TempDatabase.MakeId("542521", new DateOnly(1991, 6, 2), 24);
        var input = System.IO.Path.Combine(db.Folder, "people.xlsx");
        await File.WriteAllBytesAsync(input, ImportFile(
            ["驻村干部", "扎西", "男", "藏族", zhaxi, "中共党员", "普兰县农业农村局", "科员"],
            ["驻村干部", "卓玛", "女", "04", zhuoma, "群众", "普兰县农业农村局", "=1+1"]), TestContext.Current.CancellationToken);

        var (code, output) = await RunAsync(db, "people", "import", input);
        Assert.True(code == CliApp.Ok, output);
        Assert.Contains("已导入 2 人", output);

        var roster = System.IO.Path.Combine(db.Folder, "roster.xlsx");
        (code, output) = await RunAsync(db, "people", "export", roster, "--region", "542521");
        Assert.True(code == CliApp.Ok, output);
        var cells = CellTexts(roster);
        Assert.Contains("扎西", cells);
        Assert.Contains("卓玛", cells);
        Assert.Contains("'=1+1", cells);
        Assert.Contains(zhaxi[..6] + "********" + zhaxi[^4..], cells);
        Assert.DoesNotContain(cells, c => c.Contains(zhaxi, StringComparison.Ordinal) || c.Contains(zhuoma, StringComparison.Ordinal));
        Assert.Contains(cells, c => c.Contains("阿里地区普兰县", StringComparison.Ordinal) && c.Contains("花名册", StringComparison.Ordinal));

        await using var check = db.Open();
        var audit = await check.AuditEntries.Where(a => a.Event == AuditEvents.Import || a.Event == AuditEvents.Export).ToListAsync(TestContext.Current.CancellationToken);
        Assert.Contains(audit, a => a.Event == AuditEvents.Import && a.Result == AuditResults.Success && a.UserName == Environment.UserName);
        Assert.Contains(audit, a => a.Event == AuditEvents.Export && a.Detail!.Contains("共 2 人", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PeopleImport_WithOneBadRow_ImportsNothingAndWritesTheErrorWorkbook()
    {
        await using var db = new TempDatabase();
        await RunAsync(db, "db", "migrate");
        await db.AddUnitAsync("普兰县农业农村局", "542521");
        var good = TempDatabase.MakeId("542521", new DateOnly(1988, 3, 14), 13);
        var bad = TempDatabase.MakeId("542521", new DateOnly(1990, 1, 1), 15);
        bad = bad[..17] + (bad[17] == '0' ? '1' : '0'); // wrong check character
        var input = System.IO.Path.Combine(db.Folder, "people.xlsx");
        await File.WriteAllBytesAsync(input, ImportFile(
            ["驻村干部", "扎西", "男", "藏族", good, "中共党员", "普兰县农业农村局", "科员"],
            ["驻村干部", "次仁", "男", "藏族", bad, "中共党员", "普兰县农业农村局", "科员"]), TestContext.Current.CancellationToken);

        var (code, output) = await RunAsync(db, "people", "import", input);
        Assert.Equal(CliApp.Refused, code);
        Assert.Contains("校验码错误", output);
        Assert.Contains("没有导入任何人员", output);
        var errors = System.IO.Path.Combine(db.Folder, "people.errors.xlsx");
        Assert.True(File.Exists(errors));
        Assert.Contains(CellTexts(errors), c => c.StartsWith("身份证号码：", StringComparison.Ordinal) && c.Contains("校验码", StringComparison.Ordinal));
        await using var check = db.Open();
        Assert.Equal(0, await check.People.CountAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task PeopleImport_MissingFile_IsAUsageError()
    {
        await using var db = new TempDatabase();
        await RunAsync(db, "db", "migrate");
        var (code, output) = await RunAsync(db, "people", "import", System.IO.Path.Combine(db.Folder, "nope.xlsx"));
        Assert.Equal(CliApp.Usage, code);
        Assert.Contains("找不到文件", output);
    }

    [Fact]
    public void ErrorFileName_SitsBesideTheUpload() =>
        Assert.Equal("花名册.errors.xlsx", PeopleImportResult.ErrorFileName("花名册.xlsx"));
}
