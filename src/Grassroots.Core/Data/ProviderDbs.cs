using Grassroots.People;
using Grassroots.Security;
using Microsoft.EntityFrameworkCore;

namespace Grassroots.Data;

/// <summary>The embedded default: one SQLite file.</summary>
public sealed class SqliteGrassrootsDb(DbContextOptions<SqliteGrassrootsDb> options, CurrentUser user) : GrassrootsDb(options, user);

/// <summary>Production: PostgreSQL. Sort keys and region paths use the C collation so prefix and ordinal order use indexes.</summary>
public sealed class PostgresGrassrootsDb(DbContextOptions<PostgresGrassrootsDb> options, CurrentUser user) : GrassrootsDb(options, user)
{
    protected override void OnModelCreating(ModelBuilder b)
    {
        base.OnModelCreating(b);
        // Substring search on names (LIKE '%…%') uses a trigram index; pg_trgm is a trusted extension.
        b.HasPostgresExtension("pg_trgm");
        b.Entity<Person>().HasIndex(p => p.Name).HasMethod("gin").HasOperators("gin_trgm_ops");
        b.Entity<Person>().Property(p => p.NameSortKey).UseCollation("C");
        b.Entity<Person>().Property(p => p.RegionPath).UseCollation("C");
        b.Entity<Person>().Property(p => p.NameInitials).UseCollation("C");
        b.Entity<Regions.Village>().Property(p => p.RegionPath).UseCollation("C");
        b.Entity<Regions.Community>().Property(p => p.RegionPath).UseCollation("C");
        b.Entity<Unit>().Property(p => p.RegionPath).UseCollation("C");
        b.Entity<Selection.SelectionRound>().Property(p => p.RegionPath).UseCollation("C");
        b.Entity<Selection.Candidate>().Property(p => p.RegionPath).UseCollation("C");
        b.Entity<Manage.CheckIn>().Property(p => p.RegionPath).UseCollation("C");
        b.Entity<Manage.LeaveRequest>().Property(p => p.RegionPath).UseCollation("C");
        b.Entity<Manage.KeyPeriod>().Property(p => p.RegionPath).UseCollation("C");
        b.Entity<Manage.CheckInMonth>().Property(p => p.RegionPath).UseCollation("C");
        b.Entity<Person>().Property(p => p.StationedRegionPath).UseCollation("C");
        b.Entity<Dispatch.Posting>().Property(p => p.RegionPath).UseCollation("C");
        b.Entity<Dispatch.Posting>().Property(p => p.HomeRegionPath).UseCollation("C");
        b.Entity<Dispatch.TeamPlan>().Property(p => p.RegionPath).UseCollation("C");
        OversightCollations(b);
    }
}
