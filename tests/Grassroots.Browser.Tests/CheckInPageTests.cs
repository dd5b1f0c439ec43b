using Grassroots.Browser.Tests.Infrastructure;
using Grassroots.Dispatch;
using Grassroots.Manage;
using Grassroots.People;
using Grassroots.Regions;
using Grassroots.Security;
using Grassroots.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Grassroots.Browser.Tests;

/// <summary>
/// The phone check-in page in Chromium at phone width with an emulated position (S-MNG-1): inside and outside the
/// fence, and offline then online — the check-in waits on the phone and is uploaded exactly once.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class CheckInPageTests(BrowserApp app)
{
    /// <summary>日土村, Rutog county: no other browser test looks at Rutog, so these cadres change nobody's lists.</summary>
    const string VillageCode = "542524100201";
    const double VillageLat = 33.38;
    const double VillageLon = 79.73;
    const double MetresPerDegree = 6_371_008.8 * Math.PI / 180;
    static int serial;

    sealed record Cadre(Guid PersonId, string UserName);

    async Task<Cadre> NewCadreAsync()
    {
        var n = Interlocked.Increment(ref serial);
        var userName = $"phone.{n}.{Guid.NewGuid().ToString("N")[..6]}";
        var personId = await app.WithSystemDbAsync(async db =>
        {
            var region = RegionCatalog.Embedded.Find(VillageCode)!;
            var village = await db.Villages.IgnoreQueryFilters().FirstOrDefaultAsync(v => v.Code == region.Code);
            if (village is null)
            {
                village = new Village { Code = region.Code, Name = region.Name, TownshipCode = region.ParentCode!.Value, RegionPath = region.Path, Latitude = VillageLat, Longitude = VillageLon };
                db.Villages.Add(village);
            }
            var county = RegionCatalog.Embedded.Find("542524")!;
            var unit = await db.Units.IgnoreQueryFilters().FirstOrDefaultAsync(u => u.RegionPath == county.Path);
            if (unit is null)
            {
                unit = new Unit { Name = "日土县农业农村局", Level = UnitLevel.County, Sector = "农牧", RegionCode = county.Code, RegionPath = county.Path };
                db.Units.Add(unit);
            }
            var birth = new DateOnly(1986, 2, 1).AddDays(n * 53);
            var id = TestData.MakeId("542524", birth, 300 + n);
            var name = "手机签到" + n;
            var person = new Person
            {
                Kind = PersonKind.Cadre, Name = name, NameSortKey = Grassroots.Common.ChineseText.StrokeSortKey(name), GenderCode = id.GenderCode, EthnicCode = "01",
                BirthDate = birth, IdNumber = id, PoliticalStatusCode = "01", StaffStatus = StaffStatus.Established, UnitId = unit.Id,
                RegionCode = unit.RegionCode, RegionPath = unit.RegionPath, StationedRegionPath = village.RegionPath,
            };
            db.People.Add(person);
            db.Postings.Add(new Posting
            {
                PersonId = person.Id, VillageId = village.Id, Role = PostingRole.Member, StartDate = new DateOnly(2026, 3, 1), EndDate = new DateOnly(2028, 2, 29),
                VillageCode = village.Code, RegionPath = village.RegionPath, HomeRegionPath = unit.RegionPath,
            });
            await db.SaveChangesAsync();
            return person.Id;
        });
        using (var scope = app.Services.CreateScope())
        {
            scope.ServiceProvider.GetRequiredService<CurrentUser>().ActAsSystem("test");
            await scope.ServiceProvider.GetRequiredService<AccountService>().CreateUserAsync(userName, "手机签到" + n, BrowserApp.Password, [Roles.Cadre], null, default, personId);
        }
        return new Cadre(personId, userName);
    }

    /// <summary>A phone-sized context at a position <paramref name="metresNorth"/> of the village, with location allowed, signed in.</summary>
    async Task<Session> PhoneAsync(Cadre cadre, double metresNorth)
    {
        var context = await app.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = app.BaseUrl,
            Locale = "zh-CN",
            ViewportSize = new ViewportSize { Width = 390, Height = 844 },
            IsMobile = true,
            HasTouch = true,
            Geolocation = new Geolocation { Latitude = (float)(VillageLat + metresNorth / MetresPerDegree), Longitude = (float)VillageLon, Accuracy = 12 },
            Permissions = ["geolocation"],
        });
        context.SetDefaultTimeout(15_000);
        var page = await context.NewPageAsync();
        var session = new Session(context, page);
        page.Console += (_, m) => { if (m.Type == "error") session.ConsoleErrors.Add(m.Text); };
        page.PageError += (_, e) => session.ConsoleErrors.Add(e);
        await page.GotoAsync("/login?returnUrl=/checkin");
        await page.Locator("#userName").FillAsync(cadre.UserName);
        await page.Locator("#password").FillAsync(BrowserApp.Password);
        await page.Locator("main button[type=submit]").ClickAsync();
        await page.WaitForURLAsync(url => url.EndsWith("/checkin", StringComparison.Ordinal));
        return session;
    }

    Task<List<CheckIn>> StoredAsync(Cadre cadre) =>
        app.WithSystemDbAsync(db => db.CheckIns.IgnoreQueryFilters().AsNoTracking().Where(c => c.PersonId == cadre.PersonId).ToListAsync());

    [Fact]
    public async Task CheckIn_InsideTheFence_IsSentAndShownOnPost()
    {
        var cadre = await NewCadreAsync();
        await using var s = await PhoneAsync(cadre, 200);
        await Expect(s.Page.Locator("#checkin-status")).ToHaveTextAsync("今天还没有签到");

        await s.Page.Locator("#checkin-button").ClickAsync();

        await Expect(s.Page.Locator("#checkin-status")).ToContainTextAsync("已签到（在岗）");
        await Expect(s.Page.Locator("#checkin-done li").First).ToContainTextAsync(new System.Text.RegularExpressions.Regex(@"距村 (199|200|201) 米"));
        var stored = Assert.Single(await StoredAsync(cadre));
        Assert.True(stored.OnPost);
        Assert.InRange(stored.DistanceMetres, 199, 201);
        Assert.Equal(12, stored.Accuracy, 1);
        Assert.Equal("[]", await s.Page.EvaluateAsync<string>($"localStorage.getItem('grassroots.checkins.{cadre.UserName}')"));
        Assert.Empty(s.ConsoleErrors);
    }

    [Fact]
    public async Task CheckIn_OutsideTheFence_AsksForAReason_ThenSendsItOffPost()
    {
        var cadre = await NewCadreAsync();
        await using var s = await PhoneAsync(cadre, 5000);

        await s.Page.Locator("#checkin-button").ClickAsync();
        await Expect(s.Page.Locator("#checkin-status")).ToHaveTextAsync("不在岗需说明原因");
        await Expect(s.Page.Locator("#checkin-reason")).ToBeVisibleAsync();
        await Expect(s.Page.Locator("#checkin-reason-message")).ToContainTextAsync("约 5.0 公里");
        Assert.Empty(await StoredAsync(cadre));

        await s.Page.Locator("#checkin-reason-submit").ClickAsync();
        await Expect(s.Page.Locator("#checkin-reason-message")).ToHaveTextAsync("请填写不在岗的原因。");
        await s.Page.Locator("#checkin-reason-text").FillAsync("到县里参加培训");
        await s.Page.Locator("#checkin-reason-submit").ClickAsync();

        await Expect(s.Page.Locator("#checkin-status")).ToContainTextAsync("已提交（不在岗）");
        await Expect(s.Page.Locator("#checkin-reason")).ToBeHiddenAsync();
        var stored = Assert.Single(await StoredAsync(cadre));
        Assert.False(stored.OnPost);
        Assert.Equal("到县里参加培训", stored.Reason);
        Assert.DoesNotContain(s.ConsoleErrors, e => !e.Contains("422", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Offline_TheCheckInWaitsOnThePhone_AndIsUploadedExactlyOnceWhenOnline()
    {
        var cadre = await NewCadreAsync();
        await using var s = await PhoneAsync(cadre, 50);
        var posts = 0;
        s.Page.Request += (_, r) => { if (r.Method == "POST" && r.Url.EndsWith("/api/checkins", StringComparison.Ordinal)) Interlocked.Increment(ref posts); };
        await s.Context.SetOfflineAsync(true);

        await s.Page.Locator("#checkin-button").ClickAsync();
        await Expect(s.Page.Locator("#checkin-queue li")).ToHaveCountAsync(1);
        await Expect(s.Page.Locator("#checkin-queue li").First).ToContainTextAsync("待上传");
        await Expect(s.Page.Locator("#checkin-status")).ToContainTextAsync("网络已断开");
        var queued = await s.Page.EvaluateAsync<string>($"localStorage.getItem('grassroots.checkins.{cadre.UserName}')");
        Assert.Contains("\"state\":\"queued\"", queued);
        Assert.Empty(await StoredAsync(cadre));

        await s.Context.SetOfflineAsync(false);

        await Expect(s.Page.Locator("#checkin-status")).ToContainTextAsync("已签到（在岗）", new() { Timeout = 20_000 });
        await Expect(s.Page.Locator("#checkin-queue li")).ToHaveCountAsync(0);
        Assert.Single(await StoredAsync(cadre));
        // Nothing more goes out once the queue is empty.
        await s.Page.WaitForTimeoutAsync(2500);
        Assert.Single(await StoredAsync(cadre));
        Assert.Equal("[]", await s.Page.EvaluateAsync<string>($"localStorage.getItem('grassroots.checkins.{cadre.UserName}')"));
        Assert.True(posts >= 1);
    }

    [Fact]
    public async Task QueuedCheckIn_SurvivesClosingThePage_AndIsUploadedWhenThePageOpensOnline()
    {
        var cadre = await NewCadreAsync();
        await using var s = await PhoneAsync(cadre, 80);
        await s.Context.SetOfflineAsync(true);
        await s.Page.Locator("#checkin-button").ClickAsync();
        await Expect(s.Page.Locator("#checkin-queue li")).ToHaveCountAsync(1);
        await s.Page.CloseAsync();
        Assert.Empty(await StoredAsync(cadre));

        await s.Context.SetOfflineAsync(false);
        var again = await s.Context.NewPageAsync();
        await again.GotoAsync("/checkin");

        await Expect(again.Locator("#checkin-status")).ToContainTextAsync("已签到（在岗）");
        await Expect(again.Locator("#checkin-queue li")).ToHaveCountAsync(0);
        Assert.Single(await StoredAsync(cadre));
    }
}
