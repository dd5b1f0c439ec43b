using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Grassroots.Audit;
using Grassroots.People;
using Grassroots.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static Grassroots.Web.Tests.Security.SecurityKit;

namespace Grassroots.Web.Tests.Security;

/// <summary>
/// The audit trail: a row for every change of a person (before and after, ID numbers masked), for sign-ins
/// that succeed or fail, and for every reveal of a full ID number (which needs a role, a reason and the
/// record in scope). Rows cannot be changed or removed through the application's database context.
/// </summary>
public abstract class AuditTrailTests(GrassrootsApp app)
{
    [Fact]
    public async Task PersonUpdate_WritesAnAuditRowWithBeforeAndAfter_AndTheIdNumberMasked()
    {
        var client = await app.SharedClientAsync("pulan.county");
        var person = app.Data.PulanCadre;
        var before = await app.StoredAsync(person.Id);
        var newId = TestData.MakeId("542521", before.BirthDate, 15);
        var body = PersonBody(before, "第一书记");
        body["idNumber"] = newId.Value;
        var since = app.Clock.GetUtcNow().UtcDateTime;

        var response = await client.PutJsonAsync($"/api/people/{person.Id}", body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var row = Assert.Single(await app.AuditAsync(a => a.Event == AuditEvents.Update && a.ObjectType == nameof(Person) && a.ObjectId == person.Id.ToString() && a.AtUtc >= since));
        Assert.Equal("pulan.county", row.UserName);
        Assert.NotNull(row.UserId);
        Assert.Equal(AuditResults.Success, row.Result);
        var was = JsonSerializer.Deserialize<Dictionary<string, string?>>(row.Before!)!;
        var now = JsonSerializer.Deserialize<Dictionary<string, string?>>(row.After!)!;
        Assert.Equal(before.Post, was["Post"]);
        Assert.Equal("第一书记", now["Post"]);
        Assert.Equal(before.IdNumber.Masked, was["IdNumber"]);
        Assert.Equal(newId.Masked, now["IdNumber"]);
        Assert.DoesNotContain(before.IdNumber.Value, row.Before + row.After, StringComparison.Ordinal);
        Assert.DoesNotContain(newId.Value, row.Before + row.After, StringComparison.Ordinal);
        Assert.Equal(newId, (await app.StoredAsync(person.Id)).IdNumber);
    }

    [Fact]
    public async Task PersonCreate_WritesAnAuditRow_WithTheIdNumberMasked()
    {
        var client = await app.SharedClientAsync("pulan.county");
        var id = TestData.MakeId("542521", new DateOnly(1995, 2, 28), 82);

        var response = await client.PostJsonAsync("/api/people", NewCadreBody("德吉", id, app.Data.PulanUnit));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.Content.ReadFromJsonAsync<DetailDto>(Ct);
        Assert.Equal(id.Masked, created!.IdNumber);
        var row = Assert.Single(await app.AuditAsync(a => a.Event == AuditEvents.Create && a.ObjectType == nameof(Person) && a.ObjectId == created.Id.ToString()));
        Assert.Equal("pulan.county", row.UserName);
        var after = JsonSerializer.Deserialize<Dictionary<string, string?>>(row.After!)!;
        Assert.Equal("德吉", after["Name"]);
        Assert.Equal(id.Masked, after["IdNumber"]);
        Assert.DoesNotContain(id.Value, row.After, StringComparison.Ordinal);
        Assert.Null(row.Before);
    }

    [Fact]
    public async Task Login_SuccessAndFailure_AreAudited()
    {
        var since = app.Clock.GetUtcNow().UtcDateTime;
        var ok = await app.TokenAsync("zanda.county", TestData.Password);
        var bad = await app.TokenAsync("zanda.county", "Wrong-password-1");
        var unknown = await app.TokenAsync("nobody.here", "Wrong-password-1");

        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, bad.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        var rows = await app.AuditAsync(a => a.AtUtc >= since && (a.UserName == "zanda.county" || a.UserName == "nobody.here"));
        Assert.Contains(rows, r => r.Event == AuditEvents.LoginSuccess && r.UserName == "zanda.county" && r.Result == AuditResults.Success && r.UserId != null);
        Assert.Contains(rows, r => r.Event == AuditEvents.LoginFailure && r.UserName == "zanda.county" && r.Result == AuditResults.Failure);
        Assert.Contains(rows, r => r.Event == AuditEvents.LoginFailure && r.UserName == "nobody.here" && r.UserId == null);
        Assert.All(rows, r => Assert.DoesNotContain("Wrong-password-1", r.Detail ?? "", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Reveal_WithAReason_ReturnsTheFullIdNumber_AndIsAudited()
    {
        var client = await app.SharedClientAsync("pulan.county");
        var person = app.Data.PulanTownCadre;
        var stored = await app.StoredAsync(person.Id);

        var response = await client.PostJsonAsync($"/api/people/{person.Id}/reveal", new JsonObject { ["reason"] = "核对干部档案" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var revealed = await response.Content.ReadFromJsonAsync<RevealDto>(Ct);
        Assert.Equal(stored.IdNumber.Value, revealed!.IdNumber);
        var row = Assert.Single(await app.AuditAsync(a => a.Event == AuditEvents.Reveal && a.ObjectId == person.Id.ToString()));
        Assert.Equal("pulan.county", row.UserName);
        Assert.Equal(nameof(Person), row.ObjectType);
        Assert.Contains("核对干部档案", row.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(stored.IdNumber.Value, row.Detail ?? "", StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"reason\":\"\"}")]
    [InlineData("{\"reason\":\"   \"}")]
    [InlineData("{\"reason\":null}")]
    public async Task Reveal_WithoutAReason_Is400AndRevealsNothing(string json)
    {
        var client = await app.SharedClientAsync("pulan.county");
        var person = app.Data.PulanCadre;
        var stored = await app.StoredAsync(person.Id);

        var response = await client.PostJsonAsync($"/api/people/{person.Id}/reveal", JsonNode.Parse(json)!);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("reason", (await response.ProblemAsync()).Errors!.Keys);
        Assert.DoesNotContain(stored.IdNumber.Value, await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Empty(await app.AuditAsync(a => a.Event == AuditEvents.Reveal && a.ObjectId == person.Id.ToString()));
    }

    [Fact]
    public async Task Reveal_ByATownship_Is403()
    {
        var client = await app.SharedClientAsync("pulan.township");
        var person = app.Data.PulanTownCadre;

        var response = await client.PostJsonAsync($"/api/people/{person.Id}/reveal", new JsonObject { ["reason"] = "核对干部档案" });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.DoesNotContain((await app.StoredAsync(person.Id)).IdNumber.Value, await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Empty(await app.AuditAsync(a => a.Event == AuditEvents.Reveal && a.UserName == "pulan.township"));
    }

    [Theory]
    [InlineData("pulan.county", "Zanda")]
    [InlineData("pulan.county", "Prefecture")]
    [InlineData("zanda.county", "Pulan")]
    [InlineData("ali.prefecture", "Dayu")]
    [InlineData("dayu.civil", "Pulan")]
    public async Task Reveal_OutOfScope_Is404AndRevealsNothing(string user, string record)
    {
        var client = await app.SharedClientAsync(user);
        var person = app.Data.Record(record);

        var response = await client.PostJsonAsync($"/api/people/{person.Id}/reveal", new JsonObject { ["reason"] = "核对干部档案" });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain((await app.StoredAsync(person.Id)).IdNumber.Value, await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Empty(await app.AuditAsync(a => a.Event == AuditEvents.Reveal && a.ObjectId == person.Id.ToString() && a.UserName == user));
    }

    [Fact]
    public async Task AuditRows_CannotBeChangedThroughTheDatabaseContext()
    {
        await app.TokenAsync("ali.prefecture", TestData.Password);
        var original = (await app.AuditAsync(a => a.UserName == "ali.prefecture" && a.Event == AuditEvents.LoginSuccess))[0];

        var error = await Record.ExceptionAsync(() => app.WithSystemDbAsync(async db =>
        {
            var row = await db.AuditEntries.SingleAsync(a => a.Id == original.Id, Ct);
            db.Entry(row).Property(a => a.Result).CurrentValue = AuditResults.Failure;
            db.Entry(row).Property(a => a.UserName).CurrentValue = "someone.else";
            await db.SaveChangesAsync(Ct);
        }));

        Assert.IsType<InvalidOperationException>(error);
        var stored = (await app.AuditAsync(a => a.Id == original.Id)).Single();
        Assert.Equal(original.Result, stored.Result);
        Assert.Equal(original.UserName, stored.UserName);
    }

    [Fact]
    public async Task AuditRows_CannotBeDeletedThroughTheDatabaseContext()
    {
        await app.TokenAsync("zanda.county", TestData.Password);
        var original = (await app.AuditAsync(a => a.UserName == "zanda.county" && a.Event == AuditEvents.LoginSuccess))[0];

        var error = await Record.ExceptionAsync(() => app.WithSystemDbAsync(async db =>
        {
            db.AuditEntries.Remove(await db.AuditEntries.SingleAsync(a => a.Id == original.Id, Ct));
            await db.SaveChangesAsync(Ct);
        }));

        Assert.IsType<InvalidOperationException>(error);
        Assert.Single(await app.AuditAsync(a => a.Id == original.Id));
    }

    public sealed record RevealDto(string IdNumber);
}

public sealed class AuditTrailTestsSqlite(SqliteApp app) : AuditTrailTests(app), IClassFixture<SqliteApp>;

public sealed class AuditTrailTestsPostgres(PostgresApp app) : AuditTrailTests(app), IClassFixture<PostgresApp>;
