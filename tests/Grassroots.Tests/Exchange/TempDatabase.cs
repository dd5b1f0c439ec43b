using Grassroots.Data;
using Grassroots.People;
using Grassroots.Regions;
using Grassroots.Security;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Grassroots.Tests.Exchange;

/// <summary>A temporary SQLite database file, deleted at the end of the test.</summary>
internal sealed class TempDatabase : IAsyncDisposable
{
    public string Folder { get; } = Directory.CreateTempSubdirectory("grassroots-test-").FullName;

    public string Path => System.IO.Path.Combine(Folder, "grassroots.db");

    /// <summary>A context that sees everything (no audit interceptor: for arranging data).</summary>
    public SqliteGrassrootsDb Open() =>
        new(new DbContextOptionsBuilder<SqliteGrassrootsDb>().UseSqlite($"Data Source={Path}").Options, CurrentUser.System("test"));

    public async Task<Unit> AddUnitAsync(string name, string regionCode)
    {
        await using var db = Open();
        var region = RegionCatalog.Embedded.Find(regionCode)!;
        var unit = new Unit { Name = name, Level = UnitLevel.County, Sector = "农牧", RegionCode = region.Code, RegionPath = region.Path };
        db.Units.Add(unit);
        await db.SaveChangesAsync();
        return unit;
    }

    public ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(Folder, recursive: true);
        return ValueTask.CompletedTask;
    }

    /// <summary>A valid GB 11643 number; an odd sequence is male, even is female.</summary>
    public static string MakeId(string region, DateOnly birth, int sequence)
    {
        var first17 = $"{region}{birth:yyyyMMdd}{sequence:000}";
        return first17 + IdNumber.ComputeCheckCharacter(first17);
    }
}
