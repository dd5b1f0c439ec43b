using Grassroots.Codes;
using Grassroots.Regions;
using Microsoft.EntityFrameworkCore;

namespace Grassroots.Data;

/// <summary>Applies migrations and loads the reference data (regions, national code tables) when missing.</summary>
public static class DatabaseInitializer
{
    public static async Task MigrateAsync(GrassrootsDb db, CancellationToken ct)
    {
        await db.Database.MigrateAsync(ct);
        await SeedReferenceDataAsync(db, ct);
    }

    public static async Task SeedReferenceDataAsync(GrassrootsDb db, CancellationToken ct)
    {
        var knownRegions = (await db.Regions.Select(r => r.Code).ToListAsync(ct)).Select(c => c.Value).ToHashSet();
        foreach (var r in RegionCatalog.Embedded.All.Where(r => !knownRegions.Contains(r.Code.Value)))
            db.Regions.Add(new Region { Code = r.Code, Name = r.Name, Level = r.Level, ParentCode = r.ParentCode, Path = r.Path });

        var knownCodes = (await db.Codes.Select(c => c.Table + "|" + c.Code).ToListAsync(ct)).ToHashSet();
        foreach (var c in CodeTables.LoadBuiltIn().Where(c => !knownCodes.Contains(c.Table + "|" + c.Code)))
            db.Codes.Add(c);
        await db.SaveChangesAsync(ct);
    }
}
