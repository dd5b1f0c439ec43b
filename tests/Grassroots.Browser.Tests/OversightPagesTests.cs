using System.Text.RegularExpressions;
using Grassroots.Browser.Tests.Infrastructure;
using Grassroots.Manage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Grassroots.Browser.Tests;

/// <summary>The application in demo mode: the demo data set with its year of check-ins, leave, inspections, dispatch checks,
/// requests and care ledgers, as a newcomer sees it.</summary>
public sealed class DemoBrowserApp : BrowserApp
{
    protected override bool Demo => true;
}

/// <summary>The supervision pages' own application: the demo data set, which the other pages' tests do not expect.</summary>
[CollectionDefinition(Name)]
public sealed class OversightBrowserCollection : ICollectionFixture<DemoBrowserApp>
{
    public const string Name = "browser-oversight";
}

/// <summary>
/// Supervision and care in Chromium on the demo data set (S-MNG-3/5/6/8): the county office draws five teams at random,
/// records an inspection by 查听访谈 with who was on post, a finding and a reminder with a deadline, and closes it; the
/// other pages show the year's records with their filters. With GRASSROOTS_SCREENSHOTS set, the pages are saved as PNG files.
/// </summary>
[Collection(OversightBrowserCollection.Name)]
public sealed partial class OversightPagesTests(DemoBrowserApp app)
{
    [GeneratedRegex(@"/inspections/draws/[0-9a-f-]{36}$")]
    private static partial Regex DrawUrl();

    [GeneratedRegex(@"/inspections/[0-9a-f-]{36}$")]
    private static partial Regex InspectionUrl();

