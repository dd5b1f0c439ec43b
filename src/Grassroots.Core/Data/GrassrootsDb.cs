using System.Linq.Expressions;
using Grassroots.Audit;
using Grassroots.Codes;
using Grassroots.Dispatch;
using Grassroots.Manage;
using Grassroots.People;
using Grassroots.Regions;
using Grassroots.Security;
using Grassroots.Selection;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Grassroots.Data;

/// <summary>
/// The one database of Grassroots. Scope is a global query filter on every <see cref="IRegionScoped"/> entity:
/// a row is visible when its region path starts with the current user's scope path, so a list, count, export
/// or search cannot forget it. Two provider subclasses carry their own migrations.
/// </summary>
public abstract partial class GrassrootsDb(DbContextOptions options, CurrentUser user)
    : IdentityDbContext<AppUser, AppRole, Guid>(options), IDataProtectionKeyContext
{
    /// <summary>The acting user; the query filters read their scope on every query.</summary>
    public CurrentUser User { get; } = user;

    /// <summary>Read by the scope query filters; public so EF can bind it per context instance.</summary>
    public string ScopePrefix => User.ScopePath;
    /// <summary>Read by the people query filter: 0 for all kinds.</summary>
    public int KindLimit => (int?)User.KindLimit ?? 0;

    public DbSet<Region> Regions => Set<Region>();
    public DbSet<Village> Villages => Set<Village>();
    public DbSet<Community> Communities => Set<Community>();
    public DbSet<Unit> Units => Set<Unit>();
    public DbSet<Person> People => Set<Person>();
    public DbSet<PersonHistory> PersonHistory => Set<PersonHistory>();
    public DbSet<Posting> Postings => Set<Posting>();
    public DbSet<TeamPlan> TeamPlans => Set<TeamPlan>();
    public DbSet<TeamPlacement> TeamPlacements => Set<TeamPlacement>();
    public DbSet<PlanLock> PlanLocks => Set<PlanLock>();
    public DbSet<PlanGap> PlanGaps => Set<PlanGap>();
    public DbSet<CheckIn> CheckIns => Set<CheckIn>();
    public DbSet<LeaveRequest> LeaveRequests => Set<LeaveRequest>();
    public DbSet<KeyPeriod> KeyPeriods => Set<KeyPeriod>();
    public DbSet<CodeEntry> Codes => Set<CodeEntry>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
    public DbSet<SelectionRound> SelectionRounds => Set<SelectionRound>();
    public DbSet<RoundQuota> RoundQuotas => Set<RoundQuota>();
    public DbSet<VillageDemand> VillageDemands => Set<VillageDemand>();
    public DbSet<Candidate> Candidates => Set<Candidate>();
    public DbSet<Attestation> Attestations => Set<Attestation>();

    protected override void ConfigureConventions(ModelConfigurationBuilder b)
    {
        b.Properties<RegionCode>().HaveConversion<RegionCodeConverter>().HaveMaxLength(12);
        b.Properties<IdNumber>().HaveConversion<IdNumberConverter>().HaveMaxLength(18);
    }

    protected override void OnModelCreating(ModelBuilder b)
    {
        base.OnModelCreating(b);

        b.Entity<Region>(e =>
        {
            e.HasKey(r => r.Code);
            e.Property(r => r.Name).HasMaxLength(100);
            e.Property(r => r.Path).HasMaxLength(100);
            e.HasIndex(r => r.ParentCode);
        });

        b.Entity<Village>(e =>
        {
            e.Property(v => v.Name).HasMaxLength(100);
            e.Property(v => v.RegionPath).HasMaxLength(100);
            e.HasIndex(v => v.Code).IsUnique();
            e.HasIndex(v => v.RegionPath);
        });

        b.Entity<Community>(e =>
        {
            e.Property(v => v.Name).HasMaxLength(100);
            e.Property(v => v.RegionPath).HasMaxLength(100);
            e.HasIndex(v => v.Code).IsUnique();
            e.HasIndex(v => v.RegionPath);
        });

        b.Entity<Unit>(e =>
        {
            e.Property(u => u.Name).HasMaxLength(100);
            e.Property(u => u.Sector).HasMaxLength(50);
            e.Property(u => u.RegionPath).HasMaxLength(100);
            e.HasIndex(u => u.RegionPath);
        });

        b.Entity<Person>(e =>
        {
            e.Property(p => p.Name).HasMaxLength(50);
            e.Property(p => p.NameSortKey).HasMaxLength(200);
            e.Property(p => p.NameInitials).HasMaxLength(50);
            e.Property(p => p.GenderCode).HasMaxLength(2);
            e.Property(p => p.EthnicCode).HasMaxLength(4);
            e.Property(p => p.PoliticalStatusCode).HasMaxLength(4);
            e.Property(p => p.EducationCode).HasMaxLength(4);
            e.Property(p => p.DegreeCode).HasMaxLength(4);
            e.Property(p => p.Post).HasMaxLength(100);
            e.Property(p => p.Rank).HasMaxLength(50);
            e.Property(p => p.Languages).HasMaxLength(100);
            e.Property(p => p.Phone).HasMaxLength(20);
            e.Property(p => p.RegionPath).HasMaxLength(100);
            e.Property(p => p.Version).IsConcurrencyToken();
            e.HasIndex(p => p.IdNumber).IsUnique();
            e.HasIndex(p => new { p.RegionPath, p.NameSortKey });
            e.HasIndex(p => p.NameSortKey);
            e.HasIndex(p => p.NameInitials);
            e.HasIndex(p => p.Name);
            e.HasOne(p => p.Unit).WithMany().HasForeignKey(p => p.UnitId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne(p => p.Community).WithMany().HasForeignKey(p => p.CommunityId).OnDelete(DeleteBehavior.Restrict);
            e.HasMany(p => p.History).WithOne().HasForeignKey(h => h.PersonId).OnDelete(DeleteBehavior.Cascade);
            e.Property(p => p.StationedRegionPath).HasMaxLength(100);
            e.HasIndex(p => p.StationedRegionPath);
            // A person is seen from their own unit's node and, while stationed, from the village's county, township and village.
            e.HasQueryFilter(p => (p.RegionPath.StartsWith(ScopePrefix) || (p.StationedRegionPath != null && p.StationedRegionPath.StartsWith(ScopePrefix)))
                && (KindLimit == 0 || (int)p.Kind == KindLimit));
        });

        b.Entity<Posting>(e =>
        {
            e.Property(x => x.RegionPath).HasMaxLength(100);
            e.Property(x => x.HomeRegionPath).HasMaxLength(100);
            e.Property(x => x.CreatedBy).HasMaxLength(256);
            e.Property(x => x.EndReason).HasMaxLength(200);
            e.HasOne(x => x.Person).WithMany().HasForeignKey(x => x.PersonId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne(x => x.Village).WithMany().HasForeignKey(x => x.VillageId).OnDelete(DeleteBehavior.Restrict);
            e.HasIndex(x => new { x.PersonId, x.Status });
            // One team per cadre (S-SEL-9): at most one active posting per person, whoever publishes.
            e.HasIndex(x => x.PersonId).IsUnique().HasFilter("\"Status\" = 1").HasDatabaseName("IX_Postings_OneActivePerPerson");
            e.HasIndex(x => new { x.VillageId, x.Status });
            e.HasIndex(x => x.RegionPath);
            e.HasIndex(x => x.HomeRegionPath);
            // Seen by the stationed village's scope and by the cadre's home unit's scope.
            e.HasQueryFilter(x => x.RegionPath.StartsWith(ScopePrefix) || x.HomeRegionPath.StartsWith(ScopePrefix));
        });

        b.Entity<CheckIn>(e =>
        {
            e.Property(x => x.ClientKey).HasMaxLength(CheckInRules.MaxKeyLength);
            e.Property(x => x.PayloadHash).HasMaxLength(64);
            e.Property(x => x.Reason).HasMaxLength(CheckInRules.MaxReasonLength);
            e.Property(x => x.RegionPath).HasMaxLength(100);
            e.Property(x => x.ReviewedBy).HasMaxLength(100);
            e.Property(x => x.ReviewNote).HasMaxLength(200);
            // The posting, its cadre and its village in one key: the posting's own foreign keys reach the person and the
            // village, so one check per inserted row keeps all three right (three single keys cost a quarter of the insert).
            e.HasOne<Posting>().WithMany().HasForeignKey(x => new { x.PostingId, x.PersonId, x.VillageId })
                .HasPrincipalKey(p => new { p.Id, p.PersonId, p.VillageId }).OnDelete(DeleteBehavior.Restrict);
            // Idempotency: a client key is unique per person; the writer inserts with ON CONFLICT on this index.
            e.HasIndex(x => new { x.PersonId, x.ClientKey }).IsUnique();
            e.HasIndex(x => new { x.PersonId, x.AtUtc });
            e.HasIndex(x => new { x.RegionPath, x.Date });
            e.HasIndex(x => x.Date);
        });

        b.Entity<LeaveRequest>(e =>
        {
            e.Property(x => x.RegionPath).HasMaxLength(100);
            e.Property(x => x.Reason).HasMaxLength(200);
            e.Property(x => x.Destination).HasMaxLength(100);
            e.Property(x => x.KeyPeriodName).HasMaxLength(50);
            e.Property(x => x.DecidedBy).HasMaxLength(100);
            e.Property(x => x.DecisionNote).HasMaxLength(200);
            e.Property(x => x.ReturnNote).HasMaxLength(200);
            e.Property(x => x.Version).IsConcurrencyToken();
            e.HasOne(x => x.Person).WithMany().HasForeignKey(x => x.PersonId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne(x => x.Village).WithMany().HasForeignKey(x => x.VillageId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<Posting>().WithMany().HasForeignKey(x => x.PostingId).OnDelete(DeleteBehavior.Restrict);
            e.HasIndex(x => new { x.PersonId, x.StartDate });
            e.HasIndex(x => new { x.RegionPath, x.Status });
            e.HasIndex(x => new { x.Status, x.EndDate });
        });

        b.Entity<KeyPeriod>(e =>
        {
            e.Property(x => x.Name).HasMaxLength(50);
            e.Property(x => x.Note).HasMaxLength(200);
            e.Property(x => x.RegionPath).HasMaxLength(100);
            e.Property(x => x.CreatedBy).HasMaxLength(100);
            e.Property(x => x.Version).IsConcurrencyToken();
            e.HasIndex(x => new { x.RegionPath, x.StartDate });
        });

        b.Entity<PersonHistory>(e =>
        {
            e.Property(h => h.Value).HasMaxLength(200);
            e.Property(h => h.RecordedBy).HasMaxLength(100);
            e.HasIndex(h => h.PersonId);
        });

        b.Entity<CodeEntry>(e =>
        {
            e.Property(c => c.Table).HasMaxLength(50);
            e.Property(c => c.Code).HasMaxLength(20);
            e.Property(c => c.Name).HasMaxLength(100);
            e.Property(c => c.ShortName).HasMaxLength(50);
            e.Property(c => c.ParentCode).HasMaxLength(20);
            e.HasIndex(c => new { c.Table, c.Code }).IsUnique();
        });

        b.Entity<AuditEntry>(e =>
        {
            e.Property(a => a.UserName).HasMaxLength(256);
            e.Property(a => a.Event).HasMaxLength(50);
            e.Property(a => a.ObjectType).HasMaxLength(100);
            e.Property(a => a.ObjectId).HasMaxLength(100);
            e.Property(a => a.Result).HasMaxLength(20);
            e.Property(a => a.ClientAddress).HasMaxLength(64);
            e.HasIndex(a => a.AtUtc);
            e.HasIndex(a => new { a.ObjectType, a.ObjectId });
            e.HasIndex(a => a.UserName);
        });

        b.Entity<AppUser>(e =>
        {
            e.Property(u => u.DisplayName).HasMaxLength(100);
            e.Property(u => u.ScopeCode).HasMaxLength(12);
            // A stationed cadre's account: one per person.
            e.HasOne<Person>().WithMany().HasForeignKey(u => u.PersonId).OnDelete(DeleteBehavior.Restrict);
            e.HasIndex(u => u.PersonId).IsUnique();
        });

        b.Entity<TeamPlan>(e =>
        {
            e.Property(x => x.Progress).HasMaxLength(200);
            e.Property(x => x.Error).HasMaxLength(2000);
            e.Property(x => x.RegionPath).HasMaxLength(100);
            e.Property(x => x.CreatedBy).HasMaxLength(256);
            e.Property(x => x.ApprovedBy).HasMaxLength(256);
            e.Property(x => x.PublishedBy).HasMaxLength(256);
            e.Property(x => x.Version).IsConcurrencyToken();
            e.HasIndex(x => new { x.RoundId, x.Number }).IsUnique();
            e.HasIndex(x => x.RegionPath);
            e.HasOne(x => x.Round).WithMany().HasForeignKey(x => x.RoundId).OnDelete(DeleteBehavior.Restrict);
            e.HasMany(x => x.Placements).WithOne().HasForeignKey(x => x.PlanId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(x => x.Locks).WithOne().HasForeignKey(x => x.PlanId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(x => x.Gaps).WithOne().HasForeignKey(x => x.PlanId).OnDelete(DeleteBehavior.Cascade);
        });

        b.Entity<TeamPlacement>(e =>
        {
            e.HasIndex(x => new { x.PlanId, x.PersonId }).IsUnique();
            e.HasOne(x => x.Person).WithMany().HasForeignKey(x => x.PersonId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne(x => x.Village).WithMany().HasForeignKey(x => x.VillageId).OnDelete(DeleteBehavior.Restrict);
        });

        b.Entity<PlanLock>(e =>
        {
            e.Property(x => x.By).HasMaxLength(256);
            e.HasIndex(x => new { x.PlanId, x.PersonId }).IsUnique();
        });

        b.Entity<PlanGap>(e =>
        {
            e.Property(x => x.Reason).HasMaxLength(500);
            e.HasOne(x => x.Village).WithMany().HasForeignKey(x => x.VillageId).OnDelete(DeleteBehavior.Restrict);
            e.HasIndex(x => x.PlanId);
        });

        b.Entity<SelectionRound>(e =>
        {
            e.Property(r => r.Name).HasMaxLength(100);
            e.Property(r => r.RegionPath).HasMaxLength(100);
            e.Property(r => r.CreatedBy).HasMaxLength(256);
            e.Property(r => r.Version).IsConcurrencyToken();
            e.Ignore(r => r.TermEnd);
            e.HasIndex(r => r.RegionPath);
            e.HasMany(r => r.Quotas).WithOne().HasForeignKey(q => q.RoundId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(r => r.Demand).WithOne().HasForeignKey(d => d.RoundId).OnDelete(DeleteBehavior.Cascade);
            // A round is organised above the counties: visible to its own subtree (a county recommends into its
            // prefecture's round) as well as to the nodes above it.
            e.HasQueryFilter(r => r.RegionPath.StartsWith(ScopePrefix) || ScopePrefix.StartsWith(r.RegionPath));
        });

        b.Entity<RoundQuota>(e =>
        {
            e.HasIndex(q => new { q.RoundId, q.UnitId }).IsUnique();
            e.HasOne(q => q.Unit).WithMany().HasForeignKey(q => q.UnitId).OnDelete(DeleteBehavior.Restrict);
        });

        b.Entity<VillageDemand>(e =>
        {
            e.HasIndex(d => new { d.RoundId, d.VillageId }).IsUnique();
            e.HasOne(d => d.Village).WithMany().HasForeignKey(d => d.VillageId).OnDelete(DeleteBehavior.Restrict);
        });

        b.Entity<Candidate>(e =>
        {
            e.Property(c => c.Statement).HasMaxLength(2000);
            e.Property(c => c.NominatedBy).HasMaxLength(256);
            e.Property(c => c.ReviewedBy).HasMaxLength(256);
            e.Property(c => c.ReviewNote).HasMaxLength(1000);
            e.Property(c => c.RegionPath).HasMaxLength(100);
            e.Property(c => c.Version).IsConcurrencyToken();
            e.HasIndex(c => new { c.RoundId, c.PersonId }).IsUnique();
            e.HasIndex(c => new { c.RoundId, c.RegionPath });
            e.HasIndex(c => c.PersonId);
            e.HasOne(c => c.Round).WithMany().HasForeignKey(c => c.RoundId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne(c => c.Person).WithMany().HasForeignKey(c => c.PersonId).OnDelete(DeleteBehavior.Restrict);
            e.HasMany(c => c.Attestations).WithOne().HasForeignKey(a => a.CandidateId).OnDelete(DeleteBehavior.Cascade);
        });

        b.Entity<Attestation>(e =>
        {
            e.Property(a => a.Notes).HasMaxLength(1000);
            e.Property(a => a.Reviewer).HasMaxLength(256);
            e.HasIndex(a => a.CandidateId);
        });

        ConfigureOversight(b);
        ConfigureDashboard(b);
        ApplyScopeFilters(b);
    }

    /// <summary>Applies the scope filter to every region-scoped entity other than people (which add a kind limit and
    /// their stationed village), postings (seen from both ends) and rounds (visible from below too).</summary>
    void ApplyScopeFilters(ModelBuilder b)
    {
        foreach (var type in b.Model.GetEntityTypes().Where(t => typeof(IRegionScoped).IsAssignableFrom(t.ClrType)
            && t.ClrType != typeof(Person) && t.ClrType != typeof(Posting) && t.ClrType != typeof(SelectionRound)))
        {
            var p = Expression.Parameter(type.ClrType, "e");
            var path = Expression.Property(p, nameof(IRegionScoped.RegionPath));
            var prefix = Expression.Property(Expression.Constant(this), nameof(ScopePrefix));
            var startsWith = Expression.Call(path, typeof(string).GetMethod(nameof(string.StartsWith), [typeof(string)])!, prefix);
            b.Entity(type.ClrType).HasQueryFilter(Expression.Lambda(startsWith, p));
        }
    }

    sealed class RegionCodeConverter() : ValueConverter<RegionCode, string>(c => c.Value, s => RegionCode.Parse(s));

    sealed class IdNumberConverter() : ValueConverter<IdNumber, string>(c => c.Value, s => IdNumber.FromTrusted(s));
}
