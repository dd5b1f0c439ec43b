using Grassroots.Common;
using Grassroots.Manage;

namespace Grassroots.Tests.Manage;

/// <summary>
/// What the PostgreSQL writer keeps of a cadre's day (<see cref="CadreDay"/>) must give the suspicion rules exactly what
/// the database reads (<see cref="CheckInBatchWriter.ProbeFor"/>) would give them, however many check-ins a day holds.
/// </summary>
public sealed class CadreKnowledgeTests
{
    static readonly ManageOptions Defaults = new();
    static readonly DateOnly Today = new(2026, 11, 27);

    /// <summary>The four reads of <see cref="CheckInBatchWriter.ProbeFor"/> over every stored check-in, as the database runs them.</summary>
    static HashSet<CheckInTrace> Reference(List<CheckInTrace> all, DateTime at)
    {
        var q = CheckInBatchWriter.ProbeFor(at, Defaults);
        var found = new HashSet<CheckInTrace>();
        if (all.Where(t => t.AtUtc <= q.At && t.AtUtc >= q.Since).MaxBy(t => t.AtUtc) is { } before) found.Add(before);
        if (all.Where(t => t.AtUtc > q.At && t.AtUtc <= q.Until).MinBy(t => t.AtUtc) is { } after) found.Add(after);
        found.UnionWith(all.Where(t => t.AtUtc >= q.Since && t.AtUtc < q.DayStart).OrderByDescending(t => t.AtUtc).Take(CheckInBatchWriter.OtherDayTraces));
        found.UnionWith(all.Where(t => t.AtUtc >= q.DayEnd && t.AtUtc <= q.Until).OrderBy(t => t.AtUtc).Take(CheckInBatchWriter.OtherDayTraces));
        return found;
    }

    /// <summary>What the writer reads for <paramref name="day"/>: the latest before the day, the latest from its start.</summary>
    static CadreDay Read(List<CheckInTrace> all, DateOnly day)
    {
        var (start, _) = CadreDay.DayBounds(day);
        var beforeDay = all.Where(t => t.AtUtc >= start.AddDays(-Defaults.RepeatedPositionWindowDays) && t.AtUtc < start)
            .OrderByDescending(t => t.AtUtc).Take(CheckInBatchWriter.OtherDayTraces);
        var fromDay = all.Where(t => t.AtUtc >= start).OrderByDescending(t => t.AtUtc).Take(CadreDay.TailKept + 1);
        var months = all.GroupBy(t => CheckInMonths.MonthOf(t.Date)).ToDictionary(g => g.Key, g => g.Count());
        return CadreDay.Read(null, Guid.NewGuid(), null, day, beforeDay, fromDay, months, Defaults);
    }

    static CheckInTrace Trace(DateTime at, double lat, double lon) => new(at, CheckInRules.ChinaDate(at), lat, lon, 15);

    [Theory]
    [InlineData(1, 0, 45)]
    [InlineData(2, 3, 45)]
    [InlineData(3, 40, 45)]
    [InlineData(4, 200, 45)]
    // Few check-ins a day: the latest before the day reach back past the window of a check-in later in the day.
    [InlineData(5, 0, 2)]
    [InlineData(6, 40, 3)]
    public void Probe_GivesTheRulesWhatTheDatabaseReadsGive_WhileCheckInsAreAdded(int seed, int earlierToday, int mostADay)
    {
        var random = new Random(seed);
        var (start, end) = CadreDay.DayBounds(Today);
        var all = new List<CheckInTrace>();
        var ms = new HashSet<long>();
        DateTime Unique(DateTime at)
        {
            while (!ms.Add(at.Ticks)) at = at.AddMilliseconds(1);
            return at;
        }
        // Nine days before today with up to mostADay check-ins a day, some at one repeated spot.
        for (var d = -9; d < 0; d++)
            for (int k = 0, n = random.Next(0, mostADay + 1); k < n; k++)
                all.Add(Trace(Unique(start.AddDays(d).AddSeconds(random.Next(0, 86_400))), k % 3 == 0 ? 30.29 : 30.29 + random.NextDouble() / 100, 81.17));
        // Earlier today, before the writer reads the cadre.
        var read = start.AddHours(9);
        for (var k = 0; k < earlierToday; k++) all.Add(Trace(Unique(start.AddSeconds(random.Next(0, 9 * 3600))), 30.29, 81.17));

        var known = Read(all, Today);
        Assert.Equal(all.Count(t => CheckInMonths.MonthOf(t.Date) == CheckInMonths.MonthOf(Today)), known.Months[CheckInMonths.MonthOf(Today)]);

        // Then 300 check-ins through the rest of the day, a few a little out of order, each judged and then added.
        var at = read;
        for (var k = 0; k < 300; k++)
        {
            at = at.AddSeconds(random.Next(1, 200));
            var when = Unique(random.Next(10) == 0 ? at.AddSeconds(-random.Next(0, 300)) : at);
            if (when >= end) break;
            if (!known.Covers(when))
            {
                Assert.True(when < known.Cut); // only a check-in before what is kept is left to a fresh read
                continue;
            }
            Assert.True(Reference(all, when).SetEquals(known.Probe(when, Defaults)), $"check-in {k} at {when:O}");
            var trace = Trace(when, 30.29 + random.Next(3) / 1000.0, 81.17);
            all.Add(trace);
            known.Add(trace);
            Assert.True(known.Tail.Count <= 2 * CadreDay.TailKept);
        }
        Assert.Equal(all.Count(t => CheckInMonths.MonthOf(t.Date) == CheckInMonths.MonthOf(Today)), known.Months[CheckInMonths.MonthOf(Today)]);
    }

