using System.Text.RegularExpressions;
using Grassroots.Browser.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Grassroots.Browser.Tests;

[Collection(BrowserCollection.Name)]
public sealed class PagesTests(BrowserApp app)
{
    [Fact]
    public async Task EveryPage_RendersUnderTheStrictCsp_WithoutScriptOrStyleErrors()
    {
        await using var s = await app.SignInAsync("pulan.county");
        string[] paths = ["/", "/people", $"/people/{app.Data.PulanCadre.Id}", $"/people/{app.Data.PulanCadre.Id}/edit", "/people/new",
            "/regions", "/regions/542521100", "/villages", "/communities", "/units"];
        foreach (var path in paths)
        {
            var response = await s.Page.GotoAsync(path);
            Assert.True(response!.Ok, $"{path} answered {response.Status}");
            Assert.Equal("rgb(168, 35, 29)", await s.Page.EvaluateAsync<string>("getComputedStyle(document.querySelector('.topbar')).borderTopColor"));
            Assert.Contains("Noto Sans CJK SC", await s.Page.EvaluateAsync<string>("getComputedStyle(document.body).fontFamily"));
        }
        Assert.Empty(s.ConsoleErrors);
    }

    [Fact]
    public async Task Home_ShowsTheScopesFigures_WithLinksToTheFilteredList()
    {
        await using var s = await app.SignInAsync("pulan.county");
        await Expect(s.Page.Locator("h1")).ToHaveTextAsync("普兰县工作概况");
        var town = s.Page.Locator("table.data tbody tr").Filter(new() { HasText = "普兰镇" });
        await town.GetByRole(AriaRole.Link, new() { Name = "1" }).Last.ClickAsync();

        await Expect(s.Page).ToHaveURLAsync(new Regex(@"/people\?region=542521100"));
        await Expect(s.Page.Locator("table.people tbody tr")).ToHaveCountAsync(1);
        await Expect(s.Page.Locator("table.people tbody tr th a")).ToHaveTextAsync(app.Data.PulanTownCadre.Name);
    }

    [Fact]
    public async Task Home_ForTheAuditor_SaysWhatTheyCanDo_AndLinksToTheAuditSearch()
    {
        await using (var intruder = await app.NewSessionAsync())
        {
            await intruder.Page.GotoAsync("/login");
            await intruder.Page.Locator("#userName").FillAsync("dayu.civil");
            await intruder.Page.Locator("#password").FillAsync("guessing-2026");
            await intruder.Page.Locator("#password").PressAsync("Enter");
            await Expect(intruder.Page.Locator("#login-error")).ToBeVisibleAsync();
        }
        await using var s = await app.SignInAsync("auditor");
        await Expect(s.Page.Locator("main")).ToContainTextAsync("您可以查询全部审计日志");
        await Expect(s.Page.Locator(".mainnav")).Not.ToContainTextAsync("人员");
        await s.Page.GetByRole(AriaRole.Link, new() { Name = "查询审计日志" }).ClickAsync();

        await Expect(s.Page.Locator("h1")).ToHaveTextAsync("审计日志");
        await s.Page.Locator("#event").SelectOptionAsync("login.failure");
        await s.Page.GetByRole(AriaRole.Button, new() { Name = "查询", Exact = true }).ClickAsync();
        await Expect(s.Page).ToHaveURLAsync(new Regex("event=login.failure"));
        var rows = s.Page.Locator("table.audit tbody tr");
        await Expect(rows.Filter(new() { HasText = "dayu.civil" }).First).ToContainTextAsync("登录失败");
        Assert.Equal(await rows.CountAsync(), await rows.Filter(new() { HasText = "登录失败" }).CountAsync());
    }

    [Fact]
    public async Task AuditPage_ForACountyUser_IsForbiddenWith403()
    {
        await using var s = await app.SignInAsync("pulan.county");
        var response = await s.Page.GotoAsync("/audit");

        Assert.Equal(403, response!.Status);
        await Expect(s.Page.Locator("h1")).ToHaveTextAsync("无权访问");
        await Expect(s.Page.Locator("main")).ToContainTextAsync("只有审计管理员可以查询审计日志。");
    }

    [Fact]
    public async Task Region_OutsideTheScope_IsNotFound_AndInsideShowsBreadcrumbsFromTheScopeRoot()
    {
        await using var s = await app.SignInAsync("pulan.county");
        var outside = await s.Page.GotoAsync("/regions/542522");
        Assert.Equal(404, outside!.Status);

        await s.Page.GotoAsync("/regions");
        await s.Page.GetByRole(AriaRole.Link, new() { Name = "普兰镇", Exact = true }).First.ClickAsync();
        await Expect(s.Page).ToHaveURLAsync(new Regex("/regions/542521100$"));
        await Expect(s.Page.Locator(".breadcrumbs li")).ToHaveTextAsync(["普兰县", "普兰镇"]);
        await Expect(s.Page.Locator("h1")).ToContainTextAsync("普兰镇");
    }

    [Fact]
    public async Task UnknownAddress_ShowsTheNotFoundPageWith404()
    {
        await using var s = await app.SignInAsync("pulan.county");
        var response = await s.Page.GotoAsync("/no-such-page");

        Assert.Equal(404, response!.Status);
        await Expect(s.Page.Locator("h1")).ToHaveTextAsync("未找到该页面或记录");
    }

    [Fact]
    public async Task LanguageSwitch_ToEnglishAndBack_KeepsThePage()
    {
        await using var s = await app.SignInAsync("pulan.county");
        await s.Page.GotoAsync("/people?kind=cadre");
        await s.Page.GetByRole(AriaRole.Button, new() { Name = "English" }).ClickAsync();

        await Expect(s.Page).ToHaveURLAsync(new Regex(@"/people\?kind=cadre$"));
        await Expect(s.Page.Locator("h1")).ToHaveTextAsync("Roster");
        await Expect(s.Page.Locator(".mainnav")).ToContainTextAsync("People");
        await Expect(s.Page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await Expect(s.Page.Locator(".pager-info")).ToHaveTextAsync("Page 1 of 1, 2 people");

        await s.Page.GetByRole(AriaRole.Button, new() { Name = "中文" }).ClickAsync();
        await Expect(s.Page.Locator("h1")).ToHaveTextAsync("人员名册");
    }

    [Fact]
    public async Task Villages_WithNoneLoaded_ShowTheEmptyState()
    {
        await using var s = await app.SignInAsync("pulan.county");
        await s.Page.GotoAsync("/villages");
        await Expect(s.Page.Locator(".empty")).ToContainTextAsync("本辖区还没有村（居）数据。");
    }

    [Fact]
    public async Task Units_ListTheScopesUnits_WithPeopleCountsLinkingToTheList()
    {
        await using var s = await app.SignInAsync("pulan.county");
        await s.Page.GotoAsync("/units");
        var rows = s.Page.Locator("table.data tbody tr");
        await Expect(rows).ToHaveCountAsync(2);
        await Expect(s.Page.Locator("table.data")).Not.ToContainTextAsync("札达县");
        await rows.Filter(new() { HasText = app.Data.PulanTownUnit.Name }).GetByRole(AriaRole.Link, new() { Name = "1" }).ClickAsync();
        await Expect(s.Page).ToHaveURLAsync(new Regex($"unitId={app.Data.PulanTownUnit.Id}"));
        await Expect(s.Page.Locator("table.people tbody tr th a")).ToHaveTextAsync(app.Data.PulanTownCadre.Name);
    }
}
