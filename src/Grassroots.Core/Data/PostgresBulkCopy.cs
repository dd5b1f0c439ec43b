using Grassroots.Audit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Npgsql;

namespace Grassroots.Data;

/// <summary>
/// Writes the entities a context tracks as added with PostgreSQL's binary COPY, for bulk work such as imports.
/// The audit interceptor first adds an audit row for each of them (as SaveChanges would), then every table is
/// copied in dependency order on the context's connection, inside its current transaction, so a failure rolls
/// everything back. Columns and value conversions come from the EF model, so the rows are what SaveChanges
/// would have written.
/// </summary>
internal static class PostgresBulkCopy
{
    public static async Task SaveAddedAsync(GrassrootsDb db, AuditInterceptor audit, CancellationToken ct)
    {
        if (db.Database.CurrentTransaction is null)
            throw new InvalidOperationException("Bulk copy runs inside a transaction so that it is all or nothing.");
        audit.Record(db);
        var added = db.ChangeTracker.Entries().Where(e => e.State == EntityState.Added).GroupBy(e => e.Metadata).ToList();
        var conn = (NpgsqlConnection)db.Database.GetDbConnection();
        foreach (var group in added.OrderBy(g => Depth(g.Key)))
        {
            var type = group.Key;
            var table = StoreObjectIdentifier.Table(type.GetTableName()!, type.GetSchema());
            var columns = type.GetProperties().Select(p => (Property: p, Column: p.GetColumnName(table)!, DataType: DataType(p))).ToList();
            var sql = $"COPY {Quote(table.Name)} ({string.Join(", ", columns.Select(c => Quote(c.Column)))}) FROM STDIN (FORMAT BINARY)";
            await using var writer = await conn.BeginBinaryImportAsync(sql, ct);
            foreach (var entry in group)
            {
                await writer.StartRowAsync(ct);
                foreach (var (property, _, dataType) in columns)
                {
                    var value = entry.Property(property.Name).CurrentValue;
                    if (value is not null && property.GetTypeMapping().Converter is { } converter) value = converter.ConvertToProvider(value);
                    if (value is null) await writer.WriteNullAsync(ct);
                    else await writer.WriteAsync(value, dataType, ct);
                }
            }
            await writer.CompleteAsync(ct);
        }
        db.ChangeTracker.Clear();
    }

    /// <summary>Principals before dependents: the number of foreign-key hops to a table with none.</summary>
    static int Depth(IEntityType type, int guard = 0) =>
        guard > 10 ? guard : type.GetForeignKeys().Where(fk => fk.PrincipalEntityType != type).Select(fk => 1 + Depth(fk.PrincipalEntityType, guard + 1)).DefaultIfEmpty(0).Max();

    /// <summary>The PostgreSQL type name without its modifiers: character varying(50) → character varying.</summary>
    static string DataType(IProperty p)
    {
        var t = p.GetColumnType();
        var i = t.IndexOf('(', StringComparison.Ordinal);
        return i < 0 ? t : t[..i].Trim();
    }

    static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
