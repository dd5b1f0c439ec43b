using System.Text;
using Grassroots.Data;
using Grassroots.Regions;
using Microsoft.EntityFrameworkCore;

namespace Grassroots.Manage;

/// <summary>
/// A cadre's month of check-in days as two bit sets (bit <c>d − 1</c> for day <c>d</c> of the month, China dates): the
/// days with any check-in and the days with an on-post check-in. The management dashboard reads one row per stationed
/// cadre for a month instead of a month of check-ins (50,000 cadres: 50,000 rows instead of about 1.4 million).
/// </summary>
/// <remarks>
/// Written in the same transaction as the check-ins it summarises (<see cref="CheckInMonths.RecordAsync"/>, called by
/// <see cref="CheckInBatchWriter"/> for the rows it inserted), so it never disagrees with them: a bitwise OR is
/// idempotent and order-free, and a check-in is never deleted or moved to another day. Seeded data fill it in bulk
/// (the demo data set from its rows; a database migrated with check-ins already in it, or a bulk load, with
/// <see cref="CheckInMonths.RebuildAsync"/>). It belongs to the cadre's village node (the latest check-in's) like the
/// check-ins themselves.
/// </remarks>
public sealed class CheckInMonth : IRegionScoped
{
    public Guid PersonId { get; init; }
    /// <summary>The first day of the month.</summary>
    public DateOnly Month { get; init; }
    /// <summary>The village's region path (of the month's latest written check-in).</summary>
    public required string RegionPath { get; init; }
    /// <summary>Days with at least one check-in, on or off post.</summary>
    public int CheckInDays { get; init; }
    /// <summary>Days with at least one on-post check-in (inside the village's fence).</summary>
    public int OnPostDays { get; init; }
    /// <summary>
    /// How many check-ins of the cadre are stored for the month. Besides being a figure of its own, it tells the check-in
    /// writer whether the cadre's check-ins changed since it last read them: every stored check-in adds one in the same
    /// transaction (see ADR 0005).
    /// </summary>
    public int CheckIns { get; init; }
}

/// <summary>Bit sets of days in a month and the upkeep of <see cref="CheckInMonth"/>.</summary>
public static class CheckInMonths
{
    /// <summary>The first day of <paramref name="date"/>'s month.</summary>
    public static DateOnly MonthOf(DateOnly date) => new(date.Year, date.Month, 1);

    /// <summary>The bit of <paramref name="date"/> in its month's set.</summary>
    public static int Bit(DateOnly date) => 1 << (date.Day - 1);

    /// <summary>Whether <paramref name="date"/> is in the set.</summary>
    public static bool Has(int days, DateOnly date) => (days & Bit(date)) != 0;

    /// <summary>The days <paramref name="from"/>..<paramref name="to"/> (same month, both included) as a set; empty when to &lt; from.</summary>
    public static int Span(DateOnly from, DateOnly to)
    {
        if (to < from) return 0;
        var high = to.Day == 31 ? int.MaxValue : (1 << to.Day) - 1;
        return high & ~((1 << (from.Day - 1)) - 1);
    }

    /// <summary>The number of days in the set.</summary>
    public static int Count(int days) => System.Numerics.BitOperations.PopCount((uint)days);

    /// <summary>The months of <paramref name="checkIns"/>, one row per cadre and month (the region path of the latest).</summary>
    public static IEnumerable<CheckInMonth> Summarise(IEnumerable<CheckIn> checkIns) =>
        checkIns.GroupBy(c => (c.PersonId, Month: MonthOf(c.Date))).Select(g => new CheckInMonth
        {
            PersonId = g.Key.PersonId,
            Month = g.Key.Month,
            RegionPath = g.MaxBy(c => c.AtUtc)!.RegionPath,
            CheckInDays = g.Aggregate(0, (a, c) => a | Bit(c.Date)),
            OnPostDays = g.Where(c => c.OnPost).Aggregate(0, (a, c) => a | Bit(c.Date)),
            CheckIns = g.Count(),
        });

