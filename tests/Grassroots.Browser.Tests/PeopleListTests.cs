using System.Text.RegularExpressions;
using Grassroots.Browser.Tests.Infrastructure;
using Grassroots.Web.Tests.Exchange;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Grassroots.Browser.Tests;

[Collection(BrowserCollection.Name)]
public sealed class PeopleListTests(BrowserApp app)
{
    ILocator Rows(IPage page) => page.Locator("table.people tbody tr");

    [Fact]
    public async Task Search_ByName_ListsThatPersonOnly()
    {
        await using var s = await app.SignInAsync("pulan.county");
        await s.Page.GotoAsync("/people");
        // Other tests add Pulan people to the shared database: the full list holds at least the two seeded ones.
        await Expect(Rows(s.Page).Filter(new() { HasText = app.Data.PulanCadre.Name })).ToHaveCountAsync(1);
        await Expect(Rows(s.Page).Filter(new() { HasText = app.Data.PulanTownCadre.Name })).ToHaveCountAsync(1);

        await s.Page.Locator("#q").FillAsync("扎西");
        await s.Page.Locator("#q").PressAsync("Enter");

        await Expect(s.Page).ToHaveURLAsync(new Regex(@"[?&]q=%E6%89%8E%E8%A5%BF"));
        await Expect(Rows(s.Page)).ToHaveCountAsync(1);
        await Expect(Rows(s.Page).First.Locator("th a")).ToHaveTextAsync(app.Data.PulanCadre.Name);
        await Expect(s.Page.Locator(".pager-info")).ToHaveTextAsync("第 1 / 1 页，共 1 人");
        await Expect(s.Page.Locator("#q")).ToHaveValueAsync("扎西");
    }

    [Fact]
    public async Task List_ShowsMaskedIdNumbers_AndNeverAnotherCountysPeople()
    {
        await using var s = await app.SignInAsync("pulan.county");
        await s.Page.GotoAsync("/people");

        var row = Rows(s.Page).Filter(new() { HasText = app.Data.PulanCadre.Name });
        await Expect(row.Locator("td.code")).ToHaveTextAsync(app.Data.PulanCadre.IdNumber.Masked);
        var html = await s.Page.ContentAsync();
        Assert.DoesNotContain(app.Data.PulanCadre.IdNumber.Value, html);
        Assert.DoesNotContain(app.Data.ZandaCadre.Name, html);
    }

    [Fact]
    public async Task Search_ThatMatchesNobody_ShowsTheEmptyState()
    {
        await using var s = await app.SignInAsync("pulan.county");
        await s.Page.GotoAsync("/people?q=" + Uri.EscapeDataString("无此人"));

        await Expect(s.Page.Locator(".empty")).ToContainTextAsync("没有符合条件的人员。");
        await Expect(s.Page.Locator("table.people")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task ExportLink_CarriesTheFiltersAndOrderOnScreen_AndTheFileHoldsWhatTheyFind()
    {
        await using var s = await app.SignInAsync("pulan.county");
        await s.Page.GotoAsync($"/people?q={Uri.EscapeDataString("扎西")}&kind=cadre&line=Agriculture&region=542521&unitId={app.Data.PulanUnit.Id}&sort=-birth&page=1&pageSize=50");

        var href = await s.Page.Locator("#export-link").GetAttributeAsync("href");
        Assert.NotNull(href);
        var uri = new Uri(new Uri(app.BaseUrl), href);
        Assert.Equal("/api/people/export", uri.AbsolutePath);
        var query = QueryHelpers.ParseQuery(uri.Query).ToDictionary(kv => kv.Key, kv => kv.Value.ToString());
        Assert.Equal(new Dictionary<string, string>
        {
            ["q"] = "扎西", ["kind"] = "cadre", ["line"] = "Agriculture", ["region"] = "542521",
            ["unitId"] = app.Data.PulanUnit.Id.ToString(), ["sort"] = "-birth",
        }, query);

        var download = await s.Page.RunAndWaitForDownloadAsync(() => s.Page.Locator("#export-link").ClickAsync());
        await using var stream = await download.CreateReadStreamAsync();
        using var file = new MemoryStream();
        await stream.CopyToAsync(file, TestContext.Current.CancellationToken);
        var roster = XlsxFiles.Read(file.ToArray());
        var row = Assert.Single(roster.DataRows);
        Assert.Equal(app.Data.PulanCadre.Name, row[1]);
        Assert.Equal(app.Data.PulanCadre.IdNumber.Masked, row[5]);
    }

    [Fact]
    public async Task InvalidSort_IsRefusedWithAChineseMessage_NotAnError500()
    {
        await using var s = await app.SignInAsync("pulan.county");
        var response = await s.Page.GotoAsync("/people?sort=name;drop%20table");

        Assert.Equal(400, response!.Status);
        await Expect(s.Page.Locator("#error-summary")).ToContainTextAsync("排序字段");
    }

    [Fact]
    public async Task KeyboardOnly_TabFromTheTopReachesTheSearchBox_AndEnterSubmits()
    {
        await using var s = await app.SignInAsync("pulan.county");
        await s.Page.GotoAsync("/people");

        await s.Page.Keyboard.PressAsync("Tab");
        Assert.Equal("跳到主要内容", await s.Page.EvaluateAsync<string>("document.activeElement.textContent.trim()"));
        Assert.True(await s.Page.EvaluateAsync<bool>("getComputedStyle(document.activeElement).outlineStyle !== 'none'"), "the focused link has a visible outline");

        // The skip link jumps over the masthead and navigation: the next Tab lands inside the main content.
        await s.Page.Keyboard.PressAsync("Enter");
        await s.Page.Keyboard.PressAsync("Tab");
        Assert.True(await s.Page.EvaluateAsync<bool>("document.querySelector('main').contains(document.activeElement)"), "after the skip link, Tab is inside <main>");

        var reached = false;
        for (var i = 0; i < 30 && !reached; i++)
        {
            await s.Page.Keyboard.PressAsync("Tab");
            reached = await s.Page.EvaluateAsync<string>("document.activeElement.id") == "q";
        }
        Assert.True(reached, "Tab reaches the search box");

        await s.Page.Keyboard.TypeAsync("次仁旺堆");
        await s.Page.Keyboard.PressAsync("Enter");

        await Expect(s.Page).ToHaveURLAsync(new Regex(@"[?&]q="));
        await Expect(Rows(s.Page)).ToHaveCountAsync(1);
        await Expect(Rows(s.Page).First.Locator("th a")).ToHaveTextAsync(app.Data.PulanTownCadre.Name);
    }

    [Fact]
    public async Task AtPhoneWidth_TheListFitsTheScreen()
    {
        await using var s = await app.SignInAsync("pulan.county", width: 390, height: 844);
        await s.Page.GotoAsync("/people");

        await Expect(Rows(s.Page).Filter(new() { HasText = app.Data.PulanCadre.Name })).ToHaveCountAsync(1);
        var scrollWidth = await s.Page.EvaluateAsync<int>("document.documentElement.scrollWidth");
        Assert.True(scrollWidth <= 390, $"page is {scrollWidth}px wide at a 390px screen");
        await Expect(Rows(s.Page).First.Locator("th a")).ToBeVisibleAsync();
    }
}
