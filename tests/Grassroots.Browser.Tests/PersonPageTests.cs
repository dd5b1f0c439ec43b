using System.Text.RegularExpressions;
using Grassroots.Audit;
using Grassroots.Browser.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Grassroots.Browser.Tests;

[Collection(BrowserCollection.Name)]
public sealed class PersonPageTests(BrowserApp app)
{
    [Fact]
    public async Task Detail_OpenedFromTheList_ShowsTheRecordWithCodeNamesAndMaskedId()
    {
        var person = app.Data.PulanCadre;
        await using var s = await app.SignInAsync("pulan.county");
        await s.Page.GotoAsync("/people");
        await s.Page.GetByRole(AriaRole.Link, new() { Name = person.Name, Exact = true }).ClickAsync();

        await Expect(s.Page).ToHaveURLAsync(new Regex($"/people/{person.Id}$"));
        await Expect(s.Page.Locator("h1")).ToContainTextAsync(person.Name);
        await Expect(s.Page.Locator("#id-number")).ToHaveTextAsync(person.IdNumber.Masked);
        var facts = s.Page.Locator("main");
        await Expect(facts).ToContainTextAsync("汉族");
        await Expect(facts).ToContainTextAsync("中共党员");
        await Expect(facts).ToContainTextAsync("大学本科毕业");
        await Expect(facts).ToContainTextAsync("普兰县农业农村局");
        await Expect(facts).ToContainTextAsync("农牧");
        await Expect(facts).ToContainTextAsync("在编");
    }

    [Fact]
    public async Task Detail_OfAZandaPerson_ForPulanCounty_IsTheNotFoundPageWith404()
    {
        await using var s = await app.SignInAsync("pulan.county");
        var response = await s.Page.GotoAsync($"/people/{app.Data.ZandaCadre.Id}");

        Assert.Equal(404, response!.Status);
        await Expect(s.Page.Locator("h1")).ToHaveTextAsync("未找到该页面或记录");
        Assert.DoesNotContain(app.Data.ZandaCadre.Name, await s.Page.ContentAsync());
    }

    [Fact]
    public async Task Edit_OfAZandaPerson_ForPulanCounty_IsNotFoundToo()
    {
        await using var s = await app.SignInAsync("pulan.county");
        var response = await s.Page.GotoAsync($"/people/{app.Data.ZandaCadre.Id}/edit");

        Assert.Equal(404, response!.Status);
        await Expect(s.Page.Locator("form.person-form")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Reveal_ByCountyWithAReason_ShowsTheFullNumberOnce_AndWritesAnAuditRow()
    {
        var person = app.Data.PrefectureCadre;
        await using var s = await app.SignInAsync("ali.prefecture");
        await s.Page.GotoAsync($"/people/{person.Id}");
        await s.Page.Locator("#reveal-reason").FillAsync("核对社保信息");
        await s.Page.GetByRole(AriaRole.Button, new() { Name = "查看完整号码" }).ClickAsync();

        await Expect(s.Page.Locator("#id-number")).ToHaveTextAsync(person.IdNumber.Value);
        var audited = await app.WithSystemDbAsync(db => db.AuditEntries.AnyAsync(a =>
            a.Event == AuditEvents.Reveal && a.ObjectId == person.Id.ToString() && a.UserName == "ali.prefecture" && a.Detail == "事由：核对社保信息"));
        Assert.True(audited);

        await s.Page.GotoAsync($"/people/{person.Id}");
        await Expect(s.Page.Locator("#id-number")).ToHaveTextAsync(person.IdNumber.Masked);
    }

    [Fact]
    public async Task Reveal_WithoutAReason_IsRefusedNextToTheBox()
    {
        await using var s = await app.SignInAsync("pulan.county");
        await s.Page.GotoAsync($"/people/{app.Data.PulanCadre.Id}");
        await s.Page.GetByRole(AriaRole.Button, new() { Name = "查看完整号码" }).ClickAsync();

        await Expect(s.Page.Locator("#reveal-error")).ToHaveTextAsync("查看完整身份证号码须填写事由（至少 2 个字）。");
        await Expect(s.Page.Locator("#id-number")).ToHaveTextAsync(app.Data.PulanCadre.IdNumber.Masked);
    }

    [Fact]
    public async Task Reveal_ByATownship_IsRefusedInChinese()
    {
        var person = app.Data.PulanTownCadre;
        await using var s = await app.SignInAsync("pulan.township");
        await s.Page.GotoAsync($"/people/{person.Id}");
        await s.Page.Locator("#reveal-reason").FillAsync("核对信息");
        await s.Page.GetByRole(AriaRole.Button, new() { Name = "查看完整号码" }).ClickAsync();

        await Expect(s.Page.Locator("#reveal-error")).ToHaveTextAsync("您的角色不能查看完整身份证号码。");
        await Expect(s.Page.Locator("#id-number")).ToHaveTextAsync(person.IdNumber.Masked);
        Assert.DoesNotContain(person.IdNumber.Value, await s.Page.ContentAsync());
    }
}
