using System.Text.RegularExpressions;
using Grassroots.Browser.Tests.Infrastructure;
using Grassroots.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Grassroots.Browser.Tests;

[Collection(BrowserCollection.Name)]
public sealed class PersonEditTests(BrowserApp app)
{
    [Fact]
    public async Task Edit_WithAWrongCheckCharacter_ShowsTheErrorNextToTheIdField_AndChangesNothing()
    {
        var person = app.Data.PulanCadre;
        var before = await app.WithSystemDbAsync(db => db.People.AsNoTracking().SingleAsync(p => p.Id == person.Id));
        await using var s = await app.SignInAsync("pulan.county");
        await s.Page.GotoAsync($"/people/{person.Id}/edit");
        await Expect(s.Page.Locator("#IdNumber")).ToHaveValueAsync(person.IdNumber.Masked);

        await s.Page.Locator("#IdNumber").FillAsync("542521198803140011");
        await s.Page.Locator("#Post").FillAsync("第一书记");
        await s.Page.GetByRole(AriaRole.Button, new() { Name = "保存" }).ClickAsync();

        var error = s.Page.Locator("#err-IdNumber");
        await Expect(error).ToHaveTextAsync(new Regex("校验码错误：第 18 位应为“.”，实际为“1”"));
        // The message sits with its field and the field points at it.
        await Expect(s.Page.Locator(".field").Filter(new() { Has = s.Page.Locator("#IdNumber") }).Locator("#err-IdNumber")).ToHaveCountAsync(1);
        await Expect(s.Page.Locator("#IdNumber")).ToHaveAttributeAsync("aria-describedby", new Regex("err-IdNumber"));
        await Expect(s.Page.Locator("#IdNumber")).ToHaveValueAsync("542521198803140011");
        await Expect(s.Page.Locator("#error-summary")).ToContainTextAsync("校验码错误");

        var after = await app.WithSystemDbAsync(db => db.People.AsNoTracking().Include(p => p.History).SingleAsync(p => p.Id == person.Id));
        Assert.Equal(before.IdNumber, after.IdNumber);
        Assert.Equal(before.Post, after.Post);
        Assert.Equal(before.Version, after.Version);
        Assert.Empty(after.History);
    }

    [Fact]
    public async Task Edit_ChangingThePost_SavesIt_AndAddsAHistoryRow()
    {
        var person = app.Data.PulanTownCadre;
        await using var s = await app.SignInAsync("pulan.county");
        await s.Page.GotoAsync($"/people/{person.Id}/edit");
        await s.Page.Locator("#Post").FillAsync("第一书记");
        await s.Page.Locator("#Post").PressAsync("Enter");

        await Expect(s.Page).ToHaveURLAsync(new Regex($"/people/{person.Id}$"));
        await Expect(s.Page.Locator("main")).ToContainTextAsync("第一书记");
        var history = s.Page.Locator("table.history tbody tr").Filter(new() { HasText = "第一书记" });
        await Expect(history).ToHaveCountAsync(1);
        await Expect(history.Locator("td").First).ToHaveTextAsync("职务");
        await Expect(history).ToContainTextAsync("至今");
        await Expect(history).ToContainTextAsync("pulan.county");

        var saved = await app.WithSystemDbAsync(db => db.People.AsNoTracking().Include(p => p.History).SingleAsync(p => p.Id == person.Id));
        Assert.Equal("第一书记", saved.Post);
        Assert.Equal(person.IdNumber, saved.IdNumber); // the masked number sent back kept the stored one
        Assert.Contains(saved.History, h => h.Value == "第一书记" && h.To is null);
    }

    [Fact]
    public async Task Edit_OfAStaleVersion_IsAConflict_NotASilentOverwrite()
    {
        var person = app.Data.PrefectureCadre;
        await using var s = await app.SignInAsync("ali.prefecture");
        await s.Page.GotoAsync($"/people/{person.Id}/edit");
        // Someone else saves first.
        await app.WithSystemDbAsync(async db =>
        {
            var p = await db.People.SingleAsync(x => x.Id == person.Id);
            p.Rank = "一级主任科员";
            p.Version = Guid.NewGuid();
            return await db.SaveChangesAsync();
        });

        await s.Page.Locator("#Post").FillAsync("工作队员");
        await s.Page.GetByRole(AriaRole.Button, new() { Name = "保存" }).ClickAsync();

        await Expect(s.Page.Locator("#error-summary")).ToContainTextAsync("该人员信息已被他人修改，请刷新后重新编辑。");
        var saved = await app.WithSystemDbAsync(db => db.People.AsNoTracking().SingleAsync(p => p.Id == person.Id));
        Assert.Equal("科员", saved.Post);
        Assert.Equal("一级主任科员", saved.Rank);
    }

    [Fact]
    public async Task Create_WithValidFields_OpensTheNewRecord()
    {
        // In Zanda: the list tests count Pulan's people, and every test of the collection shares one database.
        var id = TestData.MakeId("542522", new DateOnly(1991, 6, 18), 71);
        await using var s = await app.SignInAsync("zanda.county");
        await s.Page.GotoAsync("/people");
        await s.Page.GetByRole(AriaRole.Link, new() { Name = "新增人员" }).ClickAsync();
        await Expect(s.Page.Locator("h1")).ToHaveTextAsync("新增人员");

        await s.Page.Locator("#Name").FillAsync("洛桑");
        await s.Page.Locator("#GenderCode").SelectOptionAsync("1");
        await s.Page.Locator("#EthnicCode").SelectOptionAsync("04");
        await s.Page.Locator("#BirthDate").FillAsync("1991-06-18");
        await s.Page.Locator("#IdNumber").FillAsync(id.Value);
        await s.Page.Locator("#PoliticalStatusCode").SelectOptionAsync("01");
        await s.Page.Locator("#UnitId").SelectOptionAsync(app.Data.ZandaUnit.Id.ToString());
        await s.Page.Locator("#Line").SelectOptionAsync("Economic");
        await s.Page.GetByRole(AriaRole.Button, new() { Name = "保存" }).ClickAsync();

        await Expect(s.Page).ToHaveURLAsync(new Regex(@"/people/[0-9a-f-]{36}$"));
        await Expect(s.Page.Locator("h1")).ToContainTextAsync("洛桑");
        await Expect(s.Page.Locator("#id-number")).ToHaveTextAsync(id.Masked);
        var saved = await app.WithSystemDbAsync(db => db.People.AsNoTracking().SingleAsync(p => p.Name == "洛桑"));
        Assert.Equal(id, saved.IdNumber);
        Assert.Equal(app.Data.ZandaUnit.Id, saved.UnitId);
        Assert.Equal("542522", saved.RegionCode.Value);
    }

    [Fact]
    public async Task Create_WithNothingFilledIn_ListsEveryMissingFieldInChinese()
    {
        await using var s = await app.SignInAsync("pulan.county");
        await s.Page.GotoAsync("/people/new");
        await s.Page.GetByRole(AriaRole.Button, new() { Name = "保存" }).ClickAsync();

        await Expect(s.Page.Locator("#err-Name")).ToHaveTextAsync("姓名不能为空。");
        await Expect(s.Page.Locator("#err-IdNumber")).ToHaveTextAsync("身份证号码不能为空。");
        await Expect(s.Page.Locator("#err-BirthDate")).ToHaveTextAsync("出生日期不能为空。");
        await Expect(s.Page.Locator("#err-UnitId")).ToHaveTextAsync("驻村干部须选择工作单位。");
        await Expect(s.Page.Locator("#Name")).ToHaveClassAsync(new Regex(@"\binvalid\b"));
    }
}
