using Grassroots.Data;
using Grassroots.Security;
using Grassroots.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

// Each collection runs its own Kestrel and Chromium: one collection at a time keeps the two cores of a build
// machine from timing the pages out.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace Grassroots.Browser.Tests.Infrastructure;

/// <summary>
/// The real application on Kestrel (a free 127.0.0.1 port) over a fresh SQLite file seeded with the HTTP tests'
/// data set, and Debian's Chromium driven by Playwright. Chromium is never downloaded: when
/// <c>/usr/bin/chromium</c> is missing the tests fail, they do not skip (scripts/test installs it).
/// </summary>
public class BrowserApp : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string Password = TestData.Password;
    public const string ChromiumPath = "/usr/bin/chromium";

    readonly string sqlitePath = Path.Combine(Path.GetTempPath(), "gr_browser_" + Guid.NewGuid().ToString("N")[..16] + ".db");
    IPlaywright? playwright;

    public BrowserApp() => UseKestrel(0);

    public TestData Data { get; } = new();

    /// <summary>Whether the application starts in demo mode, seeding the demo data set (with its year of records) instead of
    /// the HTTP tests' small data set (<see cref="Data"/> then stays empty).</summary>
    protected virtual bool Demo => false;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Where the app listens, e.g. <c>http://127.0.0.1:41234</c> (no trailing slash).</summary>
    public string BaseUrl { get; private set; } = "";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        // Outside Development the static assets (app.css, the framework's blazor.web.js) come from a publish
        // folder; a test run serves them from the build output as `dotnet run` does.
        builder.UseStaticWebAssets();
        builder.UseSetting("ConnectionStrings:Sqlite", $"Data Source={sqlitePath}");
        builder.UseSetting("Grassroots:Demo", Demo ? "true" : "false");
    }

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException($"Chromium is not installed at {ChromiumPath}: run the tests with scripts/test, which installs the Debian packages chromium and fonts-noto-cjk.");
        StartServer();
        BaseUrl = ClientOptions.BaseAddress.ToString().TrimEnd('/');
        if (!Demo)
        {
            using var scope = Services.CreateScope();
            scope.ServiceProvider.GetRequiredService<CurrentUser>().ActAsSystem("test");
            await Data.SeedAsync(Services, scope.ServiceProvider.GetRequiredService<GrassrootsDb>());
        }
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    /// <summary>A fresh browser context (its own cookies) and page; console errors are collected in <see cref="Session.ConsoleErrors"/>.</summary>
    public async Task<Session> NewSessionAsync(int width = 1366, int height = 900)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseUrl,
            Locale = "zh-CN",
            ViewportSize = new ViewportSize { Width = width, Height = height },
            AcceptDownloads = true,
        });
        context.SetDefaultTimeout(15_000);
        var page = await context.NewPageAsync();
        var session = new Session(context, page);
        page.Console += (_, m) => { if (m.Type == "error") session.ConsoleErrors.Add(m.Text); };
        page.PageError += (_, e) => session.ConsoleErrors.Add(e);
        return session;
    }

    /// <summary>Signs in through the login page and waits for the home page.</summary>
    public async Task<Session> SignInAsync(string userName, int width = 1366, int height = 900)
    {
        var session = await NewSessionAsync(width, height);
        var page = session.Page;
        await page.GotoAsync("/login");
        await page.Locator("#userName").FillAsync(userName);
        await page.Locator("#password").FillAsync(Password);
        await page.Locator("main button[type=submit]").ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("/login", StringComparison.Ordinal));
        return session;
    }

    /// <summary>Runs code against the database as the system actor (sees everything).</summary>
    public async Task<T> WithSystemDbAsync<T>(Func<GrassrootsDb, Task<T>> work)
    {
        using var scope = Services.CreateScope();
        scope.ServiceProvider.GetRequiredService<CurrentUser>().ActAsSystem("test");
        return await work(scope.ServiceProvider.GetRequiredService<GrassrootsDb>());
    }

    public override async ValueTask DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        playwright?.Dispose();
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var f in new[] { sqlitePath, sqlitePath + "-wal", sqlitePath + "-shm" }) File.Delete(f);
        GC.SuppressFinalize(this);
    }
}

/// <summary>One user's browser: a context with its own cookies, and a page.</summary>
public sealed class Session(IBrowserContext context, IPage page) : IAsyncDisposable
{
    public IBrowserContext Context { get; } = context;
    public IPage Page { get; } = page;
    public List<string> ConsoleErrors { get; } = [];

    public ValueTask DisposeAsync() => new(Context.CloseAsync());
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserApp>
{
    public const string Name = "browser";
}
