using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Grassroots.Audit;
using Grassroots.Manage;
using Grassroots.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Grassroots.Web.Tests.Manage;

/// <summary>Check-ins over HTTP (S-MNG-1): idempotency under concurrency, the fence, late uploads and the suspicion flags.</summary>
public abstract class CheckInTests(GrassrootsApp app)
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    DateTimeOffset Now => app.Clock.GetUtcNow();

    Task<int> CountAsync(Guid personId) => app.WithSystemDbAsync(db => db.CheckIns.IgnoreQueryFilters().CountAsync(c => c.PersonId == personId));

    static async Task<JsonElement> JsonAsync(HttpResponseMessage r) => JsonDocument.Parse(await r.Content.ReadAsStringAsync(Ct)).RootElement.Clone();

    [Fact]
    public async Task CheckIn_InsideTheFence_IsStoredOnPost_AndAnswers201WithTheContract()
    {
        var cadre = await ManageKit.NewCadreAsync(app);
        var (lat, lon) = ManageKit.North(120);
        var response = await cadre.CheckInAsync(ManageKit.Body("k-inside", Now.AddMinutes(-1), lat, lon, 12));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var json = await JsonAsync(response);
        var id = json.GetProperty("id").GetGuid();
        Assert.True(json.GetProperty("onPost").GetBoolean());
        Assert.False(json.GetProperty("late").GetBoolean());
        Assert.Equal(0, json.GetProperty("flags").GetArrayLength());
        Assert.Equal(120, json.GetProperty("distanceMetres").GetInt32());
        Assert.Equal($"/api/checkins/{id}", response.Headers.Location?.OriginalString);

        var row = await app.WithSystemDbAsync(db => db.CheckIns.IgnoreQueryFilters().SingleAsync(c => c.PersonId == cadre.PersonId));
        Assert.Equal(id, row.Id);
        Assert.True(row.OnPost);
        Assert.Equal(cadre.Village.Id, row.VillageId);
        Assert.Equal(cadre.Village.RegionPath, row.RegionPath);
        Assert.Equal(new DateOnly(2026, 11, 27), row.Date);
    }

    [Fact]
    public async Task Replay_OfTheSameKeyAndPayload_Answers200WithTheIdenticalBody_AndStoresNothing()
    {
        var cadre = await ManageKit.NewCadreAsync(app);
        var body = ManageKit.Body("replay-1", Now.AddMinutes(-3), ManageKit.VillageLat, ManageKit.VillageLon, 20);
        var first = await cadre.CheckInAsync(body);
        var audits = await app.WithSystemDbAsync(db => db.AuditEntries.CountAsync(a => a.ObjectType == nameof(CheckIn)));

        var second = await cadre.CheckInAsync(body);
        var third = await cadre.CheckInAsync(body);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(HttpStatusCode.OK, third.StatusCode);
        var firstBody = await first.Content.ReadAsStringAsync(Ct);
        Assert.Equal(firstBody, await second.Content.ReadAsStringAsync(Ct));
        Assert.Equal(firstBody, await third.Content.ReadAsStringAsync(Ct));
        Assert.Equal(1, await CountAsync(cadre.PersonId));
        Assert.Equal(audits, await app.WithSystemDbAsync(db => db.AuditEntries.CountAsync(a => a.ObjectType == nameof(CheckIn))));
    }

    [Fact]
    public async Task FiftyConcurrentIdenticalRequests_StoreExactlyOneRow_AndAllGetTheSameAnswer()
    {
        var cadre = await ManageKit.NewCadreAsync(app);
        var (lat, lon) = ManageKit.North(300);
        var body = ManageKit.Body("burst-" + Guid.NewGuid().ToString("N"), Now.AddMinutes(-2), lat, lon, 25);
        // Fifty separate connections, released together.
        var clients = Enumerable.Range(0, 50).Select(_ => app.CreateClient()).ToList();
        foreach (var c in clients) c.DefaultRequestHeaders.Authorization = cadre.Client.DefaultRequestHeaders.Authorization;
        using var start = new ManualResetEventSlim();
        var tasks = clients.Select(c => Task.Run(async () =>
        {
            start.Wait(Ct);
            var r = await c.PostAsJsonAsync("/api/checkins", body, Ct);
            return (r.StatusCode, Body: await r.Content.ReadAsStringAsync(Ct));
        }, Ct)).ToList();
        start.Set();
        var results = await Task.WhenAll(tasks);

        Assert.Single(results, r => r.StatusCode == HttpStatusCode.Created);
        Assert.Equal(49, results.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Single(results.Select(r => r.Body).Distinct());
        Assert.Equal(1, await CountAsync(cadre.PersonId));
        Assert.Equal(1, await app.WithSystemDbAsync(db => db.AuditEntries.CountAsync(a => a.ObjectType == nameof(CheckIn) && a.UserName == cadre.UserName)));
    }

    [Fact]
    public async Task SameKey_WithAChangedPayload_IsRefusedWith409_AndTheFirstStays()
    {
        var cadre = await ManageKit.NewCadreAsync(app);
        var at = Now.AddMinutes(-5);
        var first = await cadre.CheckInAsync(ManageKit.Body("changed-1", at, ManageKit.VillageLat, ManageKit.VillageLon, 10));
        var moved = await cadre.CheckInAsync(ManageKit.Body("changed-1", at, ManageKit.VillageLat + 0.001, ManageKit.VillageLon, 10));
        var later = await cadre.CheckInAsync(ManageKit.Body("changed-1", at.AddSeconds(1), ManageKit.VillageLat, ManageKit.VillageLon, 10));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, moved.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, later.StatusCode);
        Assert.Contains("签到编号", (await JsonAsync(moved)).GetProperty("title").GetString());
        var row = await app.WithSystemDbAsync(db => db.CheckIns.IgnoreQueryFilters().SingleAsync(c => c.PersonId == cadre.PersonId));
        Assert.Equal(ManageKit.VillageLat, row.Latitude);
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(990, true)]
    [InlineData(999.5, true)]
    public async Task Fence_AtOrJustInsideOneKilometre_IsOnPost(double metres, bool onPost)
    {
        var cadre = await ManageKit.NewCadreAsync(app);
        var (lat, lon) = ManageKit.North(metres);
        var response = await cadre.CheckInAsync(ManageKit.Body("fence", Now, lat, lon));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(onPost, (await JsonAsync(response)).GetProperty("onPost").GetBoolean());
    }

    [Fact]
    public async Task Fence_JustOutsideOneKilometre_WithoutAReason_IsRefused422_AndStoresNothing()
    {
        var cadre = await ManageKit.NewCadreAsync(app);
        var (lat, lon) = ManageKit.North(1001);
        var response = await cadre.CheckInAsync(ManageKit.Body("outside", Now, lat, lon));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("原因", (await JsonAsync(response)).GetProperty("title").GetString());
        Assert.Equal(0, await CountAsync(cadre.PersonId));
    }

    [Fact]
    public async Task Fence_JustOutside_WithAReason_IsStoredOffPost_AndTheSameKeyCanThenCarryTheReason()
    {
        var cadre = await ManageKit.NewCadreAsync(app);
        var (lat, lon) = ManageKit.North(1001);
        var at = Now.AddMinutes(-1);
        var refused = await cadre.CheckInAsync(ManageKit.Body("outside-2", at, lat, lon));
        var stored = await cadre.CheckInAsync(ManageKit.Body("outside-2", at, lat, lon, reason: "到乡里开会"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Equal(HttpStatusCode.Created, stored.StatusCode);
        var json = await JsonAsync(stored);
        Assert.False(json.GetProperty("onPost").GetBoolean());
        Assert.Equal(1001, json.GetProperty("distanceMetres").GetInt32());
        var row = await app.WithSystemDbAsync(db => db.CheckIns.IgnoreQueryFilters().SingleAsync(c => c.PersonId == cadre.PersonId));
        Assert.Equal("到乡里开会", row.Reason);
    }

    [Fact]
    public async Task LateUpload_WithinTheWindow_KeepsTheDeviceTime_AndIsMarkedLate()
    {
        var cadre = await ManageKit.NewCadreAsync(app);
        var at = Now.AddHours(-30).AddMilliseconds(-123.4);
        var response = await cadre.CheckInAsync(ManageKit.Body("late-1", at, ManageKit.VillageLat, ManageKit.VillageLon));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var json = await JsonAsync(response);
        Assert.True(json.GetProperty("late").GetBoolean());
        var row = await app.WithSystemDbAsync(db => db.CheckIns.IgnoreQueryFilters().SingleAsync(c => c.PersonId == cadre.PersonId));
        var expected = at.UtcDateTime.AddTicks(-(at.UtcDateTime.Ticks % TimeSpan.TicksPerMillisecond));
        Assert.Equal(expected, DateTime.SpecifyKind(row.AtUtc, DateTimeKind.Utc));
        Assert.Equal(Now.UtcDateTime, DateTime.SpecifyKind(row.ReceivedAtUtc, DateTimeKind.Utc));
        Assert.Equal(new DateOnly(2026, 11, 26), row.Date);
    }

    [Fact]
    public async Task Upload_AFewMinutesAfterTheDeviceTime_IsNotLate()
    {
        var cadre = await ManageKit.NewCadreAsync(app);
        var response = await cadre.CheckInAsync(ManageKit.Body("soon", Now.AddMinutes(-14), ManageKit.VillageLat, ManageKit.VillageLon));
        Assert.False((await JsonAsync(response)).GetProperty("late").GetBoolean());
    }

    [Fact]
    public async Task Upload_OlderThan72Hours_IsRefused422WithAClearMessage()
    {
        var cadre = await ManageKit.NewCadreAsync(app);
        var response = await cadre.CheckInAsync(ManageKit.Body("old", Now.AddHours(-72).AddMinutes(-1), ManageKit.VillageLat, ManageKit.VillageLon));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("72 小时", (await JsonAsync(response)).GetProperty("title").GetString());
        Assert.Equal(0, await CountAsync(cadre.PersonId));
    }

    [Fact]
    public async Task DeviceTime_AheadOfTheServer_IsRefused422()
    {
        var cadre = await ManageKit.NewCadreAsync(app);
        var response = await cadre.CheckInAsync(ManageKit.Body("ahead", Now.AddMinutes(30), ManageKit.VillageLat, ManageKit.VillageLon));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("手机时间", (await JsonAsync(response)).GetProperty("title").GetString());
    }

    [Fact]
    public async Task ImpossibleSpeed_BetweenTwoCheckIns_IsFlagged()
    {
        var cadre = await ManageKit.NewCadreAsync(app);
        await cadre.CheckInAsync(ManageKit.Body("speed-1", Now.AddMinutes(-30), ManageKit.VillageLat, ManageKit.VillageLon));
        // 100 km north twenty minutes later: 300 km/h.
        var (lat, lon) = ManageKit.North(100_000);
        var response = await cadre.CheckInAsync(ManageKit.Body("speed-2", Now.AddMinutes(-10), lat, lon, reason: "去地区开会"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(["impossibleSpeed"], (await JsonAsync(response)).GetProperty("flags").EnumerateArray().Select(f => f.GetString()!).ToArray());
    }

    [Fact]
    public async Task ImpossibleSpeed_IsAlsoFoundWhenTheEarlierCheckInIsUploadedLate()
    {
        var cadre = await ManageKit.NewCadreAsync(app);
        await cadre.CheckInAsync(ManageKit.Body("order-2", Now.AddMinutes(-10), ManageKit.VillageLat, ManageKit.VillageLon));
        var (lat, lon) = ManageKit.North(100_000);
        var response = await cadre.CheckInAsync(ManageKit.Body("order-1", Now.AddMinutes(-40), lat, lon, reason: "在地区"));

        Assert.Contains("impossibleSpeed", (await JsonAsync(response)).GetProperty("flags").EnumerateArray().Select(f => f.GetString()));
    }

    [Fact]
    public async Task Driving_ToTheVillageAtAPlausibleSpeed_IsNotFlagged()
    {
        var cadre = await ManageKit.NewCadreAsync(app);
        var (lat, lon) = ManageKit.North(60_000);
        await cadre.CheckInAsync(ManageKit.Body("drive-1", Now.AddHours(-2), lat, lon, reason: "在县城"));
        var response = await cadre.CheckInAsync(ManageKit.Body("drive-2", Now.AddMinutes(-1), ManageKit.VillageLat, ManageKit.VillageLon));

        Assert.Equal(0, (await JsonAsync(response)).GetProperty("flags").GetArrayLength());
    }

    [Fact]
    public async Task IdenticalCoordinates_OnTheNextDay_AreFlagged()
    {
        var cadre = await ManageKit.NewCadreAsync(app);
        var (lat, lon) = ManageKit.North(211.123456);
        var yesterday = await cadre.CheckInAsync(ManageKit.Body("same-1", Now.AddDays(-1), lat, lon));
        var today = await cadre.CheckInAsync(ManageKit.Body("same-2", Now, lat, lon));

        Assert.Equal(0, (await JsonAsync(yesterday)).GetProperty("flags").GetArrayLength());
        Assert.Equal(["repeatedPosition"], (await JsonAsync(today)).GetProperty("flags").EnumerateArray().Select(f => f.GetString()!).ToArray());
    }

    [Fact]
    public async Task IdenticalCoordinates_OnTheDayBefore_AreFlaggedHoweverOftenTheCadreCheckedInToday()
    {
        var cadre = await ManageKit.NewCadreAsync(app);
        var (lat, lon) = ManageKit.North(233.654321);
        await cadre.CheckInAsync(ManageKit.Body("often-0", Now.AddDays(-1), lat, lon));
        // More check-ins today than the rules read of one day: yesterday's must still be compared with.
        for (var i = 1; i <= CheckInBatchWriter.OtherDayTraces + 5; i++)
        {
            var (la, lo) = ManageKit.North(i);
            var stored = await cadre.CheckInAsync(ManageKit.Body($"often-{i}", Now.AddSeconds(-60 + i), la, lo));
            Assert.Equal(HttpStatusCode.Created, stored.StatusCode);
        }
        var response = await cadre.CheckInAsync(ManageKit.Body("often-last", Now, lat, lon));

        Assert.Equal(["repeatedPosition"], (await JsonAsync(response)).GetProperty("flags").EnumerateArray().Select(f => f.GetString()!).ToArray());
    }

    [Fact]
    public async Task IdenticalCoordinates_UploadedLateForTheDayBefore_AreFlagged()
    {
        var cadre = await ManageKit.NewCadreAsync(app);
        var (lat, lon) = ManageKit.North(187.654321);
        var today = await cadre.CheckInAsync(ManageKit.Body("late-same-1", Now, lat, lon));
        // Another check-in in between, elsewhere in the village: the identical one is not the nearest after.
        var (nearLat, nearLon) = ManageKit.North(40);
        await cadre.CheckInAsync(ManageKit.Body("late-same-between", Now.AddHours(-12), nearLat, nearLon));
        // Yesterday's check-in, kept on the phone and sent only now: today's identical position comes after it.
        var yesterday = await cadre.CheckInAsync(ManageKit.Body("late-same-2", Now.AddDays(-1), lat, lon));

        Assert.Equal(0, (await JsonAsync(today)).GetProperty("flags").GetArrayLength());
        Assert.Equal(["repeatedPosition"], (await JsonAsync(yesterday)).GetProperty("flags").EnumerateArray().Select(f => f.GetString()!).ToArray());
    }

    [Fact]
    public async Task PoorAccuracy_IsFlagged()
    {
        var cadre = await ManageKit.NewCadreAsync(app);
        var response = await cadre.CheckInAsync(ManageKit.Body("blurry", Now, ManageKit.VillageLat, ManageKit.VillageLon, accuracy: 800));
        Assert.Equal(["poorAccuracy"], (await JsonAsync(response)).GetProperty("flags").EnumerateArray().Select(f => f.GetString()!).ToArray());
    }

    [Fact]
    public async Task CadreWithoutAnActivePosting_IsRefused422WithAChineseMessage()
    {
        var cadre = await ManageKit.NewCadreAsync(app, withPosting: false);
        var response = await cadre.CheckInAsync(ManageKit.Body("none", Now, ManageKit.VillageLat, ManageKit.VillageLon));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("派驻", (await JsonAsync(response)).GetProperty("title").GetString());
    }

    [Theory]
    [InlineData("pulan.county")]
    [InlineData("pulan.township")]
    [InlineData("sysadmin")]
    public async Task OfficeAndAdminAccounts_CannotCheckIn(string user)
    {
        var client = await app.ClientAsAsync(user);
        var response = await client.PostAsJsonAsync("/api/checkins", ManageKit.Body("staff", Now, ManageKit.VillageLat, ManageKit.VillageLon), Ct);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    // The check-in endpoint reads the account with its batch, in the write's own transaction, instead of once per request
    // in front of it: the same rules must hold there (SECURITY.md: disabling an account or changing its roles takes
    // effect on the next request).
    [Fact]
    public async Task DisabledAccount_CheckInWithTheSameToken_Is401_AndStoresNothing()
    {
        var cadre = await ManageKit.NewCadreAsync(app);
        Assert.Equal(HttpStatusCode.Created, (await cadre.CheckInAsync(ManageKit.Body("before-disable", Now, ManageKit.VillageLat, ManageKit.VillageLon))).StatusCode);
        await app.WithSystemDbAsync(async db =>
        {
            var account = await db.Users.SingleAsync(u => u.UserName == cadre.UserName, Ct);
            account.IsDisabled = true;
            await db.SaveChangesAsync(Ct);
        });

        var response = await cadre.CheckInAsync(ManageKit.Body("after-disable", Now, ManageKit.VillageLat, ManageKit.VillageLon));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(1, await CountAsync(cadre.PersonId));
    }

    // On PostgreSQL the writer judges a cadre it knows without reading first (ADR 0005, one round trip): whatever changed
    // since — an account, a role, a posting, a village, a check-in stored by another instance — must still decide the
    // very next check-in. Each test first checks in once, so that the writer knows the cadre.

    [Fact]
    public async Task CadreRoleRemoved_AfterACheckIn_NextCheckInIs403_AndStoresNothing()
    {
        var cadre = await ManageKit.NewCadreAsync(app);
        Assert.Equal(HttpStatusCode.Created, (await cadre.CheckInAsync(ManageKit.Body("before-role-removed", Now.AddMinutes(-5), ManageKit.VillageLat, ManageKit.VillageLon))).StatusCode);
        using (var scope = app.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Grassroots.Security.AppUser>>();
            var account = await users.FindByNameAsync(cadre.UserName);
            Assert.True((await users.RemoveFromRoleAsync(account!, Grassroots.Security.Roles.Cadre)).Succeeded);
        }

        var response = await cadre.CheckInAsync(ManageKit.Body("after-role-removed", Now, ManageKit.VillageLat, ManageKit.VillageLon));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(1, await CountAsync(cadre.PersonId));
    }

    [Fact]
    public async Task PostingEnded_AfterACheckIn_NextCheckInIsRefusedNoPosting()
    {
        var cadre = await ManageKit.NewCadreAsync(app);
        Assert.Equal(HttpStatusCode.Created, (await cadre.CheckInAsync(ManageKit.Body("before-posting-ended", Now.AddMinutes(-5), ManageKit.VillageLat, ManageKit.VillageLon))).StatusCode);
        await app.WithSystemDbAsync(async db =>
        {
            var posting = await db.Postings.IgnoreQueryFilters().SingleAsync(p => p.PersonId == cadre.PersonId, Ct);
            posting.Status = Grassroots.Dispatch.PostingStatus.Ended;
            await db.SaveChangesAsync(Ct);
        });

        var response = await cadre.CheckInAsync(ManageKit.Body("after-posting-ended", Now, ManageKit.VillageLat, ManageKit.VillageLon));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("noPosting", (await JsonAsync(response)).GetProperty("code").GetString());
        Assert.Equal(1, await CountAsync(cadre.PersonId));
    }

    [Fact]
    public async Task VillageMoved_AfterACheckIn_NextCheckInIsJudgedAgainstItsNewPosition()
    {
        var cadre = await ManageKit.NewCadreAsync(app);
        Assert.Equal(HttpStatusCode.Created, (await cadre.CheckInAsync(ManageKit.Body("before-village-moved", Now.AddMinutes(-5), ManageKit.VillageLat, ManageKit.VillageLon))).StatusCode);
        var (movedLat, movedLon) = ManageKit.North(5_000);
        await app.WithSystemDbAsync(async db =>
        {
            var village = await db.Villages.SingleAsync(v => v.Id == cadre.Village.Id, Ct);
            (village.Latitude, village.Longitude) = (movedLat, movedLon);
            await db.SaveChangesAsync(Ct);
        });
        try
        {
            var response = await cadre.CheckInAsync(ManageKit.Body("after-village-moved", Now, ManageKit.VillageLat, ManageKit.VillageLon, reason: "在乡里开会"));

            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            var json = await JsonAsync(response);
            Assert.False(json.GetProperty("onPost").GetBoolean());
            Assert.InRange(json.GetProperty("distanceMetres").GetInt32(), 4_990, 5_010);
        }
        finally
        {
            await app.WithSystemDbAsync(async db =>
            {
                var village = await db.Villages.SingleAsync(v => v.Id == cadre.Village.Id, CancellationToken.None);
                (village.Latitude, village.Longitude) = (ManageKit.VillageLat, ManageKit.VillageLon);
                await db.SaveChangesAsync(CancellationToken.None);
            });
        }
    }

    [Fact]
    public async Task ACheckInStoredByAnotherWriter_AfterACheckIn_CountsInTheNextOnesFlags()
    {
        var cadre = await ManageKit.NewCadreAsync(app);
        var at = Now.AddMinutes(-30);
        Assert.Equal(HttpStatusCode.Created, (await cadre.CheckInAsync(ManageKit.Body("here", at, ManageKit.VillageLat, ManageKit.VillageLon))).StatusCode);
        // Another instance stores a check-in 50 km away ten minutes later (its own writer, not this one's).
        var (farLat, farLon) = ManageKit.North(50_000);
        using (var scope = app.Services.CreateScope())
        {
            scope.ServiceProvider.GetRequiredService<Grassroots.Security.CurrentUser>().ActAsSystem("another-instance");
            var other = new CheckInSubmission(cadre.PersonId, null, cadre.UserName, "127.0.0.1",
                CheckInRules.Validate(new CheckInRequest("elsewhere", at.AddMinutes(10), farLat, farLon, 15, "到县里开会")), Now.UtcDateTime);
            var stored = await scope.ServiceProvider.GetRequiredService<CheckInBatchWriter>().WriteAsync([other], Ct);
            Assert.Equal(CheckInOutcomeKind.Created, stored.Single().Kind);
        }

        // Back in the village ten minutes after that: 50 km in ten minutes.
        var response = await cadre.CheckInAsync(ManageKit.Body("back", at.AddMinutes(20), ManageKit.VillageLat, ManageKit.VillageLon));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(["impossibleSpeed"], (await JsonAsync(response)).GetProperty("flags").EnumerateArray().Select(f => f.GetString()!).ToArray());
    }

    [Fact]
    public async Task MonthSummary_CountsEachStoredCheckInOnce_NotResends()
    {
        var cadre = await ManageKit.NewCadreAsync(app);
        for (var k = 0; k < 3; k++)
            Assert.Equal(HttpStatusCode.Created, (await cadre.CheckInAsync(ManageKit.Body($"count-{k}", Now.AddMinutes(-10 + k), ManageKit.VillageLat, ManageKit.VillageLon))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await cadre.CheckInAsync(ManageKit.Body("count-1", Now.AddMinutes(-9), ManageKit.VillageLat, ManageKit.VillageLon))).StatusCode);

        var months = await app.WithSystemDbAsync(db => db.CheckInMonths.IgnoreQueryFilters().Where(m => m.PersonId == cadre.PersonId).ToListAsync(Ct));
        var month = Assert.Single(months);
        Assert.Equal(3, month.CheckIns);
        Assert.Equal(await CountAsync(cadre.PersonId), month.CheckIns);
    }

    [Fact]
    public async Task LockedOutAccount_CheckInWithTheSameToken_Is401_AndStoresNothing()
    {
        var cadre = await ManageKit.NewCadreAsync(app);
        await app.WithSystemDbAsync(async db =>
        {
            var account = await db.Users.SingleAsync(u => u.UserName == cadre.UserName, Ct);
            account.LockoutEnd = Now.AddMinutes(15);
            await db.SaveChangesAsync(Ct);
        });

        var response = await cadre.CheckInAsync(ManageKit.Body("locked-out", Now, ManageKit.VillageLat, ManageKit.VillageLon));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(0, await CountAsync(cadre.PersonId));
    }

    [Fact]
    public async Task ReStampedAccount_CheckInWithTheOldToken_Is401()
    {
        var cadre = await ManageKit.NewCadreAsync(app);
        await app.WithSystemDbAsync(async db =>
        {
            var account = await db.Users.SingleAsync(u => u.UserName == cadre.UserName, Ct);
            account.SecurityStamp = Guid.NewGuid().ToString("N");
            await db.SaveChangesAsync(Ct);
        });

        var response = await cadre.CheckInAsync(ManageKit.Body("old-token", Now, ManageKit.VillageLat, ManageKit.VillageLon));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(0, await CountAsync(cadre.PersonId));
    }

    [Fact]
    public async Task CadreRoleRemoved_CheckInWithTheSameToken_Is403_Audited_AndStoresNothing()
    {
        var cadre = await ManageKit.NewCadreAsync(app);
        await app.WithSystemDbAsync(async db =>
        {
            var account = await db.Users.SingleAsync(u => u.UserName == cadre.UserName, Ct);
            await db.UserRoles.Where(ur => ur.UserId == account.Id).ExecuteDeleteAsync(Ct);
        });

        var response = await cadre.CheckInAsync(ManageKit.Body("no-role", Now, ManageKit.VillageLat, ManageKit.VillageLon));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(0, await CountAsync(cadre.PersonId));
        var denied = await app.WithSystemDbAsync(db => db.AuditEntries.Where(a => a.Event == AuditEvents.AccessDenied && a.UserName == cadre.UserName).CountAsync(Ct));
        Assert.Equal(1, denied);
    }

    [Fact]
    public async Task MalformedCheckIn_Is400_WithAMessagePerField()
    {
        var cadre = await ManageKit.NewCadreAsync(app);
        var response = await cadre.CheckInAsync(new { clientKey = "bad key!", at = Now, lat = 91.0, lon = 81.0, accuracy = 0.0 });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await JsonAsync(response)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("clientKey", out _));
        Assert.True(errors.TryGetProperty("lat", out _));
        Assert.True(errors.TryGetProperty("accuracy", out _));
        Assert.False(errors.TryGetProperty("lon", out _));
    }

    [Fact]
    public async Task CheckIn_WithAnUnknownProperty_Is400_AndScopeCannotBeInjected()
    {
        var cadre = await ManageKit.NewCadreAsync(app);
        var response = await cadre.CheckInAsync(new { clientKey = "extra", at = Now, lat = ManageKit.VillageLat, lon = ManageKit.VillageLon, accuracy = 10.0, onPost = true, personId = Guid.NewGuid() });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, await CountAsync(cadre.PersonId));
    }

    [Fact]
    public async Task AuditRow_RecordsTheCheckIn_WithoutThePrecisePosition()
    {
        var cadre = await ManageKit.NewCadreAsync(app);
        var response = await cadre.CheckInAsync(ManageKit.Body("audited", Now, 30.2912345, 81.1712345));
        var id = (await JsonAsync(response)).GetProperty("id").GetGuid().ToString();
        var audit = await app.WithSystemDbAsync(db => db.AuditEntries.SingleAsync(a => a.ObjectType == nameof(CheckIn) && a.ObjectId == id));
        Assert.Equal(cadre.UserName, audit.UserName);
        Assert.Equal(AuditEvents.Create, audit.Event);
        Assert.DoesNotContain("30.29", audit.After);
        Assert.DoesNotContain("81.17", audit.After);
    }

    [Fact]
    public async Task Township_SeesTheDaysCheckInsOfItsVillages_AndTheSiblingCountyDoesNot()
    {
        var cadre = await ManageKit.NewCadreAsync(app);
        var (lat, lon) = ManageKit.North(5000);
        var id = (await JsonAsync(await cadre.CheckInAsync(ManageKit.Body("seen", Now, lat, lon, reason: "入户走访")))).GetProperty("id").GetGuid();

        var township = await app.ClientAsAsync("pulan.township");
        var page = await township.GetFromJsonAsync<JsonElement>("/api/checkins?view=offPost&pageSize=200", Ct);
        Assert.Contains(page.GetProperty("items").EnumerateArray(), i => i.GetProperty("id").GetGuid() == id);
        var day = await township.GetFromJsonAsync<JsonElement>("/api/checkins/day", Ct);
        Assert.True(day.GetProperty("offPost").GetInt32() >= 1);

        var zanda = await app.ClientAsAsync("zanda.county");
        var theirs = await zanda.GetFromJsonAsync<JsonElement>("/api/checkins?pageSize=200", Ct);
        Assert.DoesNotContain(theirs.GetProperty("items").EnumerateArray(), i => i.GetProperty("id").GetGuid() == id);
        Assert.Equal(HttpStatusCode.NotFound, (await zanda.PostAsJsonAsync($"/api/checkins/{id}/review", new { note = "x" }, Ct)).StatusCode);
    }

    [Fact]
    public async Task Review_OfAnOffPostCheckIn_IsRecordedOnce_ThenAConflict()
    {
        var cadre = await ManageKit.NewCadreAsync(app);
        var (lat, lon) = ManageKit.North(3000);
        var id = (await JsonAsync(await cadre.CheckInAsync(ManageKit.Body("review", Now, lat, lon, reason: "开会")))).GetProperty("id").GetGuid();
        var township = await app.ClientAsAsync("pulan.township");

        var first = await township.PostAsJsonAsync($"/api/checkins/{id}/review", new { note = "已电话核实" }, Ct);
        var second = await township.PostAsJsonAsync($"/api/checkins/{id}/review", new { note = "再次" }, Ct);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        var row = await app.WithSystemDbAsync(db => db.CheckIns.IgnoreQueryFilters().SingleAsync(c => c.Id == id));
        Assert.Equal("已电话核实", row.ReviewNote);
    }

    [Fact]
    public async Task CadreToken_AgainstOfficeLists_Is403()
    {
        var cadre = await ManageKit.NewCadreAsync(app);
        foreach (var url in new[] { "/api/checkins", "/api/checkins/day", "/api/checkins/missing", "/api/leave", "/api/key-periods", "/api/on-post", "/api/people" })
            Assert.Equal(HttpStatusCode.Forbidden, (await cadre.Client.GetAsync(url, Ct)).StatusCode);
    }

    [Fact]
    public async Task MissingList_NamesStationedCadresWithoutACheckIn()
    {
        var quiet = await ManageKit.NewCadreAsync(app);
        var active = await ManageKit.NewCadreAsync(app);
        await active.CheckInAsync(ManageKit.Body("present", Now, ManageKit.VillageLat, ManageKit.VillageLon));
        var township = await app.ClientAsAsync("pulan.township");
        var page = await township.GetFromJsonAsync<JsonElement>("/api/checkins/missing?pageSize=200", Ct);
        var ids = page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("personId").GetGuid()).ToList();
        Assert.Contains(quiet.PersonId, ids);
        Assert.DoesNotContain(active.PersonId, ids);
    }
}

public sealed class CheckInTestsSqlite(SqliteApp app) : CheckInTests(app), IClassFixture<SqliteApp>;

public sealed class CheckInTestsPostgres(PostgresApp app) : CheckInTests(app), IClassFixture<PostgresApp>;

/// <summary>The fence is configuration: a 500 m fence puts 600 m outside.</summary>
public sealed class ConfiguredFenceTests(ConfiguredFenceTests.SmallFenceApp app) : IClassFixture<ConfiguredFenceTests.SmallFenceApp>
{
    public sealed class SmallFenceApp() : GrassrootsApp(TestDatabase.Sqlite)
    {
        protected override void ConfigureSettings(IWebHostBuilder builder) => builder.UseSetting("Grassroots:Manage:GeofenceMetres", "500");
    }

    [Fact]
    public async Task Fence_OfFiveHundredMetres_Configured_PutsSixHundredMetresOutside()
    {
        var cadre = await ManageKit.NewCadreAsync(app);
        var (lat, lon) = ManageKit.North(600);
        var refused = await cadre.CheckInAsync(ManageKit.Body("cfg-1", app.Clock.GetUtcNow(), lat, lon));
        var inside = await cadre.CheckInAsync(ManageKit.Body("cfg-2", app.Clock.GetUtcNow(), ManageKit.VillageLat, ManageKit.VillageLon));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Contains("500 米", JsonDocument.Parse(await refused.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.GetProperty("title").GetString());
        Assert.Equal(HttpStatusCode.Created, inside.StatusCode);
    }
}
