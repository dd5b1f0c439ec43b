using System.Collections.Concurrent;
using System.Net;
using System.Runtime.CompilerServices;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Grassroots.Audit;
using Grassroots.People;
using Grassroots.Security;
using Grassroots.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Grassroots.Web.Tests.Security;

/// <summary>Helpers shared by the security tests: request bodies, database read-backs, extra accounts, cookie sign-in.</summary>
public static partial class SecurityKit
{
    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    public sealed record PageDto(List<ItemDto> Items, int Total, int Page, int PageSize);

    public sealed record ItemDto(Guid Id, string Name, string Kind, string RegionCode, string IdNumber);

    public sealed record DetailDto(Guid Id, string Name, string Kind, string RegionCode, string IdNumber, string? Post, Guid? UnitId, Guid Version);

    public sealed record ProblemDto(string? Title, int? Status, Dictionary<string, string[]>? Errors);

    /// <summary>A record of the test data set by the name used in theory tables.</summary>
    public static Person Record(this TestData data, string key) => key switch
    {
        "Pulan" => data.PulanCadre,
        "Zanda" => data.ZandaCadre,
        "Prefecture" => data.PrefectureCadre,
        "PulanTown" => data.PulanTownCadre,
        "Dayu" => data.DayuWorker,
        _ => throw new ArgumentOutOfRangeException(nameof(key), key, null),
    };

    public static IEnumerable<Person> AllRecords(this TestData data) =>
        [data.PulanCadre, data.ZandaCadre, data.PrefectureCadre, data.PulanTownCadre, data.DayuWorker];

    /// <summary>A valid update or create body for <paramref name="p"/> (ID number sent back masked, as the page does).</summary>
    public static JsonObject PersonBody(Person p, string? post = null) => new()
    {
        ["kind"] = p.Kind == PersonKind.Cadre ? "cadre" : "communityWorker",
        ["name"] = p.Name,
        ["genderCode"] = p.GenderCode,
        ["ethnicCode"] = p.EthnicCode,
        ["birthDate"] = p.BirthDate.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        ["idNumber"] = p.IdNumber.Masked,
        ["politicalStatusCode"] = p.PoliticalStatusCode,
        ["partyJoinDate"] = p.PartyJoinDate?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        ["workStartDate"] = p.WorkStartDate?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        ["educationCode"] = p.EducationCode,
        ["staffStatus"] = p.StaffStatus.ToString(),
        ["unitId"] = p.UnitId?.ToString(),
        ["communityId"] = p.CommunityId?.ToString(),
        ["post"] = post ?? p.Post,
        ["line"] = p.Line.ToString(),
        ["health"] = p.Health?.ToString(),
    };

    /// <summary>A new cadre's body in <paramref name="unit"/> with a fresh valid ID number.</summary>
    public static JsonObject NewCadreBody(string name, IdNumber id, Unit unit) => new()
    {
        ["kind"] = "cadre",
        ["name"] = name,
        ["genderCode"] = id.GenderCode,
        ["ethnicCode"] = "01",
        ["birthDate"] = id.BirthDate.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        ["idNumber"] = id.Value,
        ["politicalStatusCode"] = "13",
        ["staffStatus"] = "Established",
        ["unitId"] = unit.Id.ToString(),
        ["post"] = "工作队员",
        ["line"] = "Agriculture",
    };

    public static Task<HttpResponseMessage> PutJsonAsync(this HttpClient client, string url, JsonNode body) =>
        client.PutAsync(url, new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json"), Ct);

    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string url, JsonNode body) =>
        client.PostAsync(url, new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json"), Ct);

    public static async Task<PageDto> ListAsync(this HttpClient client, string url)
    {
        var response = await client.GetAsync(url, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<PageDto>(Ct))!;
    }

    public static async Task<ProblemDto> ProblemAsync(this HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<ProblemDto>(Ct))!;

    /// <summary>The stored row as the database holds it, read without any scope.</summary>
    public static Task<Person> StoredAsync(this GrassrootsApp app, Guid id) =>
        app.WithSystemDbAsync(db => db.People.AsNoTracking().IgnoreQueryFilters().SingleAsync(p => p.Id == id, Ct));

    public static Task<int> PeopleCountAsync(this GrassrootsApp app) =>
        app.WithSystemDbAsync(db => db.People.IgnoreQueryFilters().CountAsync(Ct));

    /// <summary>Audit rows matching <paramref name="filter"/>, oldest first.</summary>
    public static Task<List<AuditEntry>> AuditAsync(this GrassrootsApp app, System.Linq.Expressions.Expression<Func<AuditEntry, bool>> filter) =>
        app.WithSystemDbAsync(async db => (await db.AuditEntries.AsNoTracking().Where(filter).ToListAsync(Ct)).OrderBy(a => a.AtUtc).ThenBy(a => a.Id).ToList());

    /// <summary>Creates an account of its own for a test that locks, disables or re-roles it.</summary>
    public static async Task<AppUser> CreateAccountAsync(this GrassrootsApp app, string userName, string role, string? scopeCode, string password = TestData.Password)
    {
        using var scope = app.Services.CreateScope();
        scope.ServiceProvider.GetRequiredService<CurrentUser>().ActAsSystem("test");
        return await scope.ServiceProvider.GetRequiredService<AccountService>().CreateUserAsync(userName, userName, password, [role], scopeCode, Ct);
    }

    /// <summary>Runs <paramref name="work"/> with the application's <see cref="AccountService"/> as the system actor.</summary>
    public static async Task<T> WithAccountsAsync<T>(this GrassrootsApp app, Func<AccountService, IServiceProvider, Task<T>> work)
    {
        using var scope = app.Services.CreateScope();
        scope.ServiceProvider.GetRequiredService<CurrentUser>().ActAsSystem("test");
        return await work(scope.ServiceProvider.GetRequiredService<AccountService>(), scope.ServiceProvider);
    }

    static readonly ConditionalWeakTable<GrassrootsApp, ConcurrentDictionary<string, Lazy<Task<HttpClient>>>> SharedClients = new();

    /// <summary>
    /// A bearer-token client shared by the tests of one fixture: signing in costs a password hash, and the
    /// matrices make hundreds of requests. Only for classes that neither move the clock nor change the accounts.
    /// </summary>
    public static Task<HttpClient> SharedClientAsync(this GrassrootsApp app, string userName) =>
        SharedClients.GetOrCreateValue(app).GetOrAdd(userName, u => new Lazy<Task<HttpClient>>(() => app.ClientAsAsync(u))).Value;

    public static async Task<HttpResponseMessage> TokenAsync(this GrassrootsApp app, string userName, string password) =>
        await app.AnonymousClient().PostAsJsonAsync("/api/auth/token", new { userName, password }, Ct);

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    /// <summary>Signs in through the login page (anti-forgery token and all) and returns a client that keeps the cookies.</summary>
    public static async Task<(HttpClient Client, HttpResponseMessage Response)> CookieLoginAsync(this GrassrootsApp app, string userName, string password = TestData.Password)
    {
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var page = await client.GetStringAsync("/login", Ct);
        var token = AntiforgeryField().Match(page);
        Assert.True(token.Success, "the login page carries an anti-forgery token");
        var response = await client.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Value),
            ["Input.UserName"] = userName,
            ["Input.Password"] = password,
        }), Ct);
        return (client, response);
    }

    public static string Json(object value) => JsonSerializer.Serialize(value);
}
