using System.Globalization;
using Grassroots.Common;
using Grassroots.Manage;

namespace Grassroots.Web.Components.Pages.Oversight;

/// <summary>How the supervision pages show dates, times, rates, money and states (China time; the badge colours).</summary>
public static class Show
{
    public static string D(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string D(DateOnly? d) => d is { } x ? D(x) : "—";

    /// <summary>A UTC instant as China time, e.g. 2026-11-27 10:05.</summary>
    public static string Time(DateTime utc) => ChinaTime.ToChina(utc).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    public static string Time(DateTime? utc) => utc is { } t ? Time(t) : "—";

    /// <summary>China time of day with seconds, for roll-call answers at the edge of their limit.</summary>
    public static string Clock(DateTime utc) => ChinaTime.ToChina(utc).ToString("HH:mm:ss", CultureInfo.InvariantCulture);

    public static string Percent(double rate) => (rate * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%";

    public static string Weight(double w) => w.ToString("0.00", CultureInfo.InvariantCulture);

    public static string Yuan(decimal amount) => Money.Show(amount);

    public static string RequestBadge(RequestStatus s) => s switch
    {
        RequestStatus.Open => "badge-pending",
        RequestStatus.Answered => "badge-published",
        _ => "badge-closed",
    };

    public static string InspectionBadge(InspectionStatus s) => s == InspectionStatus.Done ? "badge-approved" : "badge-pending";

    public static string FollowUpBadge(FollowUpDto f) => f.Status == FollowUpStatus.Closed ? "badge-closed" : f.Overdue ? "badge-fail" : "badge-pending";

    public static string AnswerBadge(RollCallAnswer a) => a switch
    {
        RollCallAnswer.Answered => "badge-approved",
        RollCallAnswer.Waiting => "badge-pending",
        _ => "badge-fail",
    };

    public static string OnPostBadge(bool? onPost) => onPost switch { true => "badge-approved", false => "badge-fail", null => "badge-closed" };

    public static Guid? ParseGuid(string? s) => Guid.TryParse(s, out var g) ? g : null;

    public static DateOnly? ParseDate(string? s) =>
        DateOnly.TryParseExact(s?.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;

    public static readonly int[] PageSizes = [20, 50, 100];

    public static int PageSize(int? requested) => requested is { } s && PageSizes.Contains(s) ? s : PageSizes[0];
}
