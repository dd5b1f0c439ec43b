using System.Text.Json;
using Grassroots.People;
using Grassroots.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Grassroots.Audit;

/// <summary>
/// A row the system computes and can compute again (a plan's placements and gaps): the action that made it (the plan
/// run) is audited, not each row.
/// </summary>
public interface IComputedRecord;

/// <summary>
/// Writes an <see cref="AuditEntry"/> for every added, modified or deleted entity in the same SaveChanges,
/// hence the same transaction: if the audit row cannot be written, the change rolls back. Refuses any
/// update or delete of an audit row. Also renews the concurrency token and timestamps of people.
/// </summary>
/// <remarks>
/// One instance serves every context (the options are built once per process); the acting user is the context's own
/// <see cref="Data.GrassrootsDb.User"/>.
/// </remarks>
public sealed class AuditInterceptor(TimeProvider clock) : SaveChangesInterceptor
{
    static readonly HashSet<string> Skipped = new(StringComparer.Ordinal)
    {
        "ConcurrencyStamp", "SecurityStamp", "PasswordHash", "NameSortKey", "NameInitials", "Version", "UpdatedAtUtc", "CreatedAtUtc",
        "AccessFailedCount", "LockoutEnd", "NormalizedUserName", "NormalizedEmail", "Xml", "FriendlyName",
    };

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        if (eventData.Context is { } db) Record(db);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is { } db) Record(db);
        return ValueTask.FromResult(result);
    }

    /// <summary>Adds the audit rows for every pending change (also used by bulk writers that bypass SaveChanges).</summary>
    internal void Record(DbContext db)
    {
        var user = db is Data.GrassrootsDb g ? g.User : throw new InvalidOperationException("The audit interceptor serves Grassroots databases only.");
        var now = clock.GetUtcNow().UtcDateTime;
        var rows = new List<AuditEntry>();
        foreach (var entry in db.ChangeTracker.Entries().ToList())
        {
            if (entry.Entity is AuditEntry)
            {
                if (entry.State is EntityState.Modified or EntityState.Deleted)
                    throw new InvalidOperationException("The audit trail is append-only.");
                continue;
            }
            if (entry.State is not (EntityState.Added or EntityState.Modified or EntityState.Deleted)) continue;
            if (entry.Entity is IComputedRecord) continue;
            if (entry.Metadata.IsOwned() || entry.Metadata.ClrType.Namespace?.StartsWith("Microsoft.AspNetCore.DataProtection", StringComparison.Ordinal) == true) continue;

            if (entry.Entity is Person p)
            {
                if (entry.State == EntityState.Added) p.CreatedAtUtc = p.CreatedAtUtc == default ? now : p.CreatedAtUtc;
                if (entry.State is EntityState.Added or EntityState.Modified) { p.UpdatedAtUtc = now; p.Version = Guid.NewGuid(); }
            }

            var (before, after) = Snapshot(entry);
            if (entry.State == EntityState.Modified && before.Count == 0 && after.Count == 0) continue;
            rows.Add(new AuditEntry
            {
                AtUtc = now,
                UserId = user.Id,
                UserName = user.UserName,
                ClientAddress = user.ClientAddress,
                Event = entry.State switch { EntityState.Added => AuditEvents.Create, EntityState.Deleted => AuditEvents.Delete, _ => AuditEvents.Update },
                ObjectType = entry.Metadata.ClrType.Name,
                ObjectId = KeyOf(entry),
                Before = before.Count == 0 ? null : JsonSerializer.Serialize(before, JsonOptions),
                After = after.Count == 0 ? null : JsonSerializer.Serialize(after, JsonOptions),
            });
        }
        if (rows.Count > 0) db.Set<AuditEntry>().AddRange(rows);
    }

    static readonly JsonSerializerOptions JsonOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    static string? KeyOf(EntityEntry entry)
    {
        var key = entry.Metadata.FindPrimaryKey();
        if (key is null) return null;
        return string.Join(",", key.Properties.Select(p => Convert.ToString(entry.Property(p.Name).CurrentValue, System.Globalization.CultureInfo.InvariantCulture)));
    }

    static (Dictionary<string, string?> Before, Dictionary<string, string?> After) Snapshot(EntityEntry entry)
    {
        var before = new Dictionary<string, string?>(StringComparer.Ordinal);
        var after = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var prop in entry.Properties)
        {
            var name = prop.Metadata.Name;
            if (Skipped.Contains(name)) continue;
            var phone = name is "Phone" or "PhoneNumber";
            var sensitive = phone || prop.Metadata.PropertyInfo?.GetCustomAttributes(typeof(SensitiveAttribute), false).Length > 0
                || prop.Metadata.ClrType == typeof(IdNumber) || prop.Metadata.ClrType == typeof(IdNumber?);
            string? Show(object? v) => v is null ? null
                : phone && v is string number ? PersonMapping.MaskPhone(number)
                : sensitive ? Mask(v)
                : v is DateOnly date ? date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)
                : Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture);
            switch (entry.State)
            {
                case EntityState.Added:
                    if (prop.CurrentValue is not null) after[name] = Show(prop.CurrentValue);
                    break;
                case EntityState.Deleted:
                    if (prop.OriginalValue is not null) before[name] = Show(prop.OriginalValue);
                    break;
                case EntityState.Modified when prop.IsModified && !Equals(prop.OriginalValue, prop.CurrentValue):
                    before[name] = Show(prop.OriginalValue);
                    after[name] = Show(prop.CurrentValue);
                    break;
            }
        }
        return (before, after);
    }

    static string Mask(object v) => v switch
    {
        IdNumber id => id.Masked,
        string s when s.Length == 11 => s[..3] + "****" + s[^4..],
        string s => IdNumber.Mask(s),
        _ => "****",
    };
}
