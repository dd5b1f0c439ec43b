using Grassroots.Common;
using Grassroots.Manage;

namespace Grassroots.Tests.Manage;

/// <summary>The check-in rules as worked examples: the fence, the upload window, lateness and each suspicious pattern.</summary>
public sealed class CheckInRulesTests
{
    static readonly ManageOptions Defaults = new();
    static readonly DateTime Now = new(2026, 11, 27, 2, 0, 0, DateTimeKind.Utc);
    static readonly CheckInPost Village = new(Guid.NewGuid(), Guid.NewGuid(), "多油村", "/540000/542500/542521/542521100/542521100201/", 30.29, 81.17);
    const double MetresPerDegree = 6_371_008.8 * Math.PI / 180;

    static CheckInPayload At(DateTime at, double metresNorth = 0, double accuracy = 10, string? reason = null, double metresEast = 0) =>
        new("k", at, Village.Latitude + metresNorth / MetresPerDegree,
            Village.Longitude + metresEast / (MetresPerDegree * Math.Cos(Village.Latitude * Math.PI / 180)), accuracy, reason);

    static CheckInTrace Trace(CheckInPayload p) => new(p.AtUtc, CheckInRules.ChinaDate(p.AtUtc), p.Latitude, p.Longitude, p.Accuracy);

    [Theory]
    [InlineData(0, true)]
    [InlineData(999, true)]
    [InlineData(1000, true)]
    [InlineData(1001, false)]
    [InlineData(25_000, false)]
    public void Fence_DefaultOneKilometre_BoundaryCountsAsInside(double metres, bool onPost)
    {
        var verdict = CheckInRules.Judge(At(Now, metres - 0.01, reason: "出差"), Village, Now, [], Defaults);
        Assert.Null(verdict.Refusal);
        Assert.Equal(onPost, verdict.OnPost);
    }

    [Theory]
    [InlineData(999.9, 0)]
    [InlineData(0, 999.9)]
    [InlineData(707, 707)]
    public void Fence_IsACircle_InEveryDirection(double north, double east)
    {
        var verdict = CheckInRules.Judge(At(Now, north, metresEast: east), Village, Now, [], Defaults);
        Assert.True(verdict.OnPost);
        Assert.InRange(verdict.DistanceMetres, 999, 1000);
    }

    [Fact]
    public void Fence_IsConfigured()
    {
        var verdict = CheckInRules.Judge(At(Now, 600, reason: "开会"), Village, Now, [], new ManageOptions { GeofenceMetres = 500 });
        Assert.False(verdict.OnPost);
        Assert.True(CheckInRules.Judge(At(Now, 600), Village, Now, [], new ManageOptions { GeofenceMetres = 2000 }).OnPost);
    }

    [Fact]
    public void OffPost_WithoutAReason_IsRefused_NamingTheVillageAndDistance()
    {
        var verdict = CheckInRules.Judge(At(Now, 12_300), Village, Now, [], Defaults);
        Assert.Equal("您距离多油村约 12.3 公里，不在驻村范围（1000 米）内，请填写不在岗的原因后再提交。", verdict.Refusal);
    }

    [Fact]
    public void NoPosting_IsRefused()
    {
        Assert.Contains("派驻", CheckInRules.Judge(At(Now), null, Now, [], Defaults).Refusal);
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(15, false)]
    [InlineData(16, true)]
    [InlineData(71 * 60, true)]
    [InlineData(72 * 60, true)]
    public void Late_WhenUploadedMoreThanFifteenMinutesAfterTheDeviceTime_WithinTheWindow(int minutesAgo, bool late)
    {
        var verdict = CheckInRules.Judge(At(Now.AddMinutes(-minutesAgo)), Village, Now, [], Defaults);
        Assert.Null(verdict.Refusal);
        Assert.Equal(late, verdict.Late);
    }

    [Fact]
    public void Upload_PastTheWindow_IsRefused_WithTheDeviceTimeInChinaTime()
    {
        var verdict = CheckInRules.Judge(At(Now.AddHours(-72).AddSeconds(-1)), Village, Now, [], Defaults);
        Assert.Equal("这次签到的手机时间是 2026-11-24 09:59，已超过 72 小时的补传期限，不能再上传；如当时在岗，请向乡镇说明情况。", verdict.Refusal);
    }

    [Theory]
    [InlineData(10, false)]
    [InlineData(11, true)]
    public void DeviceClock_AheadOfTheServer_IsRefusedBeyondTenMinutes(int minutesAhead, bool refused)
    {
        var verdict = CheckInRules.Judge(At(Now.AddMinutes(minutesAhead)), Village, Now, [], Defaults);
        Assert.Equal(refused, verdict.Refusal is not null);
    }

    [Theory]
    [InlineData(300, false)]
    [InlineData(301, true)]
    public void PoorAccuracy_AboveThreeHundredMetres_IsFlagged(double accuracy, bool flagged)
    {
        var flags = CheckInRules.Flags(At(Now, accuracy: accuracy), [], Defaults);
        Assert.Equal(flagged, flags.HasFlag(CheckInFlags.PoorAccuracy));
    }

