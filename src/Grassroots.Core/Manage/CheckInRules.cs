using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Grassroots.Common;

namespace Grassroots.Manage;

/// <summary>What a phone sends: <c>POST /api/checkins</c>. Unknown properties are refused (400).</summary>
/// <param name="ClientKey">Made by the phone for this check-in (e.g. a UUID); 1–64 of <c>A–Z a–z 0–9 . _ : -</c>.</param>
/// <param name="At">The device time of the check-in, with its offset (ISO 8601).</param>
/// <param name="Lat">WGS-84 latitude, degrees.</param>
/// <param name="Lon">WGS-84 longitude, degrees.</param>
/// <param name="Accuracy">The accuracy the phone reports, metres.</param>
/// <param name="Reason">Why the cadre is away from the village; required outside the fence.</param>
public sealed record CheckInRequest(string? ClientKey, DateTimeOffset? At, double? Lat, double? Lon, double? Accuracy, string? Reason = null);

/// <summary>A check-in request that passed the shape checks, normalised: the device time to the millisecond in UTC,
/// the reason trimmed. Its <see cref="PayloadHash"/> tells a resend from a changed payload.</summary>
public sealed record CheckInPayload(string ClientKey, DateTime AtUtc, double Latitude, double Longitude, double Accuracy, string? Reason)
{
    public string PayloadHash { get; } = Hash(AtUtc, Latitude, Longitude, Accuracy, Reason);

    static string Hash(DateTime at, double lat, double lon, double accuracy, string? reason)
    {
        var text = string.Create(CultureInfo.InvariantCulture, $"{at.Ticks}|{lat:R}|{lon:R}|{accuracy:R}|{reason}");
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }
}

/// <summary>The posting a check-in counts against: the cadre's active posting and the village's position.</summary>
public sealed record CheckInPost(Guid PostingId, Guid VillageId, string VillageName, string RegionPath, double Latitude, double Longitude);

/// <summary>An earlier (or later, for late uploads) check-in of the same cadre, for the suspicion checks.</summary>
public sealed record CheckInTrace(DateTime AtUtc, DateOnly Date, double? Latitude, double? Longitude, double Accuracy);

/// <summary>The rules of S-MNG-1 as pure functions: shape checks, the fence, the late-upload window and the suspicious patterns.</summary>
public static class CheckInRules
{
    public const int MaxKeyLength = 64;
    public const int MaxReasonLength = 200;
    const double EarthRadiusMetres = 6_371_008.8;

