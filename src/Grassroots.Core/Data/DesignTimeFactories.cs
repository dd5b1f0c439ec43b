using Grassroots.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Grassroots.Data;

/// <summary>Used by <c>dotnet ef migrations add … --context SqliteGrassrootsDb</c>.</summary>
public sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteGrassrootsDb>
{
    public SqliteGrassrootsDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteGrassrootsDb>().UseSqlite("Data Source=design.db").Options, CurrentUser.System());
}

/// <summary>Used by <c>dotnet ef migrations add … --context PostgresGrassrootsDb</c>.</summary>
public sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresGrassrootsDb>
{
    public PostgresGrassrootsDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresGrassrootsDb>().UseNpgsql("Host=localhost;Database=grassroots_design").Options, CurrentUser.System());
}
