using System.Diagnostics;
using Grassroots.Data;
using Grassroots.People;
using Grassroots.Regions;
using Grassroots.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Grassroots.Benchmarks;

/// <summary>
/// The registry at scale on PostgreSQL: the people list's first page and searches, measured in process as the
/// server spends them (PeopleService, EF Core, the database), as medians over repeated runs.
/// </summary>
internal static class RegistryBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var pg = Arg(args, "--postgres") ?? Environment.GetEnvironmentVariable("GRASSROOTS_TEST_PG");
        if (pg is null) { Console.Error.WriteLine("--postgres CONN (a server where a database may be created) is required"); return 2; }
        var count = int.Parse(Arg(args, "--people") ?? "100000", System.Globalization.CultureInfo.InvariantCulture);
        var runs = int.Parse(Arg(args, "--runs") ?? "31", System.Globalization.CultureInfo.InvariantCulture);
        var dbName = $"gr_bench_registry_{count}";
        var conn = $"{pg};Database={dbName}";

        await EnsureDatabaseAsync(pg, dbName);
        await using (var setup = NewSystemDb(conn))
        {
            await DatabaseInitializer.MigrateAsync(setup, default);
            var existing = await setup.People.CountAsync();
            if (existing != count)
            {
                Console.WriteLine($"Loading {count:N0} people into {dbName} …");
                var sw = Stopwatch.StartNew();
                await setup.Database.ExecuteSqlRawAsync("TRUNCATE \"PersonHistory\", \"People\", \"Units\" CASCADE");
                var units = SyntheticPeople.Units();
                setup.Units.AddRange(units);
                await setup.SaveChangesAsync();
                foreach (var batch in SyntheticPeople.Make(count, units, seed: 100).Chunk(5000))
                {
                    await using var db = NewSystemDb(conn);
                    db.ChangeTracker.AutoDetectChangesEnabled = false;
                    db.People.AddRange(batch);
                    await db.SaveChangesAsync();
                }
                await setup.Database.ExecuteSqlRawAsync("VACUUM ANALYZE");
                Console.WriteLine($"Loaded in {sw.Elapsed.TotalSeconds:F1} s");
            }
        }

        await using (var db = NewSystemDb(conn)) await db.Database.ExecuteSqlRawAsync("VACUUM ANALYZE");
        var sample = await FirstAsync(conn);
        Console.WriteLine($"PostgreSQL, {count:N0} people; medians of {runs} runs after warm-up, in-process server time (PeopleService.ListAsync)");
        Console.WriteLine($"{"case",-44} {"median ms",10} {"p95 ms",8} {"rows",7}");
        await MeasureAsync(conn, "542500", "list, first page (prefecture, stroke order)", new PeopleQuery(), runs);
        await MeasureAsync(conn, "542521", "list, first page (one county)", new PeopleQuery(), runs);
        await MeasureAsync(conn, "542500", "name search 次仁", new PeopleQuery { Q = "次仁" }, runs);
        await MeasureAsync(conn, "542500", "name search 王建国 (rare)", new PeopleQuery { Q = "王建国" }, runs);
        await MeasureAsync(conn, "542500", "pinyin initials zxcr", new PeopleQuery { Q = "zxcr" }, runs);
        await MeasureAsync(conn, "542500", "full ID number", new PeopleQuery { Q = sample }, runs);
        await MeasureAsync(conn, "542500", "unit name 札达县农牧单位", new PeopleQuery { Q = "札达县农牧单位" }, runs);
        await MeasureAsync(conn, "542500", "list, page 200 (stroke order)", new PeopleQuery { Page = 200 }, runs);
        await ExchangeBenchmark.RunAsync(() => Services(conn), conn, runs: int.Parse(Arg(args, "--exchange-runs") ?? "3", System.Globalization.CultureInfo.InvariantCulture));
        return 0;
    }

    static async Task<string> FirstAsync(string conn)
    {
        await using var db = NewSystemDb(conn);
        var id = await db.People.OrderBy(p => p.Id).Select(p => p.IdNumber).FirstAsync();
        return id.Value;
    }

    static async Task MeasureAsync(string conn, string scope, string label, PeopleQuery query, int runs)
    {
        using var services = Services(conn);
        var times = new List<double>();
        var rows = 0;
        for (var i = 0; i < runs + 3; i++)
        {
            await using var s = services.CreateAsyncScope();
            var user = s.ServiceProvider.GetRequiredService<CurrentUser>();
            user.SignedIn(new AppUser { UserName = "bench", ScopeCode = scope }, [Roles.PrefectureOrg], RegionCatalog.Embedded.Find(scope)!.Path);
            var people = s.ServiceProvider.GetRequiredService<PeopleService>();
            var sw = Stopwatch.StartNew();
            var page = await people.ListAsync(query, default);
            sw.Stop();
            rows = page.Total;
            if (i >= 3) times.Add(sw.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        Console.WriteLine($"{label,-44} {times[times.Count / 2],10:F1} {times[(int)(times.Count * 0.95)],8:F1} {rows,7}");
    }

    static ServiceProvider Services(string conn)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddGrassrootsCore(new ConfigurationBuilder().AddInMemoryCollection([new("ConnectionStrings:Postgres", conn)]).Build());
        return services.BuildServiceProvider();
    }

    static PostgresGrassrootsDb NewSystemDb(string conn) =>
        new(new DbContextOptionsBuilder<PostgresGrassrootsDb>().UseNpgsql(conn).Options, CurrentUser.System("bench"));

    internal static async Task EnsureDatabaseAsync(string pg, string name)
    {
        await using var c = new NpgsqlConnection($"{pg};Database=postgres");
        await c.OpenAsync();
        await using var check = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @n", c);
        check.Parameters.AddWithValue("n", name);
        if (await check.ExecuteScalarAsync() is null)
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", c);
            await create.ExecuteNonQueryAsync();
        }
    }

    internal static string? Arg(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
