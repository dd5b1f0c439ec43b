using System.Data.Common;
using Grassroots.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Grassroots.Demo;

/// <summary>
/// Writes a large batch of new rows of one entity type inside the context's current transaction, without tracking
/// them: PostgreSQL's binary COPY, or on SQLite one prepared INSERT executed per row. Columns, type mappings and value
/// conversions come from the EF model, so the rows are what SaveChanges would have written. Used by the demo data set
/// for its year of records (a few hundred thousand rows); the demo writes one audit row per table instead of one per row.
/// </summary>
internal static class DemoBulk
{
    public static async Task InsertAsync<T>(GrassrootsDb db, IReadOnlyCollection<T> rows, CancellationToken ct) where T : class
    {
        if (rows.Count == 0) return;
        var tx = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("Bulk inserts run inside the seeding transaction so that they are all or nothing.");
        var type = db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not in the model.");
        var table = StoreObjectIdentifier.Table(type.GetTableName()!, type.GetSchema());
        var columns = type.GetProperties().Select(p => new Column(p, p.GetColumnName(table)!, p.GetGetter(), p.GetTypeMapping().Converter)).ToList();
        var names = string.Join(", ", columns.Select(c => Quote(c.Name)));
        if (db.Database.GetDbConnection() is NpgsqlConnection pg)
        {
            await using var writer = await pg.BeginBinaryImportAsync($"COPY {Quote(table.Name)} ({names}) FROM STDIN (FORMAT BINARY)", ct);
            var types = columns.Select(c => DataType(c.Property)).ToArray();
            // Synchronous writes: the importer buffers rows and flushes now and then; an await per value costs more than the value.
            foreach (var row in rows)
            {
                ct.ThrowIfCancellationRequested();
                writer.StartRow();
                for (var i = 0; i < columns.Count; i++) Write(writer, columns[i].Value(row), types[i]);
            }
            await writer.CompleteAsync(ct);
            return;
        }

        // A page cache large enough for the table and its indexes while the rows go in (the default 2 MB makes SQLite
        // re-read index pages from the file for every row); restored afterwards.
        var connection = db.Database.GetDbConnection();
        var cache = await PragmaAsync(connection, tx, "PRAGMA cache_size", ct);
        await PragmaAsync(connection, tx, "PRAGMA cache_size = -262144", ct);
        try
        {
            await InsertRowsAsync(connection, tx, table.Name, names, columns, rows, ct);
        }
        finally
        {
            await PragmaAsync(connection, tx, $"PRAGMA cache_size = {Convert.ToInt64(cache, System.Globalization.CultureInfo.InvariantCulture)}", ct);
        }
    }

    static async Task<object?> PragmaAsync(DbConnection connection, DbTransaction tx, string sql, CancellationToken ct)
    {
        await using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        return await cmd.ExecuteScalarAsync(ct);
    }

    static async Task InsertRowsAsync<T>(DbConnection connection, DbTransaction tx, string table, string names, List<Column> columns, IReadOnlyCollection<T> rows, CancellationToken ct) where T : class
    {
        await using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = $"INSERT INTO {Quote(table)} ({names}) VALUES ({string.Join(", ", columns.Select((_, i) => "$p" + i))})";
        var parameters = new DbParameter[columns.Count];
        for (var i = 0; i < columns.Count; i++)
        {
            // The provider's mapping configures the parameter (e.g. GUIDs as TEXT on SQLite), as SaveChanges would.
            parameters[i] = ((RelationalTypeMapping)columns[i].Property.GetTypeMapping()).CreateParameter(cmd, "$p" + i, null, columns[i].Property.IsNullable);
            cmd.Parameters.Add(parameters[i]);
        }
        await cmd.PrepareAsync(ct);
        foreach (var row in rows)
        {
            for (var i = 0; i < columns.Count; i++) parameters[i].Value = columns[i].Value(row) ?? DBNull.Value;
            await cmd.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>One value with its static type, so Npgsql resolves its converter once per type rather than per boxed value.</summary>
    static void Write(NpgsqlBinaryImporter writer, object? value, string type)
    {
        switch (value)
        {
            case null: writer.WriteNull(); break;
            case Guid g: writer.Write(g, NpgsqlTypes.NpgsqlDbType.Uuid); break;
            case string s: writer.Write(s, NpgsqlTypes.NpgsqlDbType.Text); break;
            case int n: writer.Write(n, NpgsqlTypes.NpgsqlDbType.Integer); break;
            case long n: writer.Write(n, NpgsqlTypes.NpgsqlDbType.Bigint); break;
            case bool b: writer.Write(b, NpgsqlTypes.NpgsqlDbType.Boolean); break;
            case double d: writer.Write(d, NpgsqlTypes.NpgsqlDbType.Double); break;
            case decimal d: writer.Write(d, NpgsqlTypes.NpgsqlDbType.Numeric); break;
            case DateOnly d: writer.Write(d, NpgsqlTypes.NpgsqlDbType.Date); break;
            case DateTime t when type == "timestamp with time zone": writer.Write(t, NpgsqlTypes.NpgsqlDbType.TimestampTz); break;
            default: writer.Write(value, type); break;
        }
    }

    sealed record Column(IProperty Property, string Name, IClrPropertyGetter Getter, Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter? Converter)
    {
        public object? Value(object entity)
        {
            var value = Getter.GetClrValueUsingContainingEntity(entity);
            return value is not null && Converter is not null ? Converter.ConvertToProvider(value) : value;
        }
    }

    /// <summary>The PostgreSQL type name without its modifiers: character varying(50) → character varying.</summary>
    static string DataType(IProperty p)
    {
        var t = p.GetColumnType();
        var i = t.IndexOf('(', StringComparison.Ordinal);
        return i < 0 ? t : t[..i].Trim();
    }

    static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
