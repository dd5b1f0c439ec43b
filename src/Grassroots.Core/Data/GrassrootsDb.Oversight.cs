using Grassroots.Dispatch;
using Grassroots.Manage;
using Microsoft.EntityFrameworkCore;

namespace Grassroots.Data;

/// <summary>The supervision and care tables (S-MNG-3, -5, -6, -8): requests, inspections, dispatch checks, field visits,
/// roll-calls and care funds. Every table that belongs to a village carries its region path (the scope filter).</summary>
public abstract partial class GrassrootsDb
{
    public DbSet<CadreRequest> CadreRequests => Set<CadreRequest>();
    public DbSet<RequestEvent> RequestEvents => Set<RequestEvent>();
    public DbSet<InspectionDraw> InspectionDraws => Set<InspectionDraw>();
    public DbSet<Inspection> Inspections => Set<Inspection>();
    public DbSet<InspectedCadre> InspectedCadres => Set<InspectedCadre>();
    public DbSet<InspectionFinding> InspectionFindings => Set<InspectionFinding>();
    public DbSet<FollowUp> FollowUps => Set<FollowUp>();
    public DbSet<DispatchCheck> DispatchChecks => Set<DispatchCheck>();
    public DbSet<FieldVisit> FieldVisits => Set<FieldVisit>();
    public DbSet<RollCall> RollCalls => Set<RollCall>();
    public DbSet<RollCallTarget> RollCallTargets => Set<RollCallTarget>();
    public DbSet<CareFund> CareFunds => Set<CareFund>();
    public DbSet<CareEntry> CareEntries => Set<CareEntry>();

