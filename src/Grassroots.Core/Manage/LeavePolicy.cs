using Grassroots.Security;

namespace Grassroots.Manage;

/// <summary>Who decides leave, as pure functions over <see cref="ManageOptions"/> (S-MNG-2, S-MNG-4, S-MNG-7).</summary>
public static class LeavePolicy
{
    /// <summary>Calendar days from <paramref name="start"/> to <paramref name="end"/>, both counted.</summary>
    public static int Days(DateOnly start, DateOnly end) => end.DayNumber - start.DayNumber + 1;

    /// <summary>
    /// The routing table: up to <see cref="ManageOptions.TownshipMaxDays"/> days (default 3) the township; up to
    /// <see cref="ManageOptions.CountyOfficeMaxDays"/> (default 7) the county village-work office; longer the county
    /// organisation department. Leave touching a key period always goes to the county organisation department.
    /// </summary>
    public static ApprovalLevel Route(int days, bool inKeyPeriod, ManageOptions o) =>
        inKeyPeriod || days > o.CountyOfficeMaxDays ? ApprovalLevel.CountyOrg
        : days > o.TownshipMaxDays ? ApprovalLevel.CountyOffice
        : ApprovalLevel.Township;

    /// <summary>
    /// Whether an account with <paramref name="roles"/> decides leave routed to <paramref name="level"/>: the township
    /// decides township leave; the county account (县委组织部 / 县驻村办, one role in DOMAIN §0) decides both county
    /// levels. The prefecture sees every request but leaves daily decisions to the counties and townships.
    /// </summary>
    public static bool MayDecide(IReadOnlySet<string> roles, ApprovalLevel level) => level switch
    {
        ApprovalLevel.Township => roles.Contains(Roles.Township),
        ApprovalLevel.CountyOffice or ApprovalLevel.CountyOrg => roles.Contains(Roles.CountyOrg),
        _ => false,
    };

    public static bool Overlaps(DateOnly start, DateOnly end, DateOnly otherStart, DateOnly otherEnd) => start <= otherEnd && otherStart <= end;
}

/// <summary>One cadre's month of on-post days (S-MNG-2).</summary>
/// <param name="PostingDays">Days of the month inside the posting.</param>
/// <param name="ElapsedDays">Of those, the days up to and including today.</param>
/// <param name="OnPostDays">Elapsed days with at least one on-post check-in.</param>
/// <param name="LeaveDays">Elapsed days on leave without an on-post check-in.</param>
/// <param name="AbsentDays">Elapsed days with neither.</param>
/// <param name="Required">The minimum for the month, prorated to the posting days.</param>
/// <param name="Complete">Whether every posting day of the month has passed.</param>
public sealed record OnPostMonth(int Year, int Month, int PostingDays, int ElapsedDays, int OnPostDays, int LeaveDays, int AbsentDays, int Required, bool Complete)
{
    /// <summary>The minimum is reached.</summary>
    public bool Met => OnPostDays >= Required;

    /// <summary>The minimum can still be reached in the days left.</summary>
    public bool Reachable => OnPostDays + (PostingDays - ElapsedDays) >= Required;
}

public static class OnPostDays
{
    /// <summary>
    /// Counts a month of on-post days from check-ins and leave. A day counts as on post when it has an on-post check-in
    /// (China date); a day of leave without one counts as leave; other elapsed days are absent. Only days inside the
    /// posting and up to <paramref name="today"/> are counted. The required minimum is prorated when the posting covers
    /// part of the month: round(<paramref name="minimum"/> × posting days ÷ days in month), never above the posting days.
    /// Leave does not lower the minimum.
    /// </summary>
    public static OnPostMonth Compute(int year, int month, DateOnly postingStart, DateOnly postingEnd, DateOnly today,
        IEnumerable<DateOnly> onPostDates, IEnumerable<(DateOnly From, DateOnly To)> leave, int minimum)
    {
        var first = new DateOnly(year, month, 1);
        var last = first.AddMonths(1).AddDays(-1);
        var from = postingStart > first ? postingStart : first;
        var to = postingEnd < last ? postingEnd : last;
        var postingDays = Math.Max(0, to.DayNumber - from.DayNumber + 1);
        var upTo = today < to ? today : to;
        var elapsed = Math.Max(0, upTo.DayNumber - from.DayNumber + 1);
        var onPost = onPostDates.Where(d => d >= from && d <= upTo).ToHashSet();
        var leaveDays = new HashSet<DateOnly>();
        foreach (var (lf, lt) in leave)
        {
            for (var d = lf > from ? lf : from; d <= lt && d <= upTo; d = d.AddDays(1))
                if (!onPost.Contains(d)) leaveDays.Add(d);
        }
        var daysInMonth = last.Day;
        var required = postingDays == daysInMonth ? minimum : (int)Math.Round(minimum * (double)postingDays / daysInMonth, MidpointRounding.AwayFromZero);
        required = Math.Min(required, postingDays);
        return new OnPostMonth(year, month, postingDays, elapsed, onPost.Count, leaveDays.Count, elapsed - onPost.Count - leaveDays.Count, required, today > to);
    }
}
