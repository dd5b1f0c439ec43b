using System.Diagnostics;
using System.Globalization;
using Grassroots.Common;
using Grassroots.Data;
using Grassroots.Demo;
using Grassroots.Dispatch;
using Grassroots.Manage;
using Grassroots.People;
using Grassroots.Regions;
using Grassroots.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Grassroots.Benchmarks;

/// <summary>
/// The management dashboard at scale on PostgreSQL: a prefecture (Ali's 7 counties, 145 villages) with N stationed
/// cadres (default 50,000) and a year of their daily check-ins (about 17.5 million rows), leave, key periods,
/// inspections and follow-ups. The dashboard is measured in process as the server spends it — <see cref="DashboardService"/>
/// resolved from the product's own service registration, signed in as a prefecture-org account, with EF Core and the
/// database — as the median and 95th percentile of repeated runs after warm-up.
/// </summary>
/// <remarks>
/// The data set is generated in bulk: people, postings, leave and follow-ups with binary COPY, the check-ins with one
/// <c>INSERT … SELECT</c> over <c>generate_series</c> (the table's indexes dropped and rebuilt around it), the month
/// summaries with <see cref="CheckInMonths.RebuildAsync"/>. It is kept in <c>gr_bench_dashboard_N</c> for later runs.
/// </remarks>
internal static class DashboardBenchmark
{
    /// <summary>The last day of the year of records, and "today" for the measurements.</summary>
    static readonly DateOnly Today = new(2026, 11, 27);

    public static async Task<int> RunAsync(string[] args)
    {
        var pg = Arg(args, "--postgres") ?? Environment.GetEnvironmentVariable("GRASSROOTS_TEST_PG");
        if (pg is null) { Console.Error.WriteLine("--postgres CONN (a server where a database may be created) is required"); return 2; }
        var count = int.Parse(Arg(args, "--cadres") ?? "50000", CultureInfo.InvariantCulture);
        var runs = int.Parse(Arg(args, "--runs") ?? "31", CultureInfo.InvariantCulture);
        // Enough warm-up calls for the JIT's tiering to compile the hot code fully (30 calls), as in a server that has run a while.
        warmup = int.Parse(Arg(args, "--warmup") ?? "40", CultureInfo.InvariantCulture);
        var dbName = $"gr_bench_dashboard_{count}";
        var conn = $"{pg};Database={dbName};Command Timeout=3600";

        await EnsureDatabaseAsync(pg, dbName);
        await using (var db = NewSystemDb(conn))
        {
            await DatabaseInitializer.MigrateAsync(db, default);
            var loaded = await db.Postings.CountAsync() == count && await db.CheckInMonths.AnyAsync();
            if (!loaded || args.Contains("--reload")) await LoadAsync(db, count);
        }

        await using (var db = NewSystemDb(conn))
        {
            var checkIns = await db.Database.SqlQueryRaw<long>("SELECT reltuples::bigint AS \"Value\" FROM pg_class WHERE relname = 'CheckIns'").SingleAsync();
            var months = await db.CheckInMonths.CountAsync();
            Console.WriteLine($"PostgreSQL {dbName}: {count:N0} stationed cadres, about {checkIns:N0} check-ins, {months:N0} month summaries; today = {Today:yyyy-MM-dd}");
        }
        Console.WriteLine($"Medians of {runs} runs after {warmup} warm-up runs; in-process server time of DashboardService (EF Core + PostgreSQL), no HTTP");
        Console.WriteLine($"Load average at the start: {File.ReadAllText("/proc/loadavg").Split(' ')[0]}; cpu = median CPU time of this process and its PostgreSQL backends per run");
        Console.WriteLine($"{"case",-58} {"median ms",10} {"p95 ms",8} {"cpu ms",8} {"rows",10}");
        using var services = Services(conn, trace: args.Contains("--trace"));
        await MeasureAsync(services, conn, "542500", "dashboard, prefecture (7 counties), today", runs, s => s.GetAsync(null, null, default).ContinueWith(t => t.Result.Total.Day.Stationed));
        await MeasureAsync(services, conn, "542500", "dashboard, prefecture, 2026-11-15 (mid-month)", runs, s => s.GetAsync(new DateOnly(2026, 11, 15), null, default).ContinueWith(t => t.Result.Total.Day.Stationed));
        await MeasureAsync(services, conn, "542521", "dashboard, one county (Pulan, its townships), today", runs, s => s.GetAsync(null, null, default).ContinueWith(t => t.Result.Total.Day.Stationed));
        await MeasureAsync(services, conn, "542500", "cadre list, prefecture, not on post, first page", runs, s => s.CadresAsync(new DashboardCadreQuery { Status = "notOnPost" }, default).ContinueWith(t => t.Result.Total));
        return 0;
    }

