using Grassroots.Common;

namespace Grassroots.Manage;

/// <summary>
/// What the PostgreSQL check-in writer knows of one cadre for one China day, so that a cadre who checks in again is
/// judged without reading the database first (ADR 0005, "one round trip"). The storing statement checks that the
/// database still agrees — the account, the posting and village, and the number of the cadre's check-ins in the months
/// the rules look at — and stores nothing of the cadre's batch when it does not; those check-ins are then judged again
/// from a fresh read. So a check-in judged from this knowledge gets exactly the answer a fresh read would have given.
/// </summary>
/// <remarks>
/// <para>The check-ins kept are those the suspicion rules' reads (<see cref="CheckInBatchWriter.ProbeFor"/>) can reach
/// from a check-in on <see cref="Day"/> at or after <see cref="Cut"/>: the latest <see cref="CheckInBatchWriter.OtherDayTraces"/>
/// before the day (<see cref="BeforeDay"/>), every one from <see cref="Cut"/> on (<see cref="Tail"/>) and the latest one
/// before <see cref="Cut"/> (<see cref="BeforeCut"/>). <see cref="Tail"/> is kept short by moving the cut forward, always
/// to an instant where the device time changes; a check-in before the cut (a late upload) is judged from a fresh read.</para>
/// <para>Every member is read and changed only by the one writer loop that owns the knowledge.</para>
/// </remarks>
internal sealed class CadreDay
{
    /// <summary>How many check-ins <see cref="Tail"/> keeps (at least) after the cut moves.</summary>
    public const int TailKept = 32;

    /// <summary>The account the token names, as read (null for a check-in submitted for a person directly).</summary>
    public CheckInBatchWriter.BatchAccount? Account { get; init; }
    public Guid PersonId { get; init; }
    /// <summary>The cadre's active posting and its village, as read (null: none).</summary>
    public CheckInPost? Post { get; init; }
    public DateOnly Day { get; init; }
    public DateTime DayStart { get; init; }
    public DateTime DayEnd { get; init; }
    /// <summary>The latest positioned check-ins before <see cref="DayStart"/> and within the repeated-position window, oldest first.</summary>
    public required List<CheckInTrace> BeforeDay { get; init; }
    /// <summary>Every positioned check-in at or after <see cref="Cut"/>, oldest first.</summary>
    public required List<CheckInTrace> Tail { get; init; }
    public DateTime Cut { get; private set; }
    /// <summary>The latest positioned check-in before <see cref="Cut"/> (within the window), if any.</summary>
    public CheckInTrace? BeforeCut { get; private set; }

    /// <summary>Whether the tail grew past any bound without an instant to cut at (a client sending hundreds of check-ins
    /// with one device time): such a cadre is read afresh.</summary>
    public bool Overfull => Tail.Count > 8 * TailKept;
    /// <summary>Stored check-ins per month (<see cref="CheckInMonth.CheckIns"/>) for every month the rules can look at
    /// from this day, counting the ones this writer has stored or is storing since.</summary>
    public required Dictionary<DateOnly, int> Months { get; init; }

    /// <summary>The first and last month the rules can look at from a check-in on <paramref name="day"/>.</summary>
    public static (DateOnly First, DateOnly Last) MonthsFor(DateOnly day, ManageOptions o)
    {
        var (start, end) = DayBounds(day);
        return (CheckInMonths.MonthOf(CheckInRules.ChinaDate(start.AddDays(-o.RepeatedPositionWindowDays))),
            CheckInMonths.MonthOf(CheckInRules.ChinaDate(end.AddDays(o.RepeatedPositionWindowDays))));
    }

