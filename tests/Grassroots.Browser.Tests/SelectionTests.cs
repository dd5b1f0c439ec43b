using System.Text.RegularExpressions;
using Grassroots.Browser.Tests.Infrastructure;
using Grassroots.People;
using Grassroots.Security;
using Grassroots.Selection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Grassroots.Browser.Tests;

/// <summary>Selection rounds in Chromium: a reviewer attests and approves; a failing rule refuses; the round form's messages.</summary>
[Collection(BrowserCollection.Name)]
public sealed class SelectionTests(BrowserApp app)
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>An open round of the prefecture (reference date 2026-12-31) with <paramref name="person"/> recommended.</summary>
    async Task<(Guid Round, Guid Candidate)> OpenRoundWithCandidateAsync(Person person, string? policy = null)
    {
        using var scope = app.Services.CreateScope();
        scope.ServiceProvider.GetRequiredService<CurrentUser>().ActAsSystem("test");
        var rounds = scope.ServiceProvider.GetRequiredService<RoundService>();
        var round = await rounds.CreateAsync(new RoundInput
        {
            Name = "浏览器测试批次 " + Guid.NewGuid().ToString("N")[..8],
            ReferenceDate = new DateOnly(2026, 12, 31),
            TermStart = new DateOnly(2027, 1, 1),
            RegionCode = "542500",
            EligibilityPolicy = policy,
        }, Ct);
        await rounds.OpenAsync(round.Id, null, Ct);
        var candidate = await scope.ServiceProvider.GetRequiredService<CandidateService>().NominateAsync(round.Id,
            new NominationInput { PersonId = person.Id, Entry = "unitRecommendation", Statement = "政治坚定，熟悉农牧工作。" }, Ct);
        return (round.Id, candidate.Id);
    }

    static async Task AttestAllThreeAsync(IPage page, string notes)
    {
        foreach (var item in new[] { "政治素质好", "工作能力强", "责任意识强" })
            await page.Locator("fieldset.choice").Filter(new() { Has = page.Locator("legend", new() { HasText = item }) }).GetByLabel("符合", new() { Exact = true }).CheckAsync();
        await page.Locator("#attest-notes").FillAsync(notes);
        await page.GetByRole(AriaRole.Button, new() { Name = "记录鉴定" }).ClickAsync();
        await Expect(page.Locator("#done")).ToHaveTextAsync("已记录“一好双强”鉴定。");
    }

    [Fact]
    public async Task CandidatePage_CountyReviewerAttestsThenApproves_TheCandidateIsApproved()
    {
        var (_, candidateId) = await OpenRoundWithCandidateAsync(app.Data.PulanCadre);
        await using var s = await app.SignInAsync("pulan.county");
        await s.Page.GotoAsync($"/candidates/{candidateId}");

        await Expect(s.Page.Locator("h1")).ToContainTextAsync(app.Data.PulanCadre.Name);
        await Expect(s.Page.Locator("#candidate-status")).ToHaveTextAsync("待审核");
        await Expect(s.Page.Locator("#outcome")).ToContainTextAsync("符合");
        var party = s.Page.Locator("table.rules tr[data-rule='PartyStanding']").First;
        await Expect(party.Locator(".badge")).ToContainTextAsync("符合");
        await Expect(party.Locator("td.reason")).ToContainTextAsync("满 1 年（参照日 2026-12-31）");
        await Expect(s.Page.Locator("#blockers")).ToContainTextAsync("尚未记录“一好双强”鉴定");

        await AttestAllThreeAsync(s.Page, "经考察谈话，政治立场坚定，熟悉农牧工作。");
        await Expect(s.Page.Locator("#blockers")).ToHaveCountAsync(0);
        await Expect(s.Page.Locator("main")).ToContainTextAsync("可以审核通过");
        await Expect(s.Page.Locator("table.data").Filter(new() { HasText = "鉴定意见" })).ToContainTextAsync("pulan.county");

        await s.Page.Locator("#approve-note").FillAsync("同意列为选派人选");
        await s.Page.GetByRole(AriaRole.Button, new() { Name = "审核通过" }).ClickAsync();

        await Expect(s.Page.Locator("#done")).ToHaveTextAsync("已审核通过。");
        await Expect(s.Page.Locator("#candidate-status")).ToHaveTextAsync("已通过");
        await Expect(s.Page.GetByRole(AriaRole.Button, new() { Name = "审核通过" })).ToHaveCountAsync(0);
        var stored = await app.WithSystemDbAsync(db => db.Candidates.IgnoreQueryFilters().AsNoTracking().SingleAsync(c => c.Id == candidateId, Ct));
        Assert.Equal((CandidateStatus.Approved, "pulan.county", "同意列为选派人选"), (stored.Status, stored.ReviewedBy, stored.ReviewNote));
        Assert.Empty(s.ConsoleErrors);
    }

    [Fact]
    public async Task CandidatePage_AFailingRule_RefusesApproval_NamingTheRule()
    {
        var policy = EligibilityPolicy.Default.With(new EligibilityRule { Kind = RuleKinds.AgeLimit, MaxAge = 30 }).ToJson();
        var (roundId, candidateId) = await OpenRoundWithCandidateAsync(app.Data.PrefectureCadre, policy);
        await using var s = await app.SignInAsync("ali.prefecture");
        await s.Page.GotoAsync($"/candidates/{candidateId}");
        await Expect(s.Page.Locator("#outcome")).ToContainTextAsync("不符合");
        await Expect(s.Page.Locator("table.rules tr[data-rule='AgeLimit'] td.reason")).ToHaveTextAsync("出生日期 1985-01-20，参照日 2026-12-31 时 41 周岁，超过 30 周岁");

        await AttestAllThreeAsync(s.Page, "考察合格。");
        await s.Page.GetByRole(AriaRole.Button, new() { Name = "审核通过" }).ClickAsync();

        await Expect(s.Page.Locator("#error-summary")).ToContainTextAsync("不能通过审核：不符合资格条件“年龄不超过 30 周岁”");
        await Expect(s.Page.Locator("#candidate-status")).ToHaveTextAsync("待审核");
        Assert.Equal(CandidateStatus.Pending, await app.WithSystemDbAsync(db => db.Candidates.IgnoreQueryFilters().Where(c => c.Id == candidateId).Select(c => c.Status).SingleAsync(Ct)));

        // The list shows the same outcome, and filters by it.
        await s.Page.GotoAsync($"/rounds/{roundId}/candidates");
        await s.Page.Locator("#outcome").SelectOptionAsync("fail");
        await s.Page.GetByRole(AriaRole.Button, new() { Name = "查询" }).ClickAsync();
        await Expect(s.Page).ToHaveURLAsync(new Regex("outcome=fail"));
        await Expect(s.Page.Locator("table.candidates tbody tr")).ToHaveCountAsync(1);
        await Expect(s.Page.Locator("table.candidates tbody tr")).ToContainTextAsync("年龄不超过 30 周岁");
    }

    [Fact]
    public async Task RoundEditor_EmptyNameAndAThreeMonthTerm_ShowsEachMessageNextToItsField_AndCreatesNothing()
    {
        var before = await app.WithSystemDbAsync(db => db.SelectionRounds.IgnoreQueryFilters().CountAsync(Ct));
        await using var s = await app.SignInAsync("ali.prefecture");
        await s.Page.GotoAsync("/rounds");
        await s.Page.GetByRole(AriaRole.Link, new() { Name = "新建批次" }).First.ClickAsync(); // the header button: an empty list offers the same link again
        await Expect(s.Page.Locator("h1")).ToHaveTextAsync("新建选派批次");

        await s.Page.Locator("#ReferenceDate").FillAsync("2026-12-31");
        await s.Page.Locator("#TermStart").FillAsync("2027-01-01");
        await s.Page.Locator("#TermMonths").FillAsync("3");
        await s.Page.GetByRole(AriaRole.Button, new() { Name = "保存" }).ClickAsync();

        await Expect(s.Page.Locator("#err-name")).ToHaveTextAsync("批次名称不能为空。");
        await Expect(s.Page.Locator("#err-termMonths")).ToHaveTextAsync("任期应为 6 到 60 个月，实际为 3 个月。");
        await Expect(s.Page.Locator("#Name")).ToHaveAttributeAsync("aria-describedby", "err-name");
        await Expect(s.Page.Locator("#error-summary")).ToContainTextAsync("批次名称不能为空");
        Assert.Equal(before, await app.WithSystemDbAsync(db => db.SelectionRounds.IgnoreQueryFilters().CountAsync(Ct)));

        // Corrected, it saves and opens the round's page.
        await s.Page.Locator("#Name").FillAsync("浏览器新建的批次");
        await s.Page.Locator("#TermMonths").FillAsync("24");
        await s.Page.Locator("#TermMonths").PressAsync("Enter");
        await Expect(s.Page.Locator("h1")).ToContainTextAsync("浏览器新建的批次");
        await Expect(s.Page.Locator("h1 .badge")).ToHaveTextAsync("草稿");
    }

    [Fact]
    public async Task SelectionPages_RenderForACounty_AndTheCommunityBureauIsRefused()
    {
        var (roundId, candidateId) = await OpenRoundWithCandidateAsync(app.Data.ZandaCadre);
        await using var s = await app.SignInAsync("zanda.county");
        foreach (var path in new[] { "/rounds", $"/rounds/{roundId}", $"/rounds/{roundId}/candidates", $"/rounds/{roundId}/nominate", $"/candidates/{candidateId}" })
        {
            var response = await s.Page.GotoAsync(path);
            Assert.True(response!.Ok, $"{path} answered {response.Status}");
        }
        await Expect(s.Page.Locator("nav.mainnav").GetByRole(AriaRole.Link, new() { Name = "选派", Exact = true })).ToHaveAttributeAsync("href", "/rounds");
        Assert.Empty(s.ConsoleErrors);

        // Pulan's county office does not see Zanda's candidate.
        await using var pulan = await app.SignInAsync("pulan.county");
        Assert.Equal(404, (await pulan.Page.GotoAsync($"/candidates/{candidateId}"))!.Status);

        await using var dayu = await app.SignInAsync("dayu.civil");
        await Expect(dayu.Page.Locator("nav.mainnav").GetByRole(AriaRole.Link, new() { Name = "选派", Exact = true })).ToHaveCountAsync(0);
        Assert.Equal(403, (await dayu.Page.GotoAsync("/rounds"))!.Status);
    }
}
