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
/// The offices' daily-management pages and the cadre's leave page, on a small team in Rutog county (日土县) with a day of
/// check-ins: the county sees the day, approves leave on its page, and edits key periods; the cadre asks for leave and
/// sees it routed. With GRASSROOTS_SCREENSHOTS set to a folder, the pages are also saved there as PNG files.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ManagePagesTests(BrowserApp app)
{
    const string CountyUser = "rutog.county";
    static readonly string[] Names = ["次仁多吉", "格桑卓玛", "王海涛", "李静", "扎西平措", "赵明远", "白玛央金"];
    static readonly SemaphoreSlim Once = new(1, 1);
    static List<(Guid PersonId, string UserName)>? team;

    async Task<List<(Guid PersonId, string UserName)>> TeamAsync()
    {
        await Once.WaitAsync();
        try
        {
            return team ??= await MakeTeamAsync();
        }
        finally
        {
            Once.Release();
        }
    }

    async Task<List<(Guid, string)>> MakeTeamAsync()
    {
        var villages = new[] { ("542524100201", 33.38, 79.73), ("542524100202", 33.41, 79.69) };
        var people = await app.WithSystemDbAsync(async db =>
        {
            var rows = new List<Village>();
            foreach (var (code, lat, lon) in villages)
            {
                var region = RegionCatalog.Embedded.Find(code)!;
                var v = await db.Villages.IgnoreQueryFilters().FirstOrDefaultAsync(x => x.Code == region.Code);
                if (v is null)
                {
                    v = new Village { Code = region.Code, Name = region.Name, TownshipCode = region.ParentCode!.Value, RegionPath = region.Path, Latitude = lat, Longitude = lon };
                    db.Villages.Add(v);
                }
                rows.Add(v);
            }
            var prefecture = RegionCatalog.Embedded.Find("542500")!;
            var unit = new Unit { Name = "阿里地区林业和草原局", Level = UnitLevel.Prefecture, Sector = "农牧", RegionCode = prefecture.Code, RegionPath = prefecture.Path };
            db.Units.Add(unit);
            var list = new List<(Guid, Village)>();
            for (var i = 0; i < Names.Length; i++)
            {
                var birth = new DateOnly(1984, 5, 1).AddDays(i * 211);
                var id = TestData.MakeId("542500", birth, 500 + i);
                var village = rows[i % 2];
                var p = new Person
                {
                    Kind = PersonKind.Cadre, Name = Names[i], NameSortKey = Grassroots.Common.ChineseText.StrokeSortKey(Names[i]), GenderCode = id.GenderCode, EthnicCode = i % 3 == 0 ? "04" : "01",
                    BirthDate = birth, IdNumber = id, PoliticalStatusCode = "01", StaffStatus = StaffStatus.Established, UnitId = unit.Id,
                    RegionCode = unit.RegionCode, RegionPath = unit.RegionPath, StationedRegionPath = village.RegionPath,
                };
                db.People.Add(p);
                db.Postings.Add(new Posting
                {
                    PersonId = p.Id, VillageId = village.Id, Role = i < 2 ? PostingRole.FirstSecretary : PostingRole.Member, StartDate = new DateOnly(2026, 3, 1), EndDate = new DateOnly(2028, 2, 29),
                    VillageCode = village.Code, RegionPath = village.RegionPath, HomeRegionPath = unit.RegionPath,
                });
                list.Add((p.Id, village));
            }
            await db.SaveChangesAsync();
            return list;
        });

        var result = new List<(Guid, string)>();
        using (var scope = app.Services.CreateScope())
        {
            scope.ServiceProvider.GetRequiredService<CurrentUser>().ActAsSystem("test");
            var accounts = scope.ServiceProvider.GetRequiredService<AccountService>();
            await accounts.CreateUserAsync(CountyUser, "日土县委组织部", BrowserApp.Password, [Roles.CountyOrg], "542524", default);
            for (var i = 0; i < people.Count; i++)
            {
                var user = $"rutog.cadre.{i + 1}";
                await accounts.CreateUserAsync(user, Names[i], BrowserApp.Password, [Roles.Cadre], null, default, people[i].Item1);
                result.Add((people[i].Item1, user));
            }

            // Today's check-ins, and a few days before for the cadre's own list.
            var now = DateTime.UtcNow;
            var writer = scope.ServiceProvider.GetRequiredService<CheckInBatchWriter>();
            CheckInSubmission At(int who, DateTime at, double northMetres, double accuracy = 15, string? reason = null, bool late = false) =>
                new(people[who].Item1, null, result[who].Item2, "127.0.0.1",
                    new CheckInPayload(Guid.NewGuid().ToString("N"), new DateTime(at.Ticks - at.Ticks % TimeSpan.TicksPerMillisecond, DateTimeKind.Utc),
                        people[who].Item2.Latitude + northMetres / 111_195.0, people[who].Item2.Longitude, accuracy, reason), late ? now : at.AddSeconds(20));
            var history = new List<CheckInSubmission>();
            for (var d = 2; d >= 1; d--) history.Add(At(0, now.AddDays(-d).AddMinutes(-d * 7), 120 + d * 30, late: d == 2));
            await writer.WriteAsync(history, default);
            // "Today" is the China date: shortly after midnight China time (16:00 UTC) the offsets are squeezed into the
            // minutes since midnight, so the check-ins stay on today's date whenever the tests run.
            var sinceMidnight = (now.AddHours(8) - now.AddHours(8).Date).TotalMinutes;
            var squeeze = Math.Clamp((sinceMidnight - 1) / 200.0, 0.001, 1.0);
            DateTime Ago(double minutes) => now.AddMinutes(-minutes * squeeze);
            await writer.WriteAsync([
                At(0, Ago(95), 140),
                At(1, Ago(80), 380),
                At(2, Ago(62), 12_400, reason: "到县城参加驻村工作培训"),
                At(3, Ago(40), 260, accuracy: 650),
                At(4, Ago(180), 90, late: true),
            ], default);
        }
        return result;
    }

    static async Task ShotAsync(IPage page, string name)
    {
        var folder = Environment.GetEnvironmentVariable("GRASSROOTS_SCREENSHOTS");
        if (string.IsNullOrEmpty(folder)) return;
        Directory.CreateDirectory(folder);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, name + ".png"), FullPage = true });
    }

    [Fact]
    public async Task County_SeesTheDaysCheckIns_ExceptionsAndMissingCadres()
    {
        await TeamAsync();
        await using var s = await app.SignInAsync(CountyUser, 390, 844);
        await s.Page.GotoAsync("/manage/checkins");

        await Expect(s.Page.Locator("h1")).ToHaveTextAsync("日土县驻村干部签到");
        foreach (var name in Names.Take(5)) await Expect(s.Page.Locator("table.checkins tbody tr").Filter(new() { HasText = name })).ToHaveCountAsync(1);
        await Expect(s.Page.Locator("table.checkins tbody tr").Filter(new() { HasText = "格桑卓玛" })).ToContainTextAsync("在岗");
        await Expect(s.Page.Locator("table.checkins tbody tr").Filter(new() { HasText = "王海涛" })).ToContainTextAsync("到县城参加驻村工作培训");
        await Expect(s.Page.Locator("table.checkins tbody tr").Filter(new() { HasText = "李静" })).ToContainTextAsync("定位精度差");
        await ShotAsync(s.Page, "checkins-county-phone");

        await s.Page.Locator(".tabs").GetByRole(AriaRole.Link, new() { Name = "未签到", Exact = true }).ClickAsync();
        await Expect(s.Page.Locator("table.data tbody tr").Filter(new() { HasText = "白玛央金" })).ToHaveCountAsync(1);
        await Expect(s.Page.Locator("table.data tbody tr").Filter(new() { HasText = "格桑卓玛" })).ToHaveCountAsync(0);

        await s.Page.GotoAsync("/manage/checkins?view=offPost");
        await s.Page.Locator("table.checkins").GetByRole(AriaRole.Link, new() { Name = "核实", Exact = true }).First.ClickAsync();
        await s.Page.Locator("#note").FillAsync("已电话核实，在县城培训");
        await s.Page.GetByRole(AriaRole.Button, new() { Name = "记录核实" }).ClickAsync();
        await Expect(s.Page.Locator("#review-done")).ToBeVisibleAsync();
        Assert.Empty(s.ConsoleErrors);
    }

    [Fact]
    public async Task Cadre_AsksForLeave_TheCountyApprovesItOnItsPage_AndTheCadreRecordsTheReturn()
    {
        var members = await TeamAsync();
        var cadre = members[5];
        await using (var phone = await app.SignInAsync(cadre.UserName, 390, 844))
        {
            await phone.Page.GotoAsync("/leave");
            await phone.Page.Locator("#kind").SelectOptionAsync("FamilyVisit");
            var today = DateOnly.FromDateTime(DateTime.UtcNow.AddHours(8));
            await phone.Page.Locator("#start").FillAsync(today.AddDays(-2).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
            await phone.Page.Locator("#end").FillAsync(today.AddDays(3).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
            await phone.Page.Locator("#destination").FillAsync("四川成都");
            await phone.Page.Locator("#reason").FillAsync("探望父母");
            await phone.Page.GetByRole(AriaRole.Button, new() { Name = "提交申请" }).ClickAsync();
            await Expect(phone.Page.Locator("#ask-done")).ToContainTextAsync("由县驻村办审批");
            await Expect(phone.Page.Locator("#mine tbody tr").First).ToContainTextAsync("待审批");
            await ShotAsync(phone.Page, "leave-cadre-phone");
        }

        await using (var county = await app.SignInAsync(CountyUser))
        {
            await county.Page.GotoAsync("/manage/leave");
            var row = county.Page.Locator("table.data tbody tr").Filter(new() { HasText = Names[5] });
            await Expect(row).ToContainTextAsync("县驻村办");
            await ShotAsync(county.Page, "leave-queue");
            await row.GetByRole(AriaRole.Link, new() { Name = "审批" }).ClickAsync();
            await county.Page.Locator("#note").FillAsync("同意，按时返岗");
            await ShotAsync(county.Page, "leave-decision");
            await county.Page.GetByRole(AriaRole.Button, new() { Name = "批准", Exact = true }).ClickAsync();
            await Expect(county.Page.Locator("#decision-done")).ToHaveTextAsync("已批准。");
            Assert.Empty(county.ConsoleErrors);
        }

        await using (var phone = await app.SignInAsync(cadre.UserName, 390, 844))
        {
            await phone.Page.GotoAsync("/leave");
            await phone.Page.Locator("#mine").GetByRole(AriaRole.Link, new() { Name = "销假" }).ClickAsync();
            await phone.Page.GetByRole(AriaRole.Button, new() { Name = "确认销假" }).ClickAsync();
            await Expect(phone.Page.Locator("#leave-done")).ToHaveTextAsync("已销假。");
        }
        var stored = await app.WithSystemDbAsync(db => db.LeaveRequests.IgnoreQueryFilters().AsNoTracking().SingleAsync(l => l.PersonId == cadre.PersonId));
        Assert.Equal(LeaveStatus.Returned, stored.Status);
        Assert.True(await app.WithSystemDbAsync(db => db.AuditEntries.AnyAsync(a => a.ObjectId == stored.Id.ToString() && a.Event == "update" && a.UserName == CountyUser)));
    }

    [Fact]
    public async Task County_AddsAKeyPeriod_AndTheCadresLeavePageSaysSo()
    {
        var members = await TeamAsync();
        var today = DateOnly.FromDateTime(DateTime.UtcNow.AddHours(8));
        await using (var county = await app.SignInAsync(CountyUser))
        {
            await county.Page.GotoAsync("/manage/key-periods");
            await county.Page.Locator("#name").FillAsync("冬季值守");
            await county.Page.Locator("#start").FillAsync(today.AddDays(20).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
            await county.Page.Locator("#end").FillAsync(today.AddDays(30).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
            await county.Page.GetByRole(AriaRole.Button, new() { Name = "添加", Exact = true }).ClickAsync();
            await Expect(county.Page.Locator("#period-done")).ToContainTextAsync("冬季值守");
            await Expect(county.Page.Locator("table.data tbody tr").Filter(new() { HasText = "冬季值守" })).ToContainTextAsync("日土县");
            await ShotAsync(county.Page, "key-periods");
        }
        await using var phone = await app.SignInAsync(members[6].UserName, 390, 844);
        await phone.Page.GotoAsync("/leave");
        await Expect(phone.Page.Locator("main")).ToContainTextAsync("即将到来的重要时间节点：冬季值守");
        await phone.Page.GotoAsync("/checkin");
        await ShotAsync(phone.Page, "checkin-phone");
        Assert.Empty(phone.ConsoleErrors);
    }

    [Fact]
    public async Task County_SeesMonthlyOnPostDays_AndTheCadreSeesTheirOwnRecentCheckIns()
    {
        var members = await TeamAsync();
        await using (var county = await app.SignInAsync(CountyUser))
        {
            await county.Page.GotoAsync("/manage/on-post");
            foreach (var name in Names) await Expect(county.Page.Locator("table.data tbody tr").Filter(new() { HasText = name })).ToHaveCountAsync(1);
            await ShotAsync(county.Page, "on-post-days");
        }
        await using var phone = await app.SignInAsync(members[0].UserName, 390, 844);
        await phone.Page.GotoAsync("/checkin");
        await Expect(phone.Page.Locator("#checkin-status")).ToHaveTextAsync("今天已签到（在岗）");
        await Expect(phone.Page.Locator("#checkin-done li")).ToHaveCountAsync(3);
        await ShotAsync(phone.Page, "checkin-phone-done");
    }
}
