using Grassroots.Codes;
using Grassroots.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Grassroots.Tests.Codes;

/// <summary>Customers extend the code tables: new tables, new codes, stop dates — all or nothing, line by line errors.</summary>
public sealed class CodeTableServiceTests : IAsyncLifetime
{
    TestServices services = null!;

    static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => services = await TestServices.StartAsync(TestDatabase.Sqlite, Ct);

    public ValueTask DisposeAsync() => services.DisposeAsync();

    Task<(int Added, int Updated)> ImportAsync(string table, string csv) =>
        services.AsSystemAsync(sp => sp.GetRequiredService<CodeTableService>().ImportAsync(table, new StringReader(csv), Ct));

    Task<IReadOnlyList<CodeEntryDto>> ListAsync(string table) =>
        services.AsSystemAsync(sp => sp.GetRequiredService<CodeTableService>().ListAsync(table, Ct));

    [Fact]
    public async Task Import_ANewTable_AddsItsCodesWithParentsAndDates()
    {
        var result = await ImportAsync("ZB09", "code,name,parent_code,valid_from,valid_to\n1,领导职务,,,\n1A,县处级正职,1,2019-06-01,\n1B,县处级副职,1,2019-06-01,\n");

        Assert.Equal((3, 0), result);
        var codes = await ListAsync("ZB09");
        Assert.Equal(["1", "1A", "1B"], codes.Select(c => c.Code));
        Assert.Equal("1", codes[1].ParentCode);
        Assert.Equal(new DateOnly(2019, 6, 1), codes[1].ValidFrom);
        Assert.All(codes, c => Assert.False(c.IsBuiltIn));
    }

    [Fact]
    public async Task Import_WithOneBadLine_ImportsNothing_AndNamesTheLine()
    {
        var error = await Assert.ThrowsAsync<ValidationException>(() =>
            ImportAsync("ZB09", "code,name,parent_code,valid_from\n1,领导职务,,\n2,非领导职务,,2019-13-01\n3,其他,9,\n"));

        Assert.Contains("启用日期“2019-13-01”应为 yyyy-MM-dd 格式。", error.Errors["第3行"]);
        Assert.Contains("上级代码“9”不在代码表“ZB09”中。", error.Errors["第4行"]);
        Assert.Empty(await ListAsync("ZB09"));
    }

    [Fact]
    public async Task Import_ANationalCode_MayGetAStopDateButNotANewName()
    {
        var renamed = await Assert.ThrowsAsync<ValidationException>(() => ImportAsync(CodeTables.Ethnic, "code,name\n01,汉\n"));
        Assert.Contains("不能改名", renamed.Errors["第2行"].Single());

        await ImportAsync(CodeTables.Ethnic, "code,name,parent_code,valid_from,valid_to\n01,汉族,,,2030-12-31\n98,外国血统中国籍人士,,2026-01-01,\n");

        var ethnic = await ListAsync(CodeTables.Ethnic);
        Assert.Equal(new DateOnly(2030, 12, 31), ethnic.Single(c => c.Code == "01").ValidTo);
        Assert.Equal("外国血统中国籍人士", ethnic.Single(c => c.Code == "98").Name);
        var audited = await services.WithSystemDbAsync(db => db.AuditEntries.CountAsync(a => a.ObjectType == nameof(CodeEntry) && a.Event == "update", Ct));
        Assert.Equal(1, audited);
    }

    [Fact]
    public async Task Import_ByABusinessUser_IsForbidden()
    {
        await services.AsSystemAsync(async sp =>
        {
            await sp.GetRequiredService<Grassroots.Demo.DemoSeeder>().SeedAsync(withYear: false, Ct);
            return 0;
        });
        await Assert.ThrowsAsync<ForbiddenException>(() => services.AsUserAsync("pulan.county",
            sp => sp.GetRequiredService<CodeTableService>().ImportAsync("ZB09", new StringReader("code,name\n1,领导职务\n"), Ct)));
    }

    [Theory]
    [InlineData("name,code\n1,x\n", "file")]
    [InlineData("code,name\n", "file")]
    [InlineData("code,name\n1,a,b\n", "第2行")]
    [InlineData("code,name\n1,a\n1,b\n", "第3行")]
    [InlineData("code,name\n中文,a\n", "第2行")]
    public async Task Import_BadFiles_AreRefusedWithTheirPlace(string csv, string key)
    {
        var error = await Assert.ThrowsAsync<ValidationException>(() => ImportAsync("ZB01", csv));
        Assert.True(error.Errors.ContainsKey(key), string.Join("; ", error.Errors.Keys));
    }
}