    static int warmup = 40;

    static async Task MeasureAsync(ServiceProvider services, string conn, string scope, string label, int runs, Func<DashboardService, Task<int>> work)
    {
        var times = new List<double>();
        var cpu = new List<double>();
        var result = 0;
        var backends = await BackendsAsync(conn);
        for (var i = 0; i < runs + warmup; i++)
        {
            await using var s = services.CreateAsyncScope();
            var user = s.ServiceProvider.GetRequiredService<CurrentUser>();
            var role = scope.Length == 6 && scope.EndsWith("00", StringComparison.Ordinal) ? Roles.PrefectureOrg : Roles.CountyOrg;
            user.SignedIn(new AppUser { UserName = "bench", ScopeCode = scope }, [role], RegionCatalog.Embedded.Find(scope)!.Path);
            var service = s.ServiceProvider.GetRequiredService<DashboardService>();
            var cpu0 = CpuMs(backends);
            var sw = Stopwatch.StartNew();
            result = await work(service);
            sw.Stop();
            var cpu1 = CpuMs(backends);
            if (i >= warmup)
            {
                times.Add(sw.Elapsed.TotalMilliseconds);
                cpu.Add(cpu1 - cpu0);
            }
            if (i == 0) backends = await BackendsAsync(conn); // the pool's connections exist after the first run
        }
        times.Sort();
        cpu.Sort();
        Console.WriteLine($"{label,-58} {times[times.Count / 2],10:F1} {times[(int)(times.Count * 0.95)],8:F1} {cpu[cpu.Count / 2],8:F0} {result,10:N0}");
    }