    /// <summary>The UTC instants at which a China date begins and ends.</summary>
    public static (DateTime Start, DateTime End) DayBounds(DateOnly day)
    {
        var start = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), ChinaTime.Offset).UtcDateTime;
        return (start, start.AddDays(1));
    }

    /// <summary>
    /// Builds the knowledge from a read: <paramref name="beforeDay"/> the latest check-ins before the day (any order),
    /// <paramref name="fromDay"/> the latest <see cref="TailKept"/> + 1 (or fewer: all) at or after its start (any order),
    /// <paramref name="months"/> the stored counts (missing months count 0).
    /// </summary>
    public static CadreDay Read(
        CheckInBatchWriter.BatchAccount? account, Guid personId, CheckInPost? post, DateOnly day,
        IEnumerable<CheckInTrace> beforeDay, IEnumerable<CheckInTrace> fromDay, IReadOnlyDictionary<DateOnly, int> months, ManageOptions o)
    {
        var (start, end) = DayBounds(day);
        var (first, last) = MonthsFor(day, o);
        var counts = new Dictionary<DateOnly, int>();
        for (var m = first; m <= last; m = m.AddMonths(1)) counts[m] = months.GetValueOrDefault(m);
        var before = beforeDay.OrderBy(t => t.AtUtc).ToList();
        var tail = fromDay.OrderBy(t => t.AtUtc).ToList();
        var known = new CadreDay
        {
            Account = account, PersonId = personId, Post = post, Day = day, DayStart = start, DayEnd = end,
            BeforeDay = before, Tail = tail, Months = counts,
            Cut = start, BeforeCut = before.Count > 0 ? before[^1] : null,
        };
        // Only the latest TailKept + 1 were read: the cut goes where the instant changes, so that every check-in from the
        // cut on is in the tail (when all of them share one instant, the cut goes just after it).
        if (tail.Count > TailKept)
        {
            var boundary = Enumerable.Range(1, tail.Count - 1).FirstOrDefault(j => tail[j - 1].AtUtc < tail[j].AtUtc);
            if (boundary > 0) known.CutAt(boundary);
            else
            {
                known.BeforeCut = tail[^1];
                known.Cut = tail[^1].AtUtc.AddTicks(1);
                tail.Clear();
            }
        }
        return known;
    }

    /// <summary>Whether a check-in at <paramref name="atUtc"/> can be judged from this knowledge.</summary>
    public bool Covers(DateTime atUtc) => atUtc >= Cut && atUtc < DayEnd && CheckInRules.ChinaDate(atUtc) == Day && !Overfull;

    /// <summary>
    /// The stored check-ins the rules compare a check-in at <paramref name="atUtc"/> with: the same four reads as
    /// <see cref="CheckInBatchWriter.ProbeFor"/> over the database (the nearest before and after, and up to
    /// <see cref="CheckInBatchWriter.OtherDayTraces"/> on the days before and after), answered from what is kept.
    /// Needs <see cref="Covers"/>.
    /// </summary>
    public List<CheckInTrace> Probe(DateTime atUtc, ManageOptions o)
    {
        var q = CheckInBatchWriter.ProbeFor(atUtc, o);
        var found = new List<CheckInTrace>();
        // The nearest at or before: the latest of the tail up to the check-in, else the one before the cut.
        var upTo = UpperBound(Tail, q.At); // tail[..upTo] are at or before
        if (upTo > 0) found.Add(Tail[upTo - 1]);
        else if (BeforeCut is { } b && b.AtUtc >= q.Since) found.Add(b);
        // The nearest after, within the window.
        if (upTo < Tail.Count && Tail[upTo].AtUtc <= q.Until) found.Add(Tail[upTo]);
        // Up to OtherDayTraces on the days before (the day starts at or after the cut, so all of them are in BeforeDay).
        for (int i = BeforeDay.Count - 1, n = 0; i >= 0 && n < CheckInBatchWriter.OtherDayTraces && BeforeDay[i].AtUtc >= q.Since; i--, n++)
            found.Add(BeforeDay[i]);
        // Up to OtherDayTraces on the days after (all at or after the cut).
        for (int i = LowerBound(Tail, q.DayEnd), n = 0; i < Tail.Count && n < CheckInBatchWriter.OtherDayTraces && Tail[i].AtUtc <= q.Until; i++, n++)
            found.Add(Tail[i]);
        return found;
    }

    /// <summary>Adds a check-in this writer is storing (at or after the cut) and counts it in its month.</summary>
    public void Add(CheckInTrace trace)
    {
        Tail.Insert(UpperBound(Tail, trace.AtUtc), trace);
        var month = CheckInMonths.MonthOf(trace.Date);
        Months[month] = Months.GetValueOrDefault(month) + 1;
        if (Tail.Count > 2 * TailKept)
        {
            // Keep about TailKept: cut where the instant changes (check-ins at one instant stay together).
            for (var j = Tail.Count - TailKept; j > 0; j--)
                if (Tail[j - 1].AtUtc < Tail[j].AtUtc)
                {
                    CutAt(j);
                    return;
                }
        }
    }

    /// <summary>Moves the cut to <c>Tail[j]</c>'s instant, which must be later than <c>Tail[j − 1]</c>'s: the check-ins
    /// before it go, the latest of them becomes <see cref="BeforeCut"/>.</summary>
    void CutAt(int j)
    {
        BeforeCut = Tail[j - 1];
        Cut = Tail[j].AtUtc;
        Tail.RemoveRange(0, j);
    }

    /// <summary>The first index whose instant is after <paramref name="at"/>.</summary>
    static int UpperBound(List<CheckInTrace> list, DateTime at)
    {
        int lo = 0, hi = list.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (list[mid].AtUtc <= at) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    /// <summary>The first index whose instant is at or after <paramref name="at"/>.</summary>
    static int LowerBound(List<CheckInTrace> list, DateTime at)
    {
        int lo = 0, hi = list.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (list[mid].AtUtc < at) lo = mid + 1; else hi = mid;
        }
        return lo;
    }
}

/// <summary>
/// The writer's knowledge of the cadres it wrote for recently, by account (or by person for check-ins submitted for a
/// person directly). Bounded: past <see cref="MaxCadres"/> entries it starts again empty.
/// </summary>
internal sealed class CadreKnowledge
{
    public const int MaxCadres = 20_000;
    readonly Dictionary<Guid, CadreDay> known = [];

    public int Count => known.Count;

    public CadreDay? Get(Guid key) => known.GetValueOrDefault(key);

    public void Set(Guid key, CadreDay day)
    {
        if (known.Count >= MaxCadres && !known.ContainsKey(key)) known.Clear();
        known[key] = day;
    }

    public void Forget(Guid key) => known.Remove(key);

    /// <summary>Forgets everything (after a failure, when it is no longer clear what was stored).</summary>
    public void Clear() => known.Clear();
}
