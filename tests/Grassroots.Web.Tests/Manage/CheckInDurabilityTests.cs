using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Grassroots.Data;
using Grassroots.Dispatch;
using Grassroots.People;
using Grassroots.Regions;
using Grassroots.Security;
using Grassroots.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Grassroots.Web.Tests.Manage;

/// <summary>
/// SECURITY.md, durability: the real application (a child process, <c>dotnet Grassroots.Web.dll</c>) on PostgreSQL takes
/// check-ins from sixteen concurrent clients and is killed with SIGKILL in the middle; restarted, every check-in it had
/// acknowledged is in the database exactly once, with the id it answered, and resending the unanswered ones stores each
/// at most once.
/// </summary>
public sealed class CheckInDurabilityTests
{
    const int Cadres = 8;
    const int Workers = 16;

    static CancellationToken Ct => TestContext.Current.CancellationToken;

    sealed record Sent(int Cadre, string Key, object Body);

    [Fact]
    public async Task SigkillUnderLoad_LosesNoAcknowledgedCheckIn_AndStoresNoneTwice()
    {
        var server = Environment.GetEnvironmentVariable("GRASSROOTS_TEST_PG")
            ?? throw new InvalidOperationException("GRASSROOTS_TEST_PG is not set: run the tests with scripts/test, which starts a throwaway PostgreSQL.");
        var name = "gr_durable_" + Guid.NewGuid().ToString("N")[..12];
        var connection = $"{server};Database={name};Pooling=true;Maximum Pool Size=50";
        await ExecuteAsync(server, $"CREATE DATABASE \"{name}\"");
        await using var services = Services(connection);
        var clock = Stopwatch.StartNew();
        void Say(string what) => TestContext.Current.TestOutputHelper?.WriteLine($"{clock.Elapsed.TotalSeconds,6:F1} s  {what}");
        try
        {
            var (userNames, village) = await SeedAsync(services);
            Say("database migrated and seeded");
            var port = FreePort();
            var url = $"http://127.0.0.1:{port}";
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Workers * 2, PooledConnectionLifetime = TimeSpan.FromSeconds(30) }) { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(20) };

            var first = StartApp(connection, url);
            string[] tokens;
            try
            {
                await WaitHealthyAsync(http, first);
                tokens = await Task.WhenAll(userNames.Select(async u =>
                {
                    var r = await http.PostAsJsonAsync("/api/auth/token", new { userName = u, password = GrassrootsApp.Password }, Ct);
                    r.EnsureSuccessStatusCode();
                    return (await r.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("accessToken").GetString()!;
                }));
            }
            catch
            {
                Stop(first);
                throw;
            }

            Say("application started, cadres signed in");
            // Load, then SIGKILL while it runs.
            var acknowledged = new ConcurrentDictionary<string, (Guid Id, string Body)>();
            var unanswered = new ConcurrentBag<Sent>();
            var sent = 0;
            using var stopLoad = new CancellationTokenSource();
            var now = DateTimeOffset.UtcNow;
            var load = Enumerable.Range(0, Workers).Select(w => Task.Run(async () =>
            {
                for (var i = 0; !stopLoad.IsCancellationRequested; i++)
                {
                    var cadre = (w + i) % Cadres;
                    var key = $"w{w}-{i}";
                    var body = new { clientKey = key, at = now.AddMilliseconds(-(w * 1_000) - i), lat = village.Latitude, lon = village.Longitude, accuracy = 10.0 };
                    Interlocked.Increment(ref sent);
                    try
                    {
                        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/checkins") { Content = JsonContent.Create(body) };
                        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens[cadre]);
                        using var response = await http.SendAsync(request, CancellationToken.None);
                        if (response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK)
                        {
                            var text = await response.Content.ReadAsStringAsync(CancellationToken.None);
                            acknowledged[$"{cadre}|{key}"] = (JsonDocument.Parse(text).RootElement.GetProperty("id").GetGuid(), text);
                        }
                        else
                        {
                            unanswered.Add(new Sent(cadre, key, body));
                        }
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
                    {
                        unanswered.Add(new Sent(cadre, key, body));
                        if (first.HasExited) return;
                    }
                }
            }, CancellationToken.None)).ToList();

            var watch = Stopwatch.StartNew();
            while (acknowledged.Count < 400 && watch.Elapsed < TimeSpan.FromSeconds(20)) await Task.Delay(50, Ct);
            first.Kill(); // SIGKILL on Linux: no shutdown, no flushing, the writer's queue is lost
            await first.WaitForExitAsync(Ct);
            var killedAt = sent;
            await Task.Delay(300, Ct);
            await stopLoad.CancelAsync();
            await Task.WhenAll(load);
            Say($"Sent {killedAt} check-ins before SIGKILL (exit {first.ExitCode}); {acknowledged.Count} acknowledged, {unanswered.Count} without an answer.");
            Assert.True(acknowledged.Count >= 400, $"only {acknowledged.Count} check-ins were acknowledged before the kill");
            Assert.NotEqual(0, first.ExitCode);

            // Every acknowledged check-in is there once, with the id the client was given.
            var rows = await services.WithSystemDbAsync(db => db.CheckIns.IgnoreQueryFilters().AsNoTracking()
                .Select(c => new { c.Id, c.PersonId, c.ClientKey }).ToListAsync(Ct));
            var byKey = rows.GroupBy(r => (r.PersonId, r.ClientKey)).ToDictionary(g => g.Key, g => g.ToList());
            Assert.All(byKey.Values, g => Assert.Single(g));
            var personIds = await services.WithSystemDbAsync(db => db.Users.Where(u => userNames.Contains(u.UserName!)).ToDictionaryAsync(u => u.UserName!, u => u.PersonId!.Value, Ct));
            foreach (var (k, (id, _)) in acknowledged)
            {
                var parts = k.Split('|');
                var personId = personIds[userNames[int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture)]];
                Assert.True(byKey.TryGetValue((personId, parts[1]), out var stored), $"acknowledged check-in {k} is missing after the kill");
                Assert.Equal(id, stored.Single().Id);
            }