    /// <summary>The server processes (PostgreSQL backends) of the benchmark database, for their CPU time.</summary>
    static async Task<int[]> BackendsAsync(string conn)
    {
        await using var c = new NpgsqlConnection(conn + ";Pooling=false");
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()", c);
        var pids = new List<int>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) pids.Add(r.GetInt32(0));
        return [.. pids];
    }

    /// <summary>
    /// CPU time used so far, in milliseconds, by this process and the given PostgreSQL backends (same machine, from
    /// /proc; 10 ms resolution per backend). On a machine shared with other work the wall time stretches with the load;
    /// the CPU time is what a run costs.
    /// </summary>
    static double CpuMs(int[] backends)
    {
        using var self = Process.GetCurrentProcess();
        var ms = self.TotalProcessorTime.TotalMilliseconds;
        foreach (var pid in backends)
        {
            try
            {
                var stat = File.ReadAllText($"/proc/{pid}/stat");
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                ms += (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) * 10.0; // utime, stime in 1/100 s
            }
            catch (IOException)
            {
            }
        }
        return ms;
    }

    /// <summary>Builds the data set from scratch (everything the dashboard reads is replaced).</summary>
    static async Task LoadAsync(GrassrootsDb db, int count)
    {
        var total = Stopwatch.StartNew();
        db.Database.SetCommandTimeout(TimeSpan.FromHours(1));
        await db.Database.ExecuteSqlRawAsync("""
            TRUNCATE "CheckInMonths", "CheckIns", "FollowUps", "InspectionFindings", "InspectedCadres", "Inspections", "LeaveRequests", "KeyPeriods",
                     "Postings", "PersonHistory", "People", "Units", "Villages" CASCADE
            """);
        var from = Today.AddDays(-364);
        var rng = new Random(20261127);

        Step("writing villages, units, people, postings, leave, key periods, inspections (COPY)");
        var villages = DemoRegistry.Villages();
        var units = SyntheticPeople.Units();
        var people = SyntheticPeople.Make(count, units, seed: 300).ToList();
        var postings = new List<Posting>(count);
        for (var i = 0; i < people.Count; i++)
        {
            var v = villages[i % villages.Count];
            var p = people[i];
            p.StationedRegionPath = v.RegionPath;
            postings.Add(new Posting
            {
                PersonId = p.Id, VillageId = v.Id, Role = i < villages.Count ? PostingRole.FirstSecretary : PostingRole.Member,
                StartDate = new DateOnly(2025, 11, 1), EndDate = new DateOnly(2027, 10, 31), VillageCode = v.Code, RegionPath = v.RegionPath,
                HomeRegionPath = p.RegionPath, CreatedAtUtc = DateTime.UtcNow, CreatedBy = "bench",
            });
        }
        // Two leaves a cadre a year (3–10 days), almost all returned on time; about 0.5 % approved and not yet back.
        var leave = new List<LeaveRequest>(count * 2);
        foreach (var (p, i) in postings.Select((p, i) => (p, i)))
        {
            for (var k = 0; k < 2; k++)
            {
                var days = rng.Next(3, 11);
                var start = from.AddDays(rng.Next(0, 360));
                var end = start.AddDays(days - 1);
                var overdue = end < Today && rng.NextDouble() < 0.005;
                var returned = end < Today && !overdue;
                leave.Add(new LeaveRequest
                {
                    PersonId = p.PersonId, PostingId = p.Id, VillageId = p.VillageId, RegionPath = p.RegionPath, Kind = LeaveKind.Annual,
                    StartDate = start, EndDate = end, Days = days, Reason = "休年休假", Level = days > 7 ? ApprovalLevel.CountyOrg : ApprovalLevel.CountyOffice,
                    Status = returned ? LeaveStatus.Returned : LeaveStatus.Approved, RequestedAtUtc = China(start.AddDays(-5)), DecidedAtUtc = China(start.AddDays(-4)),
                    DecidedBy = "县驻村办", ReturnedOn = returned ? end.AddDays(1) : null, ReturnedAtUtc = returned ? China(end.AddDays(1)) : null,
                });
            }
        }
        var ali = RegionCatalog.Embedded.Find("542500")!;
        var periods = new List<KeyPeriod>
        {
            new() { Name = "2026年春节", StartDate = new DateOnly(2026, 2, 15), EndDate = new DateOnly(2026, 2, 23), RegionCode = ali.Code, RegionPath = ali.Path, CreatedBy = "bench" },
            new() { Name = "2026年国庆节", StartDate = new DateOnly(2026, 10, 1), EndDate = new DateOnly(2026, 10, 7), RegionCode = ali.Code, RegionPath = ali.Path, CreatedBy = "bench" },
            new() { Name = "冬季安全值守", StartDate = Today.AddDays(-2), EndDate = Today.AddDays(3), RegionCode = ali.Code, RegionPath = ali.Path, CreatedBy = "bench" },
        };
        // A monthly inspection of every team with one follow-up; the recent ones still open (some overdue, some due soon).
        var inspections = new List<Inspection>();
        var followUps = new List<FollowUp>();
        foreach (var v in villages)
        {
            for (var m = 0; m < 12; m++)
            {
                var on = from.AddDays(m * 30 + rng.Next(0, 25));
                var inspection = new Inspection
                {
                    VillageId = v.Id, RegionPath = v.RegionPath, PlannedDate = on, Status = InspectionStatus.Done, Date = on, Methods = InspectionMethods.Check | InspectionMethods.Talk,
                    Inspectors = "张明、李华", CreatedBy = "bench", CreatedAtUtc = China(on),
                };
                inspections.Add(inspection);
                var deadline = on.AddDays(rng.Next(5, 30));
                followUps.Add(new FollowUp
                {
                    InspectionId = inspection.Id, VillageId = v.Id, RegionPath = v.RegionPath, Kind = FollowUpKind.Remind, Text = "限期补齐驻村日志",
                    IssuedOn = on, Deadline = deadline, Status = deadline < Today.AddDays(-20) ? FollowUpStatus.Closed : FollowUpStatus.Open, IssuedBy = "bench",
                    IssuedAtUtc = China(on),
                });
            }
        }
        await using (var tx = await db.Database.BeginTransactionAsync())
        {
            await DemoBulk.InsertAsync(db, villages, default);
            await DemoBulk.InsertAsync(db, units, default);
            await DemoBulk.InsertAsync(db, people, default);
            await DemoBulk.InsertAsync(db, postings, default);
            await DemoBulk.InsertAsync(db, leave, default);
            await DemoBulk.InsertAsync(db, periods, default);
            await DemoBulk.InsertAsync(db, inspections, default);
            await DemoBulk.InsertAsync(db, followUps, default);
            await tx.CommitAsync();
        }

        // The check-ins: one a day on about 96 % of the days, 1.5 % of them outside the fence (with a reason), 0.5 %
        // with poor accuracy (flagged); exceptions older than three days reviewed. Time ordered version-7-like ids.
        Step("writing check-ins (INSERT … SELECT generate_series), the table's indexes dropped");
        var indexes = await db.Database.SqlQueryRaw<string>("SELECT indexdef AS \"Value\" FROM pg_indexes WHERE tablename = 'CheckIns' AND indexname <> 'PK_CheckIns'").ToListAsync();
        foreach (var name in await db.Database.SqlQueryRaw<string>("SELECT indexname AS \"Value\" FROM pg_indexes WHERE tablename = 'CheckIns' AND indexname <> 'PK_CheckIns'").ToListAsync())
        {
            var drop = $"DROP INDEX \"{name}\"";
            await db.Database.ExecuteSqlRawAsync(drop);
        }
        await db.Database.ExecuteSqlRawAsync("ALTER TABLE \"CheckIns\" DROP CONSTRAINT \"PK_CheckIns\"");
        await db.Database.ExecuteSqlRawAsync("ALTER TABLE \"CheckIns\" DISABLE TRIGGER ALL"); // the foreign keys hold by construction
        var generate = $"""
            INSERT INTO "CheckIns" ("Id", "PersonId", "PostingId", "VillageId", "ClientKey", "PayloadHash", "AtUtc", "Date", "ReceivedAtUtc",
                "Latitude", "Longitude", "Accuracy", "DistanceMetres", "OnPost", "Late", "Reason", "Flags", "RegionPath", "ReviewedAtUtc", "ReviewedBy", "ReviewNote")
            SELECT (lpad(to_hex((extract(epoch FROM s.at) * 1000)::bigint), 12, '0') || '7' || substr(md5(s."PersonId"::text || s.day::text), 1, 3)
                    || '8' || substr(md5(s.day::text || s."PersonId"::text), 1, 15))::uuid,
                   s."PersonId", s."Id", s."VillageId", 'b' || to_char(s.day, 'YYYYMMDD'),
                   md5(s."PersonId"::text || s.day::text) || md5(s.day::text || s."PersonId"::text),
                   s.at, s.day, s.at + interval '4 seconds',
                   round((s.lat + CASE WHEN s.off THEN 0.1 ELSE 0.002 * (s.r2 - 0.5) END)::numeric, 6)::float8, round((s.lon + 0.002 * (s.r3 - 0.5))::numeric, 6)::float8,
                   CASE WHEN s.poor THEN 520 ELSE 12 + round((s.r3 * 30)::numeric, 1)::float8 END,
                   CASE WHEN s.off THEN 11100 ELSE (s.r2 * 150)::int END, NOT s.off, false,
                   CASE WHEN s.off THEN '到县城参加驻村干部业务培训' END, CASE WHEN s.poor THEN 4 ELSE 0 END, s."RegionPath",
                   CASE WHEN (s.off OR s.poor) AND s.day < DATE '{Today.AddDays(-3):yyyy-MM-dd}' THEN s.at + interval '1 day' END,
                   CASE WHEN (s.off OR s.poor) AND s.day < DATE '{Today.AddDays(-3):yyyy-MM-dd}' THEN '乡镇' END, NULL
            FROM (
                SELECT p."Id", p."PersonId", p."VillageId", p."RegionPath", v."Latitude" AS lat, v."Longitude" AS lon, g.d::date AS day,
                       (g.d + make_interval(secs => random() * 9000)) AT TIME ZONE 'UTC' AS at,
                       random() AS r1, random() AS r2, random() AS r3, random() < 0.015 AS off, random() < 0.005 AS poor
                FROM "Postings" p JOIN "Villages" v ON v."Id" = p."VillageId"
                CROSS JOIN generate_series(TIMESTAMP '{from:yyyy-MM-dd}', TIMESTAMP '{Today:yyyy-MM-dd}', interval '1 day') AS g(d)
            ) s
            WHERE s.r1 < 0.96
            """;
        await db.Database.ExecuteSqlRawAsync(generate);
        await db.Database.ExecuteSqlRawAsync("ALTER TABLE \"CheckIns\" ENABLE TRIGGER ALL");
        Step("rebuilding the check-in indexes");
        await db.Database.ExecuteSqlRawAsync("SET maintenance_work_mem = '1GB'");
        await db.Database.ExecuteSqlRawAsync("ALTER TABLE \"CheckIns\" ADD CONSTRAINT \"PK_CheckIns\" PRIMARY KEY (\"Id\")");
        foreach (var def in indexes) await db.Database.ExecuteSqlRawAsync(def);

        Step("computing the month summaries (CheckInMonths.RebuildAsync)");
        await db.Database.ExecuteSqlRawAsync("SET work_mem = '512MB'");
        await CheckInMonths.RebuildAsync(db, default);
        Step("VACUUM ANALYZE");
        await db.Database.ExecuteSqlRawAsync("VACUUM ANALYZE");
        Console.WriteLine($"Loaded in {total.Elapsed.TotalMinutes:F1} min");

        void Step(string what) => Console.WriteLine($"  {total.Elapsed.TotalSeconds,7:F1} s  {what}");
    }

    static DateTime China(DateOnly d) => new DateTimeOffset(d.ToDateTime(new TimeOnly(10, 0)), ChinaTime.Offset).UtcDateTime;

    /// <summary>The product's services on the benchmark database, with "today" fixed at the end of the year of records.</summary>
    static ServiceProvider Services(string conn, bool trace = false)
    {
        var services = new ServiceCollection();
        // --trace: every SQL command with its time, to see where a run spends it.
        services.AddLogging(b => { if (trace) b.AddSimpleConsole().AddFilter((category, level) => category == "Microsoft.EntityFrameworkCore.Database.Command" && level >= LogLevel.Information); });
        services.AddSingleton<TimeProvider>(new FixedClock(new DateTimeOffset(Today.ToDateTime(new TimeOnly(11, 0)), ChinaTime.Offset)));
        services.AddGrassrootsCore(new ConfigurationBuilder().AddInMemoryCollection([new("ConnectionStrings:Postgres", conn)]).Build());
        return services.BuildServiceProvider();
    }

    sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now.ToUniversalTime();
    }

    static PostgresGrassrootsDb NewSystemDb(string conn) =>
        new(new DbContextOptionsBuilder<PostgresGrassrootsDb>().UseNpgsql(conn).Options, CurrentUser.System("bench"));

    static Task EnsureDatabaseAsync(string pg, string name) => RegistryBenchmark.EnsureDatabaseAsync(pg, name);

    static string? Arg(string[] args, string name) => RegistryBenchmark.Arg(args, name);
}