    /// <summary>Checks the request's shape; throws <see cref="ValidationException"/> (400) with a message per field.</summary>
    public static CheckInPayload Validate(CheckInRequest? body)
    {
        var errors = new ValidationErrors();
        if (body is null) throw new ValidationException("body", "请求内容为空。");
        var key = body.ClientKey?.Trim();
        if (string.IsNullOrEmpty(key)) errors.Add("clientKey", "缺少签到编号（clientKey）。");
        else if (key.Length > MaxKeyLength || !key.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or ':' or '-'))
            errors.Add("clientKey", $"签到编号（clientKey）只能由字母、数字和 . _ : - 组成，最长 {MaxKeyLength} 个字符。");
        if (body.At is null) errors.Add("at", "缺少签到时间（at）。");
        if (body.Lat is not { } lat || !double.IsFinite(lat) || lat is < -90 or > 90) errors.Add("lat", "纬度（lat）应为 -90 到 90 之间的数。");
        if (body.Lon is not { } lon || !double.IsFinite(lon) || lon is < -180 or > 180) errors.Add("lon", "经度（lon）应为 -180 到 180 之间的数。");
        if (body.Accuracy is not { } acc || !double.IsFinite(acc) || acc <= 0 || acc > 100_000) errors.Add("accuracy", "定位精度（accuracy）应为大于 0、不超过 100000 的米数。");
        var reason = string.IsNullOrWhiteSpace(body.Reason) ? null : body.Reason.Trim();
        if (reason is not null && reason.Length > MaxReasonLength) errors.Add("reason", $"原因不能超过 {MaxReasonLength} 个字。");
        else if (reason is not null && reason.Any(c => char.IsControl(c) && c is not '\n')) errors.Add("reason", "原因含有不可见的控制字符。");
        errors.ThrowIfAny();
        var utc = body.At!.Value.UtcDateTime;
        var ms = new DateTime(utc.Ticks - utc.Ticks % TimeSpan.TicksPerMillisecond, DateTimeKind.Utc);
        return new CheckInPayload(key!, ms, body.Lat!.Value, body.Lon!.Value, body.Accuracy!.Value, reason);
    }

    /// <summary>Great-circle distance in metres (haversine on the mean Earth radius; within 0.5 % of WGS-84 geodesics).</summary>
    public static double DistanceMetres(double lat1, double lon1, double lat2, double lon2)
    {
        static double Rad(double d) => d * Math.PI / 180;
        var dLat = Rad(lat2 - lat1);
        var dLon = Rad(lon2 - lon1);
        var a = Math.Sin(dLat / 2) * Math.Sin(dLat / 2) + Math.Cos(Rad(lat1)) * Math.Cos(Rad(lat2)) * Math.Sin(dLon / 2) * Math.Sin(dLon / 2);
        return 2 * EarthRadiusMetres * Math.Asin(Math.Min(1, Math.Sqrt(a)));
    }

    /// <summary>The decision on a new check-in: refused (with a message), or accepted with its fence, lateness and flags.</summary>
    public sealed record Verdict(string? Refusal, bool OnPost, int DistanceMetres, bool Late, CheckInFlags Flags, string? RefusalCode = null);

    /// <summary>Why a check-in was refused, for the phone: <c>noPosting</c>, <c>tooOld</c>, <c>clockAhead</c>, <c>reasonRequired</c>.</summary>
    public static class Codes
    {
        public const string NoPosting = "noPosting";
        public const string TooOld = "tooOld";
        public const string ClockAhead = "clockAhead";
        public const string ReasonRequired = "reasonRequired";
        public const string KeyConflict = "keyConflict";
    }

    /// <summary>
    /// Judges a new check-in at <paramref name="receivedUtc"/>. Refused (422): no active posting; a device time older than
    /// the late-upload window or ahead of the server's clock; off post without a reason. On post when the distance to the
    /// village is at most the fence (the boundary counts as inside). Late when it arrives more than
    /// <see cref="ManageOptions.LateAfterMinutes"/> after the device time. Flags from <paramref name="others"/>: the same
    /// cadre's other check-ins (any order).
    /// </summary>
    public static Verdict Judge(CheckInPayload p, CheckInPost? post, DateTime receivedUtc, IEnumerable<CheckInTrace> others, ManageOptions o)
    {
        if (post is null)
            return Refused("您目前没有在岗的驻村任职（派驻记录），不能签到；如已派驻，请联系县委组织部核实。", Codes.NoPosting);
        var age = receivedUtc - p.AtUtc;
        if (age > TimeSpan.FromHours(o.MaxUploadDelayHours))
            return Refused($"这次签到的手机时间是 {ChinaTime.ToChina(p.AtUtc):yyyy-MM-dd HH:mm}，已超过 {o.MaxUploadDelayHours} 小时的补传期限，不能再上传；如当时在岗，请向乡镇说明情况。", Codes.TooOld);
        if (-age > TimeSpan.FromMinutes(o.MaxClockAheadMinutes))
            return Refused($"手机时间比北京时间快 {(int)Math.Round(-age.TotalMinutes)} 分钟，请把手机设为自动设置时间后重新签到。", Codes.ClockAhead);
        var distance = DistanceMetres(p.Latitude, p.Longitude, post.Latitude, post.Longitude);
        var metres = (int)Math.Round(distance, MidpointRounding.AwayFromZero);
        var onPost = distance <= o.GeofenceMetres;
        if (!onPost && p.Reason is null)
            return Refused($"您距离{post.VillageName}约 {distance / 1000:0.0} 公里，不在驻村范围（{o.GeofenceMetres} 米）内，请填写不在岗的原因后再提交。", Codes.ReasonRequired);
        var late = age > TimeSpan.FromMinutes(o.LateAfterMinutes);
        return new Verdict(null, onPost, metres, late, Flags(p, others, o));
    }

    static Verdict Refused(string message, string code) => new(message, false, 0, false, CheckInFlags.None, code);

    /// <summary>The suspicious patterns of a check-in among the same cadre's others.</summary>
    public static CheckInFlags Flags(CheckInPayload p, IEnumerable<CheckInTrace> others, ManageOptions o)
    {
        var flags = CheckInFlags.None;
        if (p.Accuracy > o.PoorAccuracyMetres) flags |= CheckInFlags.PoorAccuracy;
        var date = ChinaDate(p.AtUtc);
        CheckInTrace? before = null, after = null;
        var repeatedDays = new HashSet<DateOnly>();
        foreach (var t in others)
        {
            if (t.Latitude is not { } lat || t.Longitude is not { } lon) continue;
            if (t.AtUtc <= p.AtUtc && (before is null || t.AtUtc > before.AtUtc)) before = t;
            if (t.AtUtc > p.AtUtc && (after is null || t.AtUtc < after.AtUtc)) after = t;
            if (t.Date != date && Math.Abs(t.Date.DayNumber - date.DayNumber) < o.RepeatedPositionWindowDays
                && Math.Round(lat, 6) == Math.Round(p.Latitude, 6) && Math.Round(lon, 6) == Math.Round(p.Longitude, 6))
                repeatedDays.Add(t.Date);
        }
        if (TooFast(p, before, o) || TooFast(p, after, o)) flags |= CheckInFlags.ImpossibleSpeed;
        if (repeatedDays.Count + 1 >= o.RepeatedPositionDays && repeatedDays.Count > 0) flags |= CheckInFlags.RepeatedPosition;
        return flags;
    }

    /// <summary>Whether travelling between two check-ins needs more than the maximum speed. Both accuracies are given
    /// to the cadre: only the distance beyond them counts.</summary>
    static bool TooFast(CheckInPayload p, CheckInTrace? other, ManageOptions o)
    {
        if (other is null) return false;
        var metres = DistanceMetres(p.Latitude, p.Longitude, other.Latitude!.Value, other.Longitude!.Value) - p.Accuracy - other.Accuracy;
        if (metres <= 0) return false;
        var hours = Math.Abs((p.AtUtc - other.AtUtc).TotalHours);
        return hours == 0 || metres / 1000 / hours > o.MaxSpeedKmh;
    }

    public static DateOnly ChinaDate(DateTime utc) => DateOnly.FromDateTime(ChinaTime.ToChina(utc).DateTime);
}