    /// <summary>
    /// Adds freshly inserted check-ins to their cadres' months in the caller's transaction: one multi-row
    /// <c>INSERT … ON CONFLICT (PersonId, Month) DO UPDATE</c> that ORs the day bits in and adds to the count (SQLite and
    /// PostgreSQL alike).
    /// Rows of one cadre and month are merged first (a statement may not update a row twice) and written in key order,
    /// so two writers never wait on each other in opposite orders.
    /// </summary>
    public static async Task RecordAsync(GrassrootsDb db, IReadOnlyCollection<CheckIn> inserted, CancellationToken ct)
    {
        if (inserted.Count == 0) return;
        var months = Summarise(inserted).OrderBy(m => m.PersonId).ThenBy(m => m.Month).ToList();
        var sql = new StringBuilder("INSERT INTO \"CheckInMonths\" (\"PersonId\", \"Month\", \"RegionPath\", \"CheckInDays\", \"OnPostDays\", \"CheckIns\") VALUES ");
        var args = new List<object>(months.Count * 6);
        foreach (var m in months)
        {
            if (args.Count > 0) sql.Append(", ");
            sql.Append('(');
            for (var k = 0; k < 6; k++) sql.Append(k > 0 ? ", {" : "{").Append(args.Count + k).Append('}');
            sql.Append(')');
            args.AddRange([m.PersonId, m.Month, m.RegionPath, m.CheckInDays, m.OnPostDays, m.CheckIns]);
        }
        sql.Append(" ON CONFLICT (\"PersonId\", \"Month\") DO UPDATE SET \"RegionPath\" = excluded.\"RegionPath\", ")
            .Append("\"CheckInDays\" = \"CheckInMonths\".\"CheckInDays\" | excluded.\"CheckInDays\", ")
            .Append("\"OnPostDays\" = \"CheckInMonths\".\"OnPostDays\" | excluded.\"OnPostDays\", ")
            .Append("\"CheckIns\" = \"CheckInMonths\".\"CheckIns\" + excluded.\"CheckIns\"");
        await db.Database.ExecuteSqlRawAsync(sql.ToString(), args, ct);
    }

    /// <summary>Recomputes every cadre's months from the check-ins (PostgreSQL): after a bulk load that bypassed the writer.</summary>
    public const string RebuildPostgres = """
        DELETE FROM "CheckInMonths";
        INSERT INTO "CheckInMonths" ("PersonId", "Month", "RegionPath", "CheckInDays", "OnPostDays", "CheckIns")
        SELECT "PersonId", date_trunc('month', "Date")::date, max("RegionPath"),
               bit_or(1 << (extract(day FROM "Date")::int - 1)),
               coalesce(bit_or(1 << (extract(day FROM "Date")::int - 1)) FILTER (WHERE "OnPost"), 0),
               count(*)
        FROM "CheckIns"
        GROUP BY "PersonId", date_trunc('month', "Date")::date;
        """;

    /// <summary>The same for SQLite, where dates are <c>yyyy-MM-dd</c> text (a sum of distinct powers of two is their OR).</summary>
    public const string RebuildSqlite = """
        DELETE FROM "CheckInMonths";
        INSERT INTO "CheckInMonths" ("PersonId", "Month", "RegionPath", "CheckInDays", "OnPostDays", "CheckIns")
        SELECT "PersonId", substr("Date", 1, 8) || '01', max("RegionPath"),
               sum(DISTINCT 1 << (CAST(substr("Date", 9, 2) AS INTEGER) - 1)),
               coalesce(sum(DISTINCT CASE WHEN "OnPost" THEN 1 << (CAST(substr("Date", 9, 2) AS INTEGER) - 1) END), 0),
               count(*)
        FROM "CheckIns"
        GROUP BY "PersonId", substr("Date", 1, 8);
        """;

    /// <summary>Recomputes every cadre's months from the check-ins, in one statement pair inside the caller's transaction (if any).</summary>
    public static Task RebuildAsync(GrassrootsDb db, CancellationToken ct) =>
        db.Database.ExecuteSqlRawAsync(db.Database.IsNpgsql() ? RebuildPostgres : RebuildSqlite, ct);
}