            // Restarted, the phones resend what got no answer: each is stored at most once; acknowledged ones replay.
            var second = StartApp(connection, url);
            using var again = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(20) };
            try
            {
                await WaitHealthyAsync(again, second);
                Say("application restarted");
                foreach (var s in unanswered)
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, "/api/checkins") { Content = JsonContent.Create(s.Body) };
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens[s.Cadre]);
                    using var response = await again.SendAsync(request, Ct);
                    Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, $"resend of {s.Key}: {(int)response.StatusCode}");
                }
                foreach (var (k, (_, body)) in acknowledged.Take(50))
                {
                    var parts = k.Split('|');
                    var cadre = int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture);
                    var original = JsonDocument.Parse(body).RootElement;
                    var resend = new { clientKey = parts[1], at = original.GetProperty("at").GetDateTimeOffset(), lat = village.Latitude, lon = village.Longitude, accuracy = 10.0 };
                    using var request = new HttpRequestMessage(HttpMethod.Post, "/api/checkins") { Content = JsonContent.Create(resend) };
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens[cadre]);
                    using var response = await again.SendAsync(request, Ct);
                    Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                    Assert.Equal(body, await response.Content.ReadAsStringAsync(Ct));
                }
            }
            finally
            {
                Stop(second);
            }
            Say($"{unanswered.Count} resent, 50 acknowledged replayed");
            var total = await services.WithSystemDbAsync(db => db.CheckIns.IgnoreQueryFilters().CountAsync(Ct));
            var distinct = await services.WithSystemDbAsync(db => db.CheckIns.IgnoreQueryFilters().Select(c => new { c.PersonId, c.ClientKey }).Distinct().CountAsync(Ct));
            Assert.Equal(distinct, total);
            Assert.Equal(acknowledged.Count + unanswered.Select(u => (u.Cadre, u.Key)).Distinct().Count(), total);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await ExecuteAsync(server, $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
        }
    }

    static ServiceProvider Services(string connection)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:Postgres"] = connection }).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddHttpContextAccessor();
        services.AddAuthentication(); // the sign-in manager behind AccountService needs the scheme provider
        services.AddGrassrootsCore(config);
        return services.BuildServiceProvider();
    }

    static async Task<(string[] UserNames, Village Village)> SeedAsync(ServiceProvider services)
    {
        await services.WithSystemDbAsync(db => DatabaseInitializer.MigrateAsync(db, Ct));
        var village = await services.WithSystemDbAsync(async db =>
        {
            var region = RegionCatalog.Embedded.Find(ManageKit.PulanTownVillage)!;
            var unitRegion = RegionCatalog.Embedded.Find("542500")!;
            var unit = new Unit { Name = "阿里地区行政公署办公室", Level = UnitLevel.Prefecture, Sector = "党群", RegionCode = unitRegion.Code, RegionPath = unitRegion.Path };
            var v = new Village { Code = region.Code, Name = region.Name, TownshipCode = region.ParentCode!.Value, RegionPath = region.Path, Latitude = ManageKit.VillageLat, Longitude = ManageKit.VillageLon };
            db.Units.Add(unit);
            db.Villages.Add(v);
            for (var i = 0; i < Cadres; i++)
            {
                var birth = new DateOnly(1985, 1, 1).AddDays(i * 41);
                var id = TestData.MakeId("542500", birth, 200 + i);
                var personName = "耐久" + i;
                var p = new Person
                {
                    Kind = PersonKind.Cadre, Name = personName, NameSortKey = Grassroots.Common.ChineseText.StrokeSortKey(personName), GenderCode = id.GenderCode, EthnicCode = "01",
                    BirthDate = birth, IdNumber = id, PoliticalStatusCode = "01", StaffStatus = StaffStatus.Established, UnitId = unit.Id,
                    RegionCode = unit.RegionCode, RegionPath = unit.RegionPath, StationedRegionPath = v.RegionPath,
                };
                db.People.Add(p);
                db.Postings.Add(new Posting
                {
                    PersonId = p.Id, VillageId = v.Id, Role = i == 0 ? PostingRole.FirstSecretary : PostingRole.Member, StartDate = new DateOnly(2026, 3, 1), EndDate = new DateOnly(2028, 2, 29),
                    VillageCode = v.Code, RegionPath = v.RegionPath, HomeRegionPath = unit.RegionPath,
                });
            }
            await db.SaveChangesAsync(Ct);
            return v;
        });
        var people = await services.WithSystemDbAsync(db => db.People.IgnoreQueryFilters().OrderBy(p => p.Name).Select(p => p.Id).ToListAsync(Ct));
        var names = new string[Cadres];
        for (var i = 0; i < Cadres; i++)
        {
            names[i] = $"durable.{i}";
            var (n, person) = (names[i], people[i]);
            await services.AsSystemAsync(sp => sp.GetRequiredService<AccountService>().CreateUserAsync(n, n, GrassrootsApp.Password, [Roles.Cadre], null, Ct, person));
        }
        return (names, village);
    }

    /// <summary>The application as operators run it: its own process, its own configuration, PostgreSQL.</summary>
    static Process StartApp(string connection, string url)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Grassroots.Web.dll");
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = AppContext.BaseDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(url);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["ConnectionStrings__Postgres"] = connection;
        start.Environment["Grassroots__Demo"] = "false";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        // Several group-commit writers side by side (each cadre always on the same one), so the kill can fall between
        // batches of different writers, each with its own transaction in flight.
        start.Environment["Grassroots__Manage__Writers"] = "3";
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the application.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) TestContext.Current.TestOutputHelper?.WriteLine("app: " + e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    static async Task WaitHealthyAsync(HttpClient http, Process app)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (app.HasExited) throw new InvalidOperationException($"The application exited with {app.ExitCode} while starting.");
            try
            {
                if ((await http.GetAsync("/health", Ct)).StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(200, Ct);
        }
        throw new TimeoutException("The application did not become healthy within 60 s.");
    }

    static void Stop(Process app)
    {
        if (!app.HasExited) app.Kill();
        app.WaitForExit(10_000);
        app.Dispose();
    }

    static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    static async Task ExecuteAsync(string server, string sql)
    {
        await using var conn = new NpgsqlConnection($"{server};Database=postgres");
        await conn.OpenAsync(Ct);
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync(Ct);
    }
}

file static class ServiceProviderExtensions
{
    public static async Task<T> AsSystemAsync<T>(this ServiceProvider services, Func<IServiceProvider, Task<T>> work)
    {
        await using var scope = services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<CurrentUser>().ActAsSystem("test");
        return await work(scope.ServiceProvider);
    }

    public static Task<T> WithSystemDbAsync<T>(this ServiceProvider services, Func<GrassrootsDb, Task<T>> work) => services.AsSystemAsync(sp => work(sp.GetRequiredService<GrassrootsDb>()));

    public static Task WithSystemDbAsync(this ServiceProvider services, Func<GrassrootsDb, Task> work) => services.WithSystemDbAsync(async db => { await work(db); return 0; });
}
