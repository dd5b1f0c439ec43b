using System.Globalization;
using Grassroots.Manage;

namespace Grassroots.Web.Components.Pages.Manage;

/// <summary>
/// Where each figure of the management dashboard leads: the record list that counts it, narrowed to the same region
/// and day. The person-level on-post figures open the dashboard's own list of stationed cadres (the same partition);
/// the others open the existing lists with their filters.
/// </summary>
public static class DashboardLinks
{
    static string D(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    static string R(string region) => Uri.EscapeDataString(region);

    public static string Dashboard(string region, DateOnly date, DateOnly today) =>
        date == today ? $"/manage/dashboard?region={R(region)}" : $"/manage/dashboard?region={R(region)}&date={D(date)}";

    /// <summary>The stationed cadres of the day with a status (<see cref="DashboardService.Statuses"/>).</summary>
    public static string Cadres(string region, DateOnly date, string status = "all", bool keyPeriod = false) =>
        $"/manage/dashboard/cadres?region={R(region)}&date={D(date)}&status={status}" + (keyPeriod ? "&keyPeriod=true" : "");

    /// <summary>The month's on-post days of each cadre (the records behind the month's rate).</summary>
    public static string Month(string region, DateOnly date) =>
        string.Create(CultureInfo.InvariantCulture, $"/manage/on-post?region={R(region)}&month={date:yyyy-MM}");

    public static string CheckIns(string region, DateOnly date, string view) => $"/manage/checkins?view={view}&date={D(date)}&region={R(region)}";

    public static string Leave(string region, string view) => $"/manage/leave?view={view}&region={R(region)}";

    public static string FollowUps(string region, string view) => $"/follow-ups?view={view}&region={R(region)}";

    public static string Requests(string region) => $"/requests?view=open&region={R(region)}";

    /// <summary>A rate as a percentage with one decimal (96.3%), or — when nobody was due.</summary>
    public static string Rate(double? rate) => rate is { } r ? (r * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%" : "—";
}
