using System.Globalization;
using System.Text.RegularExpressions;
using Grassroots.Browser.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Grassroots.Browser.Tests;

/// <summary>
/// The management dashboard in Chromium on the demo data set (its year of check-ins, leave and follow-ups): the
/// prefecture opens it from the navigation, follows a figure to the cadres it counts, and drills into a county and back
/// with the keyboard. With GRASSROOTS_SCREENSHOTS set, the pages are saved as PNG files.
/// </summary>
[Collection(OversightBrowserCollection.Name)]
public sealed partial class DashboardPageTests(DemoBrowserApp app)
{
    [GeneratedRegex(@"共 (\d+) 人")]
    private static partial Regex PagerTotal();

    [GeneratedRegex(@"/manage/dashboard/cadres\?region=542500&date=\d{4}-\d{2}-\d{2}&status=missing$")]
    private static partial Regex MissingList();

    [Fact]
    public async Task Prefecture_OpensTheDashboard_FollowsAFigureToItsCadres_AndDrillsIntoACounty()
    {
        await using var s = await app.SignInAsync("ali.prefecture");
        var page = s.Page;

        await page.Locator(".mainnav").GetByRole(AriaRole.Link, new() { Name = "看板", Exact = true }).ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync("阿里地区管理看板");
        // The seven counties, each with today's and this month's rates; the month's rate of the demo year is high.
        await Expect(page.Locator("#regions tbody tr")).ToHaveCountAsync(7);
        await Expect(page.Locator("#regions tbody tr").Filter(new() { HasText = "普兰县" })).ToHaveCountAsync(1);
        var monthRate = await page.Locator("#month-rate .figure-value").InnerTextAsync();
        Assert.Matches(@"^\d{1,3}\.\d%$", monthRate);
        Assert.InRange(double.Parse(monthRate.TrimEnd('%'), CultureInfo.InvariantCulture), 50, 100);
        await Screenshots.SaveAsync(page, "dashboard-prefecture");

        // The day's "no check-in" figure opens the list of exactly those cadres.
        var missingFigure = page.Locator(".figures .figure a").Filter(new() { HasText = "未签到" }).First;
        var missing = int.Parse(await missingFigure.Locator(".figure-value").InnerTextAsync(), CultureInfo.InvariantCulture);
        await missingFigure.ClickAsync();
        await Expect(page).ToHaveURLAsync(MissingList());
        await Expect(page.Locator("h1")).ToHaveTextAsync("阿里地区驻村干部在岗情况");
        await Expect(page.Locator("#status")).ToHaveValueAsync("missing");
        if (missing == 0)
        {
            await Expect(page.Locator(".empty")).ToContainTextAsync("没有符合条件的驻村干部");
        }
        else
        {
            var total = PagerTotal().Match(await page.Locator(".pager-info").InnerTextAsync());
            Assert.Equal(missing, int.Parse(total.Groups[1].Value, CultureInfo.InvariantCulture));
            await Expect(page.Locator("#cadres tbody tr").First).ToContainTextAsync("未签到");
        }
        await Screenshots.SaveAsync(page, "dashboard-cadres");

        // Sorting by this month's on-post days, then back to the dashboard and into Pulan county with the keyboard.
        await page.Locator("#cadres thead").GetByRole(AriaRole.Link, new() { Name = "本月在岗" }).ClickAsync();
        await Expect(page.Locator("#cadres thead th[aria-sort=ascending]")).ToContainTextAsync("本月在岗");
        await page.Locator(".breadcrumbs").GetByRole(AriaRole.Link, new() { Name = "管理看板" }).ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync("阿里地区管理看板");
        await page.Locator("#regions").GetByRole(AriaRole.Link, new() { Name = "普兰县", Exact = true }).FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("h1")).ToHaveTextAsync("普兰县管理看板");
        await Expect(page.Locator(".breadcrumbs")).ToContainTextAsync("阿里地区");
        await Expect(page.Locator("#regions caption")).ToHaveTextAsync("各乡镇");
        await Screenshots.SaveAsync(page, "dashboard-county");
        Assert.Empty(s.ConsoleErrors);
    }

    [Fact]
    public async Task Home_LinksTheDashboard_ForTheOffices_AndAPhoneShowsItStacked()
    {
        await using var s = await app.SignInAsync("pulan.township", 390, 844);
        var page = s.Page;
        await page.Locator("#home-dashboard").ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync("普兰镇管理看板");
        await Expect(page.Locator("#regions caption")).ToHaveTextAsync("各村（居）");
        await Expect(page.Locator("#day-rate")).ToBeVisibleAsync();
        await Screenshots.SaveAsync(page, "dashboard-township-phone");
        Assert.Empty(s.ConsoleErrors);
    }
}