    [Fact]
    public void Covers_OnlyItsDayFromTheCut()
    {
        var (start, end) = CadreDay.DayBounds(Today);
        var all = Enumerable.Range(0, 40).Select(k => Trace(start.AddMinutes(10 * k), 30.29, 81.17)).ToList();
        var known = Read(all, Today);

        Assert.Equal(CadreDay.TailKept, known.Tail.Count); // only the latest were read; the cut lies after the one before them
        Assert.True(known.Covers(all[^1].AtUtc.AddMinutes(1)));
        Assert.True(known.Covers(known.Cut));
        Assert.False(known.Covers(known.Cut.AddTicks(-1)));
        Assert.False(known.Covers(start.AddMinutes(5)));
        Assert.False(known.Covers(end));
        Assert.False(known.Covers(start.AddDays(-1).AddHours(12)));
    }

    [Fact]
    public void MonthsFor_ADayNearAMonthsEnd_TakesInBothMonths()
    {
        Assert.Equal((new DateOnly(2026, 11, 1), new DateOnly(2026, 12, 1)), CadreDay.MonthsFor(new DateOnly(2026, 11, 28), Defaults));
        Assert.Equal((new DateOnly(2026, 10, 1), new DateOnly(2026, 11, 1)), CadreDay.MonthsFor(new DateOnly(2026, 11, 3), Defaults));
        Assert.Equal((new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 1)), CadreDay.MonthsFor(new DateOnly(2026, 11, 15), Defaults));
    }

    [Fact]
    public void ManyCheckInsWithOneDeviceTime_StayTogether_AndTheNextOneIsStillCovered()
    {
        // A phone's clock read to the second: twenty check-ins a second for ten seconds.
        var (start, _) = CadreDay.DayBounds(Today);
        var second = start.AddHours(10);
        var all = new List<CheckInTrace>();
        var known = Read(all, Today);
        for (var k = 0; k < 200; k++)
        {
            var at = second.AddSeconds(k / 20);
            Assert.True(known.Covers(at));
            var trace = Trace(at, 30.29 + k / 100_000.0, 81.17);
            all.Add(trace);
            known.Add(trace);
            // Every check-in from the cut on is kept, and the cut is always an instant of its own.
            Assert.Equal(all.Count(t => t.AtUtc >= known.Cut), known.Tail.Count);
            Assert.True(known.BeforeCut is null || known.BeforeCut.AtUtc < known.Cut);
        }
        Assert.InRange(known.Tail.Count, CadreDay.TailKept, 2 * CadreDay.TailKept + 20);

        // Read afresh in the middle of such a second, the knowledge still covers the next check-in at that second.
        var again = Read(all, Today);
        Assert.True(again.Covers(all[^1].AtUtc));
        Assert.Equal(all.Count(t => t.AtUtc >= again.Cut), again.Tail.Count);
    }

    [Fact]
    public void ACheckInJustOutsideTheWindow_IsNotCompared()
    {
        // The cadre's only earlier check-in: a week before today, an hour after midnight — inside the window of a
        // check-in at midnight, outside that of one three hours later.
        var (start, _) = CadreDay.DayBounds(Today);
        var all = new List<CheckInTrace> { Trace(start.AddDays(-Defaults.RepeatedPositionWindowDays).AddHours(1), 30.29, 81.17) };
        var known = Read(all, Today);

        Assert.Equal(all.ToHashSet(), known.Probe(start, Defaults).ToHashSet()); // as the nearest before and on a day before
        Assert.Equal(Reference(all, start), known.Probe(start, Defaults).ToHashSet());
        Assert.Empty(known.Probe(start.AddHours(3), Defaults));
        Assert.Empty(Reference(all, start.AddHours(3)));
    }
}
