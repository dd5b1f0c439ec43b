using Grassroots.Manage;
using Grassroots.People;
using Microsoft.EntityFrameworkCore;

namespace Grassroots.Data;

/// <summary>What the management dashboard reads at scale: the cadres' months of check-in days and an index of the day's
/// check-in exceptions (off post, or flagged and not yet reviewed).</summary>
public abstract partial class GrassrootsDb
{
    public DbSet<CheckInMonth> CheckInMonths => Set<CheckInMonth>();

    /// <summary>The filter of <c>IX_CheckIns_Exceptions</c>: the same text on SQLite and PostgreSQL.</summary>
    public const string CheckInExceptionFilter = "NOT \"OnPost\" OR (\"Flags\" <> 0 AND \"ReviewedAtUtc\" IS NULL)";

    static void ConfigureDashboard(ModelBuilder b)
    {
        b.Entity<CheckInMonth>(e =>
        {
            e.HasKey(x => new { x.PersonId, x.Month });
            e.Property(x => x.RegionPath).HasMaxLength(100);
            e.HasOne<Person>().WithMany().HasForeignKey(x => x.PersonId).OnDelete(DeleteBehavior.Restrict);
            // A month of a region: the month first, then a prefix range of region paths.
            e.HasIndex(x => new { x.Month, x.RegionPath });
        });
        // A day's exceptions are a few in a hundred check-ins: a partial index finds them without reading the day's rows.
        b.Entity<CheckIn>().HasIndex(x => new { x.Date, x.RegionPath }).HasFilter(CheckInExceptionFilter).HasDatabaseName("IX_CheckIns_Exceptions");
    }
}
