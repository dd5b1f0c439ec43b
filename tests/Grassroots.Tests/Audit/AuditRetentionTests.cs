using Grassroots.Audit;
using Grassroots.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Grassroots.Tests.Audit;

/// <summary>The audit trail is kept for the configured months (never fewer than six) and only the operator's purge removes rows.</summary>
public sealed class AuditRetentionTests : IAsyncLifetime
{
    TestServices services = null!;

    static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => services = await TestServices.StartAsync(TestDatabase.Sqlite, Ct);

    public ValueTask DisposeAsync() => services.DisposeAsync();

    async Task AddRowAsync(string evt, DateTime atUtc) => await services.WithSystemDbAsync(async db =>
    {
        db.AuditEntries.Add(new AuditEntry { Event = evt, AtUtc = atUtc, UserName = "pulan.county" });
        await db.SaveChangesAsync(Ct);
    });

    [Fact]
    public async Task Purge_RemovesOnlyRowsOlderThanTheRetention_AndRecordsItself()
    {
        // Today is 2026-11-27 in China; 36 months back is 2023-11-27 00:00 China time = 2023-11-26 16:00 UTC.
        await AddRowAsync("old", new DateTime(2023, 11, 26, 15, 59, 59, DateTimeKind.Utc));
        await AddRowAsync("kept", new DateTime(2023, 11, 26, 16, 0, 0, DateTimeKind.Utc));

        var deleted = await services.AsSystemAsync(sp => sp.GetRequiredService<AuditRetention>().PurgeAsync(Ct));

        Assert.Equal(1, deleted);
        var events = await services.WithSystemDbAsync(db => db.AuditEntries.Select(a => a.Event).ToListAsync(Ct));
        Assert.DoesNotContain("old", events);
        Assert.Contains("kept", events);
        Assert.Contains(AuditEvents.Purge, events);
    }

    [Theory]
    [InlineData(5)]
    [InlineData(0)]
    public async Task Retention_ShorterThanSixMonths_IsRefused(int months)
    {
        await AddRowAsync("old", new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        var error = await Assert.ThrowsAsync<ValidationException>(() => services.AsSystemAsync(sp =>
            new AuditRetention(sp.GetRequiredService<Grassroots.Data.GrassrootsDb>(), sp.GetRequiredService<Grassroots.Security.CurrentUser>(), services.Clock,
                Options.Create(new AuditOptions { RetentionMonths = months })).PurgeAsync(Ct)));
        Assert.Contains("不得少于 6 个月", error.Errors["retentionMonths"].Single());
        Assert.Equal(1, await services.WithSystemDbAsync(db => db.AuditEntries.CountAsync(a => a.Event == "old", Ct)));
    }

    [Fact]
    public async Task Purge_ByASignedInUser_IsForbidden()
    {
        await services.AsSystemAsync(async sp => { await sp.GetRequiredService<Grassroots.Demo.DemoSeeder>().SeedAsync(withYear: false, Ct); return 0; });
        await Assert.ThrowsAsync<ForbiddenException>(() => services.AsUserAsync("auditor", sp => sp.GetRequiredService<AuditRetention>().PurgeAsync(Ct)));
    }
}