    static void ConfigureOversight(ModelBuilder b)
    {
        b.Entity<CadreRequest>(e =>
        {
            e.Property(x => x.RegionPath).HasMaxLength(100);
            e.Property(x => x.Subject).HasMaxLength(CadreRequestService.MaxSubject);
            e.Property(x => x.Text).HasMaxLength(CadreRequestService.MaxText);
            e.Property(x => x.Answer).HasMaxLength(CadreRequestService.MaxText);
            e.Property(x => x.AnsweredBy).HasMaxLength(100);
            e.Property(x => x.ClosedBy).HasMaxLength(100);
            e.Property(x => x.CloseNote).HasMaxLength(500);
            e.Property(x => x.Version).IsConcurrencyToken();
            e.HasOne(x => x.Person).WithMany().HasForeignKey(x => x.PersonId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne(x => x.Village).WithMany().HasForeignKey(x => x.VillageId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<Posting>().WithMany().HasForeignKey(x => x.PostingId).OnDelete(DeleteBehavior.Restrict);
            e.HasMany(x => x.Events).WithOne().HasForeignKey(x => x.RequestId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(x => new { x.PersonId, x.AskedAtUtc });
            e.HasIndex(x => new { x.RegionPath, x.Status });
            e.HasIndex(x => x.AskedAtUtc);
        });

        b.Entity<RequestEvent>(e =>
        {
            e.Property(x => x.By).HasMaxLength(100);
            e.Property(x => x.Note).HasMaxLength(500);
            e.HasIndex(x => x.RequestId);
        });

        b.Entity<InspectionDraw>(e =>
        {
            e.Property(x => x.RegionPath).HasMaxLength(100);
            e.Property(x => x.DrawnBy).HasMaxLength(100);
            e.HasIndex(x => new { x.RegionPath, x.DrawnAtUtc });
        });

        b.Entity<Inspection>(e =>
        {
            e.Property(x => x.RegionPath).HasMaxLength(100);
            e.Property(x => x.Inspectors).HasMaxLength(200);
            e.Property(x => x.Summary).HasMaxLength(2000);
            e.Property(x => x.CreatedBy).HasMaxLength(100);
            e.Property(x => x.RecordedBy).HasMaxLength(100);
            e.Property(x => x.Version).IsConcurrencyToken();
            e.HasOne(x => x.Village).WithMany().HasForeignKey(x => x.VillageId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<InspectionDraw>().WithMany().HasForeignKey(x => x.DrawId).OnDelete(DeleteBehavior.Restrict);
            e.HasMany(x => x.Cadres).WithOne().HasForeignKey(x => x.InspectionId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(x => x.Findings).WithOne().HasForeignKey(x => x.InspectionId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(x => new { x.RegionPath, x.Status });
            e.HasIndex(x => x.Date);
            e.HasIndex(x => x.DrawId);
        });

        b.Entity<InspectedCadre>(e =>
        {
            e.Property(x => x.Note).HasMaxLength(200);
            e.HasOne(x => x.Person).WithMany().HasForeignKey(x => x.PersonId).OnDelete(DeleteBehavior.Restrict);
            e.HasIndex(x => new { x.InspectionId, x.PersonId }).IsUnique();
        });

        b.Entity<InspectionFinding>(e =>
        {
            e.Property(x => x.Text).HasMaxLength(1000);
            e.Property(x => x.CreatedBy).HasMaxLength(100);
            e.HasIndex(x => x.InspectionId);
        });

        b.Entity<FollowUp>(e =>
        {
            e.Property(x => x.RegionPath).HasMaxLength(100);
            e.Property(x => x.Text).HasMaxLength(1000);
            e.Property(x => x.IssuedBy).HasMaxLength(100);
            e.Property(x => x.ClosedBy).HasMaxLength(100);
            e.Property(x => x.ClosingNote).HasMaxLength(1000);
            e.Property(x => x.Version).IsConcurrencyToken();
            e.HasOne<Inspection>().WithMany().HasForeignKey(x => x.InspectionId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<InspectionFinding>().WithMany().HasForeignKey(x => x.FindingId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne(x => x.Village).WithMany().HasForeignKey(x => x.VillageId).OnDelete(DeleteBehavior.Restrict);
            e.HasIndex(x => new { x.Status, x.Deadline });
            e.HasIndex(x => x.InspectionId);
            e.HasIndex(x => x.RegionPath);
        });

        b.Entity<DispatchCheck>(e =>
        {
            e.Property(x => x.RegionPath).HasMaxLength(100);
            e.Property(x => x.Note).HasMaxLength(500);
            e.Property(x => x.By).HasMaxLength(100);
            e.HasOne(x => x.Village).WithMany().HasForeignKey(x => x.VillageId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<People.Person>().WithMany().HasForeignKey(x => x.PersonId).OnDelete(DeleteBehavior.Restrict);
            e.HasIndex(x => new { x.RegionPath, x.AtUtc });
            e.HasIndex(x => x.AtUtc);
        });

        b.Entity<FieldVisit>(e =>
        {
            e.Property(x => x.RegionPath).HasMaxLength(100);
            e.Property(x => x.Visitors).HasMaxLength(200);
            e.Property(x => x.Summary).HasMaxLength(2000);
            e.Property(x => x.By).HasMaxLength(100);
            e.HasOne(x => x.Village).WithMany().HasForeignKey(x => x.VillageId).OnDelete(DeleteBehavior.Restrict);
            e.HasIndex(x => new { x.RegionPath, x.Date });
            e.HasIndex(x => x.Date);
        });

        b.Entity<RollCall>(e =>
        {
            e.Property(x => x.RegionPath).HasMaxLength(100);
            e.Property(x => x.Note).HasMaxLength(200);
            e.Property(x => x.By).HasMaxLength(100);
            e.HasOne(x => x.Village).WithMany().HasForeignKey(x => x.VillageId).OnDelete(DeleteBehavior.Restrict);
            e.HasMany(x => x.Targets).WithOne().HasForeignKey(x => x.RollCallId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(x => new { x.RegionPath, x.StartedAtUtc });
            e.HasIndex(x => x.DeadlineUtc);
        });

        b.Entity<RollCallTarget>(e =>
        {
            e.HasOne(x => x.Person).WithMany().HasForeignKey(x => x.PersonId).OnDelete(DeleteBehavior.Restrict);
            e.HasIndex(x => new { x.RollCallId, x.PersonId }).IsUnique();
            e.HasIndex(x => x.PersonId);
        });

        b.Entity<CareFund>(e =>
        {
            e.Property(x => x.RegionPath).HasMaxLength(100);
            e.Property(x => x.Budget).HasPrecision(18, 2);
            e.Property(x => x.Spent).HasPrecision(18, 2);
            e.Property(x => x.Note).HasMaxLength(200);
            e.Property(x => x.CreatedBy).HasMaxLength(100);
            e.Property(x => x.Version).IsConcurrencyToken();
            e.Ignore(x => x.Balance);
            e.HasOne(x => x.Village).WithMany().HasForeignKey(x => x.VillageId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<Selection.SelectionRound>().WithMany().HasForeignKey(x => x.RoundId).OnDelete(DeleteBehavior.Restrict);
            e.HasIndex(x => new { x.VillageId, x.Kind, x.RoundId }).IsUnique();
            e.HasIndex(x => x.RegionPath);
        });

        b.Entity<CareEntry>(e =>
        {
            e.Property(x => x.RegionPath).HasMaxLength(100);
            e.Property(x => x.Amount).HasPrecision(18, 2);
            e.Property(x => x.BalanceAfter).HasPrecision(18, 2);
            e.Property(x => x.Purpose).HasMaxLength(200);
            e.Property(x => x.ReceiptNo).HasMaxLength(50);
            e.Property(x => x.OverspendReason).HasMaxLength(200);
            e.Property(x => x.RecordedBy).HasMaxLength(100);
            e.HasOne<CareFund>().WithMany().HasForeignKey(x => x.FundId).OnDelete(DeleteBehavior.Restrict);
            e.HasIndex(x => new { x.FundId, x.ReceiptNo }).IsUnique();
            e.HasIndex(x => new { x.FundId, x.Number }).IsUnique();
        });
    }

    /// <summary>PostgreSQL: region paths in the C collation, so scope prefixes use the indexes.</summary>
    protected static void OversightCollations(ModelBuilder b)
    {
        b.Entity<CadreRequest>().Property(p => p.RegionPath).UseCollation("C");
        b.Entity<InspectionDraw>().Property(p => p.RegionPath).UseCollation("C");
        b.Entity<Inspection>().Property(p => p.RegionPath).UseCollation("C");
        b.Entity<FollowUp>().Property(p => p.RegionPath).UseCollation("C");
        b.Entity<DispatchCheck>().Property(p => p.RegionPath).UseCollation("C");
        b.Entity<FieldVisit>().Property(p => p.RegionPath).UseCollation("C");
        b.Entity<RollCall>().Property(p => p.RegionPath).UseCollation("C");
        b.Entity<CareFund>().Property(p => p.RegionPath).UseCollation("C");
        b.Entity<CareEntry>().Property(p => p.RegionPath).UseCollation("C");
    }
}