    [Fact]
    public async Task CountyOffice_DrawsFiveTeams_RecordsAnInspectionWithAFindingAndAReminder_ThenClosesTheFollowUp()
    {
        await using var s = await app.SignInAsync("pulan.county");
        var page = s.Page;

        await page.GotoAsync("/oversight");
        await Expect(page.Locator("h1")).ToHaveTextAsync("督查概况");
        await page.GetByRole(AriaRole.Link, new() { Name = "随机检查", Exact = true }).First.ClickAsync();
        await page.Locator("#draw-link").ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync("随机抽取检查对象");
        // Pulan's ten teams with their on-post rates and weights; the pool of the county's last draw is offered again.
        await Expect(page.Locator("main table tbody tr")).ToHaveCountAsync(10);
        Assert.NotEqual("", await page.Locator("#draw-inspectors").InputValueAsync());
        await Screenshots.SaveAsync(page, "inspection-draw");

        await page.Locator("#draw-count").FillAsync("5");
        await page.Locator("#draw-submit").ClickAsync();
        await Expect(page).ToHaveURLAsync(DrawUrl());
        await Expect(page.Locator("#reproduced")).ToHaveTextAsync("可复现");
        await Expect(page.Locator("#drawn tbody tr")).ToHaveCountAsync(5);
        var seed = await page.Locator("#seed").InnerTextAsync();
        Assert.Matches(@"^\d+$", seed);
        await Screenshots.SaveAsync(page, "inspection-draw-result");

        await page.Locator("#drawn tbody tr").First.GetByRole(AriaRole.Link, new() { Name = "记录检查情况" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(InspectionUrl());
        await Expect(page.Locator("#inspection-status")).ToHaveTextAsync("待检查");
        var cadres = await page.Locator("#record-form tbody tr").CountAsync();
        Assert.InRange(cadres, 3, 6);
        // The last cadre of the team was away: untick and say why; 查 and 谈 are ticked, add 访.
        await page.Locator($"#onpost-{cadres - 1}").UncheckAsync();
        await page.Locator($"#note-{cadres - 1}").FillAsync("到县里参加培训，已报备");
        await page.Locator("#method-visit").CheckAsync();
        await page.Locator("#record-summary").FillAsync("查阅签到和民情台账，走访三户群众，与队员逐一谈话。");
        await Screenshots.SaveAsync(page, "inspection-record");
        await page.Locator("#record-submit").ClickAsync();
        await Expect(page.Locator("#inspection-status")).ToHaveTextAsync("已检查");
        await Expect(page.Locator("#team tbody tr")).ToHaveCountAsync(cadres);
        await Expect(page.Locator("#team")).ToContainTextAsync("到县里参加培训，已报备");

        await page.Locator("#weight-early").CheckAsync();
        await page.Locator("#finding-text").FillAsync("驻村工作日志近两周记录不全");
        await page.Locator("#finding-submit").ClickAsync();
        await Expect(page.Locator("#findings")).ToContainTextAsync("驻村工作日志近两周记录不全");
        await Expect(page.Locator("#findings")).ToContainTextAsync("苗头性");

        await page.Locator("#kind-remind").CheckAsync();
        await page.Locator("#followup-finding").SelectOptionAsync(new SelectOptionValue { Index = 1 });
        await page.Locator("#followup-text").FillAsync("约谈提醒，两周内补齐日志并报告");
        await page.Locator("#followup-deadline").FillAsync(DateTime.Today.AddDays(14).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        await page.Locator("#followup-submit").ClickAsync();
        var row = page.Locator("#followups tbody tr").Filter(new() { HasText = "约谈提醒，两周内补齐日志并报告" });
        await Expect(row).ToContainTextAsync("提醒");
        await Expect(row).ToContainTextAsync("办理中");
        await Screenshots.SaveAsync(page, "inspection-follow-up");

        await row.Locator("input[type=text]").FillAsync("日志已补齐，队员作了书面说明");
        await row.GetByRole(AriaRole.Button, new() { Name = "办结" }).ClickAsync();
        await Expect(page.Locator("#done")).ToHaveTextAsync("跟进事项已办结。");
        row = page.Locator("#followups tbody tr").Filter(new() { HasText = "约谈提醒，两周内补齐日志并报告" });
        await Expect(row).ToContainTextAsync("已办结");
        await Expect(row).ToContainTextAsync("日志已补齐，队员作了书面说明");
        await Screenshots.SaveAsync(page, "inspection-closed");

        var stored = await app.WithSystemDbAsync(db => db.FollowUps.IgnoreQueryFilters().AsNoTracking().SingleAsync(f => f.Text == "约谈提醒，两周内补齐日志并报告"));
        Assert.Equal(FollowUpStatus.Closed, stored.Status);
        Assert.Equal(FollowUpKind.Remind, stored.Kind);
        Assert.Empty(s.ConsoleErrors);
    }

    [Fact]
    public async Task Pages_ShowTheDemoYear_WithFiltersPagingAndHelpForTheOfficialTerms()
    {
        await using var s = await app.SignInAsync("pulan.county");
        var page = s.Page;

        await page.GotoAsync("/oversight");
        var checks = int.Parse(await page.Locator(".figure a[href^='/dispatch-checks'] .figure-value").First.InnerTextAsync(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(checks > 50, $"{checks} dispatch checks in Pulan this year");
        await Screenshots.SaveAsync(page, "oversight");

        await page.Locator(".figure a[href^='/follow-ups?view=overdue']").ClickAsync();
        await Expect(page.Locator(".ov-subtabs a[aria-current=page]")).ToHaveTextAsync("已逾期");
        await Screenshots.SaveAsync(page, "follow-ups-overdue");

        await page.GotoAsync("/requests?view=closed");
        await Expect(page.Locator("main table tbody tr").First).ToBeVisibleAsync();
        await page.Locator("main table tbody tr").First.Locator("th a").ClickAsync();
        await Expect(page.Locator(".ov-trail li")).ToHaveCountAsync(3);
        await Screenshots.SaveAsync(page, "request");
        await page.GotoAsync("/requests");
        await Screenshots.SaveAsync(page, "requests");

        await page.GotoAsync("/inspections?status=done");
        await Expect(page.Locator("#inspections tbody tr").First).ToBeVisibleAsync();
        await Screenshots.SaveAsync(page, "inspections");
        await page.Locator("#inspections tbody tr").First.Locator("th a").ClickAsync();
        // Help for the official terms: focus shows the explanation.
        await page.Locator(".term", new() { HasText = "倾向性" }).First.FocusAsync();
        await Expect(page.Locator(".term:focus .term-tip")).ToContainTextAsync("开始形成趋势");
        await Screenshots.SaveAsync(page, "inspection");

        await page.GotoAsync("/dispatch-checks?result=unanswered");
        await Expect(page.Locator("#checks tbody tr").First).ToContainTextAsync("未接通");
        await page.GotoAsync("/dispatch-checks?team=542521100201");
        await Expect(page.Locator("#check-person option")).Not.ToHaveCountAsync(1);
        await Screenshots.SaveAsync(page, "dispatch-checks");
        await page.GotoAsync("/field-visits");
        await Screenshots.SaveAsync(page, "field-visits");
        await page.GotoAsync("/roll-calls");
        await Screenshots.SaveAsync(page, "roll-calls");
        await page.Locator("#roll-calls tbody tr").First.Locator("th a").ClickAsync();
        await Expect(page.Locator("#targets tbody tr").First).ToBeVisibleAsync();
        await Screenshots.SaveAsync(page, "roll-call");

        await page.GotoAsync("/care?view=overspent");
        await Expect(page.Locator("#care-teams tbody tr").First).ToContainTextAsync("超支");
        await page.GotoAsync("/care");
        await Screenshots.SaveAsync(page, "care");
        await page.Locator("#care-teams tbody tr").First.Locator("th a").ClickAsync();
        await Expect(page.Locator("#ledger-settling tbody tr").First).ToBeVisibleAsync();
        await Screenshots.SaveAsync(page, "care-ledger");
        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("#export").ClickAsync());
        Assert.EndsWith(".xlsx", download.SuggestedFilename, StringComparison.Ordinal);

        // English, and the county's overview on a phone.
        await page.GotoAsync("/oversight?culture=en");
        await Expect(page.Locator("h1")).ToHaveTextAsync("Supervision overview");
        await Screenshots.SaveAsync(page, "oversight-en");
        Assert.Empty(s.ConsoleErrors);
    }

    [Fact]
    public async Task Cadre_FilesARequest_AndSeesTheRollCallsOfTheTeam_OnAPhone()
    {
        await using var s = await app.SignInAsync("ali.cadre", width: 390, height: 844);
        var page = s.Page;
        await page.GotoAsync("/my/requests");
        await page.Locator("input[type=radio][value=request]").CheckAsync();
        await page.Locator("#subject").FillAsync("关于为村小学购置取暖煤的请示");
        await page.Locator("#text").FillAsync("入冬后村小学取暖用煤不足，拟购置五吨，妥否，请批示。");
        await page.GetByRole(AriaRole.Button, new() { Name = "提交" }).ClickAsync();
        await Expect(page.Locator("#done")).ToHaveTextAsync("已提交，等待答复。");
        await Expect(page.Locator("main table tbody tr").First).ToContainTextAsync("关于为村小学购置取暖煤的请示");
        await Screenshots.SaveAsync(page, "requests-cadre-phone");

        await page.GotoAsync("/my/roll-calls");
        await Expect(page.Locator("h1")).ToHaveTextAsync("点名");
        await Screenshots.SaveAsync(page, "roll-calls-cadre-phone");

        // The township answers it.
        await using var t = await app.SignInAsync("pulan.township");
        await t.Page.GotoAsync("/requests?view=todo");
        await t.Page.GetByRole(AriaRole.Link, new() { Name = "关于为村小学购置取暖煤的请示" }).First.ClickAsync();
        await t.Page.Locator("#answer-text").FillAsync("同意，请比价采购并做好台账。");
        await t.Page.GetByRole(AriaRole.Button, new() { Name = "答复" }).ClickAsync();
        await Expect(t.Page.Locator("#request-status")).ToHaveTextAsync("已答复");
        Assert.Empty(s.ConsoleErrors);
        Assert.Empty(t.ConsoleErrors);
    }
}