    [Theory]
    [InlineData(100_000, 60, false)]   // 100 km/h
    [InlineData(100_000, 30, true)]    // 200 km/h
    [InlineData(2_000, 0, true)]       // two places at the same instant
    [InlineData(15, 0, false)]         // within both accuracies: the same place
    public void ImpossibleSpeed_AgainstTheNeighbouringCheckIn(double metres, int minutesApart, bool flagged)
    {
        var earlier = At(Now.AddMinutes(-minutesApart));
        var flags = CheckInRules.Flags(At(Now, metres), [Trace(earlier)], Defaults);
        Assert.Equal(flagged, flags.HasFlag(CheckInFlags.ImpossibleSpeed));
    }

    [Fact]
    public void ImpossibleSpeed_LooksAtTheNearestCheckInsOnly()
    {
        // A check-in 100 km away the day before is fine; the nearest neighbour (at the village an hour ago) decides.
        var dayBefore = At(Now.AddDays(-1), 100_000);
        var hourAgo = At(Now.AddHours(-1));
        Assert.Equal(CheckInFlags.None, CheckInRules.Flags(At(Now, 500), [Trace(dayBefore), Trace(hourAgo)], Defaults));
    }

    [Fact]
    public void RepeatedPosition_SameCoordinatesOnAnotherDayOfTheWeek_IsFlagged_ButNotOnTheSameDay()
    {
        var p = At(Now, 123.456);
        Assert.Equal(CheckInFlags.RepeatedPosition, CheckInRules.Flags(p, [Trace(At(Now.AddDays(-3), 123.456))], Defaults));
        Assert.Equal(CheckInFlags.None, CheckInRules.Flags(p, [Trace(At(Now.AddHours(-2), 123.456))], Defaults));
        Assert.Equal(CheckInFlags.None, CheckInRules.Flags(p, [Trace(At(Now.AddDays(-7), 123.456))], Defaults));
        Assert.Equal(CheckInFlags.None, CheckInRules.Flags(p, [Trace(At(Now.AddDays(-1), 130))], Defaults));
    }

    [Fact]
    public void RepeatedPosition_NeedsTheConfiguredNumberOfDays()
    {
        var three = new ManageOptions { RepeatedPositionDays = 3 };
        var p = At(Now, 50);
        Assert.Equal(CheckInFlags.None, CheckInRules.Flags(p, [Trace(At(Now.AddDays(-1), 50))], three));
        Assert.Equal(CheckInFlags.RepeatedPosition, CheckInRules.Flags(p, [Trace(At(Now.AddDays(-1), 50)), Trace(At(Now.AddDays(-2), 50))], three));
    }

    [Fact]
    public void Validate_NormalisesTheDeviceTimeToTheMillisecondInUtc_AndTheHashSeesEveryField()
    {
        var at = new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.FromHours(8)).AddTicks(12_345);
        var a = CheckInRules.Validate(new CheckInRequest("k1", at, 30.1, 81.1, 10, "  事由 "));
        Assert.Equal(new DateTime(2026, 11, 27, 2, 0, 0, 1, DateTimeKind.Utc), a.AtUtc);
        Assert.Equal("事由", a.Reason);
        Assert.Equal(a.PayloadHash, CheckInRules.Validate(new CheckInRequest("k1", at.ToUniversalTime(), 30.1, 81.1, 10, "事由")).PayloadHash);
        Assert.NotEqual(a.PayloadHash, CheckInRules.Validate(new CheckInRequest("k1", at, 30.1, 81.1, 11, "事由")).PayloadHash);
        Assert.NotEqual(a.PayloadHash, CheckInRules.Validate(new CheckInRequest("k1", at, 30.1, 81.1, 10, null)).PayloadHash);
    }

    [Theory]
    [InlineData("", "clientKey")]
    [InlineData("has space", "clientKey")]
    [InlineData("ok", "lat", 90.5)]
    [InlineData("ok", "lon", 30.0, 181.0)]
    [InlineData("ok", "accuracy", 30.0, 81.0, -1.0)]
    public void Validate_RefusesBadFields(string key, string field, double lat = 30, double lon = 81, double accuracy = 10)
    {
        var e = Assert.Throws<ValidationException>(() => CheckInRules.Validate(new CheckInRequest(key, Now, lat, lon, accuracy)));
        Assert.Equal([field], e.Errors.Keys);
    }

    [Theory]
    [InlineData("2026-11-30T15:59:59Z", "2026-11-30")]
    [InlineData("2026-11-30T16:00:00Z", "2026-12-01")]
    [InlineData("2026-12-31T16:30:00Z", "2027-01-01")]
    public void BusinessDay_IsTheChinaDate(string utc, string date) =>
        Assert.Equal(DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture),
            CheckInRules.ChinaDate(DateTime.Parse(utc, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal)));

    [Fact]
    public void Distance_OnTheGround_MatchesAKnownPair()
    {
        // Lhasa (29.65, 91.13) to Shiquanhe, Ali (32.50, 80.10): about 1,100 km on the ground.
        Assert.InRange(CheckInRules.DistanceMetres(29.65, 91.13, 32.50, 80.10), 1_090_000, 1_110_000);
    }
}
