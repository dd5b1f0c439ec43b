using System.Globalization;
using Grassroots.Data;
using Grassroots.Demo;
using Grassroots.Dispatch;
using Grassroots.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Grassroots.Benchmarks;

/// <summary>
/// Prepares the check-in load benchmark (bench/checkin-load.sh) on a demo database: gives the first N stationed cadres
/// an account (<c>bench.cadre.1</c> …, the demo password) and writes one line per account, "user lat lon", with the
/// position of the cadre's village, so that every simulated phone checks in on post near its own village. It also clears
/// the demo's positions past their retention, which the application would otherwise do during the measurement.
/// </summary>
internal static class CheckInSetup
{
    public static async Task<int> RunAsync(string[] args)
    {
        var pg = Arg(args, "--postgres");
        var outFile = Arg(args, "--out");
        if (pg is null || outFile is null) { Console.Error.WriteLine("checkin-setup --postgres CONN --accounts N --out FILE"); return 2; }
        var count = int.Parse(Arg(args, "--accounts") ?? "200", CultureInfo.InvariantCulture);

        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:Postgres"] = pg }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddHttpContextAccessor();
        services.AddAuthentication();
        services.AddGrassrootsCore(config);
        await using var provider = services.BuildServiceProvider();

        List<(Guid PersonId, double Lat, double Lon)> posts;
        HashSet<Guid> withAccounts;
        await using (var scope = provider.CreateAsyncScope())
        {
            scope.ServiceProvider.GetRequiredService<CurrentUser>().ActAsSystem("bench");
            var db = scope.ServiceProvider.GetRequiredService<GrassrootsDb>();
            posts = (await db.Postings.IgnoreQueryFilters().AsNoTracking().Where(p => p.Status == PostingStatus.Active)
                    .OrderBy(p => p.VillageCode).ThenBy(p => p.PersonId)
                    .Select(p => new { p.PersonId, p.Village!.Latitude, p.Village.Longitude }).ToListAsync())
                .Select(p => (p.PersonId, p.Latitude, p.Longitude)).ToList();
            withAccounts = [.. await db.Users.Where(u => u.PersonId != null && u.UserName!.StartsWith("bench.")).Select(u => u.PersonId!.Value).ToListAsync()];
            var taken = await db.Users.Where(u => u.PersonId != null && !u.UserName!.StartsWith("bench.")).Select(u => u.PersonId!.Value).ToListAsync();
            posts = [.. posts.Where(p => !taken.Contains(p.PersonId))];
        }
        if (posts.Count < count) { Console.Error.WriteLine($"Only {posts.Count} stationed cadres without an account: seed the demo data set first."); return 1; }

        // The demo's year holds positions past their retention. The application clears them a few minutes after it
        // starts (and daily) — in the middle of a measurement. Clear them now, as that run would.
        await using (var scope = provider.CreateAsyncScope())
        {
            scope.ServiceProvider.GetRequiredService<CurrentUser>().ActAsSystem("bench");
            var cleared = await scope.ServiceProvider.GetRequiredService<Grassroots.Manage.PositionRetention>().PurgeAsync(default);
            Console.WriteLine($"{cleared} check-ins' positions past their retention cleared before the measurement");
        }

        var lines = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var (personId, lat, lon) = posts[i];
            var user = $"bench.cadre.{i + 1}";
            if (!withAccounts.Contains(personId))
            {
                await using var scope = provider.CreateAsyncScope();
                scope.ServiceProvider.GetRequiredService<CurrentUser>().ActAsSystem("bench");
                await scope.ServiceProvider.GetRequiredService<AccountService>().CreateUserAsync(user, user, DemoSeeder.Password, [Roles.Cadre], null, default, personId);
            }
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"{user} {lat:R} {lon:R}"));
        }
        await File.WriteAllLinesAsync(outFile, lines);
        Console.WriteLine($"{count} cadre accounts ready in {outFile}");
        return 0;
    }

    static string? Arg(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
