using System.Text.RegularExpressions;
using Grassroots.Browser.Tests.Infrastructure;
using Grassroots.Dispatch;
using Grassroots.People;
using Grassroots.Web.Tests.Dispatch;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Grassroots.Browser.Tests;

/// <summary>The prefecture runs a dispatch plan in the browser, locks a placement, re-runs, approves and publishes.</summary>
[Collection(PlanBrowserCollection.Name)]
public sealed class PlanPagesTests(BrowserApp app)
{
    static readonly (string, string, CadreLine, bool, bool)[] Cadres =
    [
        ("普兰甲", "pulan", CadreLine.Party, true, false), ("普兰乙", "pulan", CadreLine.Economic, true, true), ("普兰丙", "pulan", CadreLine.Agriculture, false, true),
        ("普兰丁", "pulan", CadreLine.Legal, false, false), ("札达甲", "zanda", CadreLine.Party, true, false), ("札达乙", "zanda", CadreLine.Economic, true, true),
        ("札达丙", "zanda", CadreLine.Agriculture, false, true), ("札达丁", "zanda", CadreLine.Legal, false, false), ("地区甲", "prefecture", CadreLine.Party, true, false),
        ("地区乙", "prefecture", CadreLine.Economic, true, true), ("地区丙", "prefecture", CadreLine.Agriculture, false, false), ("地区丁", "prefecture", CadreLine.Legal, false, true),
    ];

    [Fact]
    public async Task Prefecture_RunsAPlan_LocksAPlacement_Reruns_Approves_AndPublishes()
    {
        var round = await PlanRound.CreateAsync(work => app.WithSystemDbAsync(work), app.Data, villagesPerCounty: 3, members: 1, Cadres);
        await using var s = await app.SignInAsync("ali.prefecture");
        var page = s.Page;

        await page.GotoAsync($"/rounds/{round.RoundId}/plans");
        await Expect(page.Locator("main")).ToContainTextAsync("还没有方案");
        await page.GetByRole(AriaRole.Button, new() { Name = "生成新方案" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex(@"/plans/[0-9a-f-]{36}$"));
        // The page refreshes itself until the background run is done.
        await Expect(page.Locator("h1 .status")).ToHaveTextAsync("已生成", new() { Timeout = 20_000 });
        await Expect(page.Locator("svg.plan-map circle")).ToHaveCountAsync(6);
        await Expect(page.Locator("#table tbody tr")).ToHaveCountAsync(12);
        await Expect(page.Locator("main")).ToContainTextAsync("已通过最优性校验");
        await Expect(page.Locator("#gaps")).ToContainTextAsync("全部岗位均已安排");
        await Screenshots.SaveAsync(page, "plan");
        var firstPlanUrl = page.Url;

        // Open a member's placement: the reasons and the best alternative; lock it.
        var row = page.Locator("#table tbody tr").Filter(new() { HasText = "工作队员" }).First;
        var name = (await row.Locator("th a").InnerTextAsync()).Trim();
        await row.Locator("th a").ClickAsync();
        await Expect(page.Locator("main")).ToContainTextAsync("为什么这样安排");
        await Expect(page.Locator("main")).ToContainTextAsync("次优选择");
        await Expect(page.Locator("main")).ToContainTextAsync("公里");
        await Screenshots.SaveAsync(page, "plan-placement");
        var village = (await page.Locator("h1").InnerTextAsync()).Split('→')[1].Trim().Split(' ')[0];
        await page.GetByRole(AriaRole.Button, new() { Name = "锁定此安排" }).ClickAsync();
        await Expect(page.Locator(".alert.ok[role=status]")).ToContainTextAsync("已锁定");
        await Expect(page.Locator("#locks")).ToContainTextAsync(name);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "审定方案" })).ToBeDisabledAsync();

        // Re-run around the lock: a second plan where the locked cadre stays.
        await page.GetByRole(AriaRole.Button, new() { Name = "重新计算（保留锁定）" }).ClickAsync();
        await Expect(page).Not.ToHaveURLAsync(firstPlanUrl);
        await Expect(page.Locator("h1 .status")).ToHaveTextAsync("已生成", new() { Timeout = 20_000 });
        await Expect(page.Locator("h1")).ToContainTextAsync("方案 2");
        var lockedRow = page.Locator("#table tbody tr").Filter(new() { HasText = name });
        await Expect(lockedRow).ToContainTextAsync("已锁定");
        await Expect(lockedRow).ToContainTextAsync(village);

        await page.GetByRole(AriaRole.Button, new() { Name = "审定方案" }).ClickAsync();
        await Expect(page.Locator(".alert.ok[role=status]")).ToContainTextAsync("方案已审定");
        await page.GetByRole(AriaRole.Button, new() { Name = "发布方案" }).ClickAsync();
        await Expect(page.Locator(".alert.ok[role=status]")).ToContainTextAsync("方案已发布");
        await Expect(page.Locator("h1 .status")).ToHaveTextAsync("已发布");
        await Screenshots.SaveAsync(page, "plan-published");

        var postings = await app.WithSystemDbAsync(db => db.Postings.CountAsync(p => p.RoundId == round.RoundId));
        Assert.Equal(12, postings);
        var lockedPerson = round.Cadre(name);
        var posting = await app.WithSystemDbAsync(db => db.Postings.Include(p => p.Village).SingleAsync(p => p.PersonId == lockedPerson.Id && p.Status == PostingStatus.Active));
        Assert.Equal(village, posting.Village!.Name);
        Assert.Empty(s.ConsoleErrors);
    }
}

/// <summary>The plan tests' own application and browser: they add villages, cadres and postings that other pages' tests do not expect.</summary>
[CollectionDefinition(Name)]
public sealed class PlanBrowserCollection : ICollectionFixture<BrowserApp>
{
    public const string Name = "browser-plans";
}
