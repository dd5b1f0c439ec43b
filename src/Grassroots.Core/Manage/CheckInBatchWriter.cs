using System.Text;
using System.Text.Json;
using Grassroots.Audit;
using Grassroots.Common;
using Grassroots.Data;
using Grassroots.Dispatch;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Grassroots.Manage;

public enum CheckInOutcomeKind
{
    /// <summary>Stored now: 201.</summary>
    Created,
    /// <summary>The key was stored before with the same payload: the first answer again, nothing stored (200).</summary>
    Replayed,
    /// <summary>The key was stored before with another payload: refused (409).</summary>
    KeyConflict,
    /// <summary>A rule refused it (no posting, outside the upload window, off post without a reason): 422, nothing stored.</summary>
    Refused,
    /// <summary>The account the token names is gone, disabled, locked or re-stamped (signed out): 401, nothing stored.</summary>
    Unauthorized,
    /// <summary>The account is not a stationed cadre's: 403, nothing stored.</summary>
    Forbidden,
}

public sealed record CheckInOutcome(CheckInOutcomeKind Kind, CheckInAnswer? Answer, string? Message, string? Code = null)
{
    public const string KeyConflictMessage = "这个签到编号（clientKey）已用于另一次内容不同的签到，不能更改已提交的签到；新的签到请使用新的编号。";
}

/// <summary>One check-in waiting to be written, with who sent it (for the audit trail).</summary>
/// <remarks>
/// When <see cref="AccountUnchecked"/> is set, the request's token named <see cref="UserId"/> but the account was not
/// read yet: the writer reads it with the batch (gone, disabled, locked or re-stamped → 401; not a cadre → 403) and
/// takes <see cref="PersonId"/> and <see cref="UserName"/> from it.
/// </remarks>
public sealed record CheckInSubmission(Guid PersonId, Guid? UserId, string UserName, string? ClientAddress, CheckInPayload Payload, DateTime ReceivedAtUtc)
{
    public bool AccountUnchecked { get; init; }
    public string? SecurityStamp { get; init; }
}

/// <summary>
/// Writes a batch of check-ins in one transaction and decides each one's answer. Idempotency: a key already stored
/// (per person) answers with the stored check-in when the payload hash matches and is refused otherwise; within the
/// batch the first of several identical requests is stored and the others get its answer. New rows go in with one
/// <c>INSERT … ON CONFLICT (PersonId, ClientKey) DO NOTHING RETURNING Id</c>, so a row that another instance committed
/// meanwhile is found again instead of duplicated — correct under any concurrency on SQLite and PostgreSQL, because the
/// unique index, not this process, has the last word. The audit rows (positions masked) are written in the same
/// transaction. Answers are only returned after COMMIT.
/// </summary>
public sealed class CheckInBatchWriter(GrassrootsDb db, IOptions<ManageOptions> options)
{
    static readonly string[] Columns =
    [
        "Id", "PersonId", "PostingId", "VillageId", "ClientKey", "PayloadHash", "AtUtc", "Date", "ReceivedAtUtc",
        "Latitude", "Longitude", "Accuracy", "DistanceMetres", "OnPost", "Late", "Reason", "Flags", "RegionPath",
    ];

    /// <summary>How many of a cadre's check-ins on other days, before and after a check-in, the repeated-position check
    /// looks at (a cadre checks in once or twice a day: all of them in real use, a bounded read however often a phone —
    /// or a load test — sends).</summary>
    public const int OtherDayTraces = 30;

    static readonly JsonSerializerOptions AuditJson = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public const string NotACadreMessage = "只有驻村干部本人的账号可以签到和请销假。";
    public const string NoPersonMessage = "您的账号没有关联人员信息，请联系系统管理员。";

    public async Task<IReadOnlyList<CheckInOutcome>> WriteAsync(IReadOnlyList<CheckInSubmission> batch, CancellationToken ct)
    {
        if (batch.Count == 0) return [];
        if (db.Database.IsNpgsql()) return await PostgresCheckInBatch.WriteAsync(db, batch, options.Value, ct);
        if (!batch.Any(b => b.AccountUnchecked)) return await WriteCheckedAsync(batch, ct);

        // The accounts the tokens name, read once for the batch — the same rules as every other request's account check.
        var ids = batch.Where(b => b.AccountUnchecked && b.UserId is not null).Select(b => b.UserId!.Value).Distinct().ToList();
        var accounts = (await db.Users.AsNoTracking().Where(u => ids.Contains(u.Id))
                .Select(u => new BatchAccount(
                    u.Id, u.UserName, u.PersonId, u.IsDisabled, u.LockoutEnd, u.SecurityStamp,
                    db.UserRoles.Any(ur => ur.UserId == u.Id && db.Roles.Any(r => r.Id == ur.RoleId && r.Name == Security.Roles.Cadre))))
                .ToListAsync(ct))
            .ToDictionary(a => a.Id);
        var (outcomes, checkedBatch) = CheckAccounts(batch, accounts);
        var written = await WriteCheckedAsync([.. checkedBatch.Select(c => c.Submission)], ct);
        for (var k = 0; k < checkedBatch.Count; k++) outcomes[checkedBatch[k].Index] = written[k];
        return [.. outcomes.Select(o => o!)];
    }

    /// <summary>An account a batch's tokens name, as read with the batch.</summary>
    internal sealed record BatchAccount(Guid Id, string? UserName, Guid? PersonId, bool IsDisabled, DateTimeOffset? LockoutEnd, string? SecurityStamp, bool Cadre);

    /// <summary>
    /// The account rules of every request, applied to a batch: gone, disabled, locked or re-stamped → 401; not a cadre →
    /// 403; no person → 422. Returns those answers and the submissions that go on, with the account's person.
    /// </summary>
    internal static (CheckInOutcome?[] Outcomes, List<(int Index, CheckInSubmission Submission)> Checked) CheckAccounts(
        IReadOnlyList<CheckInSubmission> batch, IReadOnlyDictionary<Guid, BatchAccount> accounts)
    {
        var outcomes = new CheckInOutcome?[batch.Count];
        var checkedBatch = new List<(int Index, CheckInSubmission Submission)>(batch.Count);
        for (var i = 0; i < batch.Count; i++)
        {
            var s = batch[i];
            if (!s.AccountUnchecked)
            {
                checkedBatch.Add((i, s));
                continue;
            }
            var a = s.UserId is { } id ? accounts.GetValueOrDefault(id) : null;
            if (a is null || a.IsDisabled || a.LockoutEnd > new DateTimeOffset(s.ReceivedAtUtc, TimeSpan.Zero) || a.SecurityStamp != s.SecurityStamp)
                outcomes[i] = new(CheckInOutcomeKind.Unauthorized, null, "登录已失效，请重新登录。");
            else if (!a.Cadre)
                outcomes[i] = new(CheckInOutcomeKind.Forbidden, null, NotACadreMessage);
            else if (a.PersonId is not { } personId)
                outcomes[i] = new(CheckInOutcomeKind.Refused, null, NoPersonMessage);
            else
                checkedBatch.Add((i, s with { PersonId = personId, UserName = a.UserName ?? s.UserName, AccountUnchecked = false }));
        }
        return (outcomes, checkedBatch);
    }

    async Task<IReadOnlyList<CheckInOutcome>> WriteCheckedAsync(IReadOnlyList<CheckInSubmission> batch, CancellationToken ct)
    {
        if (batch.Count == 0) return [];
        var o = options.Value;
        var persons = batch.Select(b => b.PersonId).Distinct().ToList();
        var rows = db.CheckIns.IgnoreQueryFilters().AsNoTracking();

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var posts = (await db.Postings.IgnoreQueryFilters().AsNoTracking()
                .Where(p => persons.Contains(p.PersonId) && p.Status == PostingStatus.Active)
                .OrderBy(p => p.StartDate)
                .Select(p => new { p.PersonId, p.Id, p.VillageId, VillageName = p.Village!.Name, p.RegionPath, p.Village.Latitude, p.Village.Longitude })
                .ToListAsync(ct))
            .GroupBy(p => p.PersonId)
            .ToDictionary(g => g.Key, g => g.Select(p => new CheckInPost(p.Id, p.VillageId, p.VillageName, p.RegionPath, p.Latitude, p.Longitude)).Last());
        var traces = (await TracesAsync(batch, o, ct))
            .GroupBy(c => c.PersonId)
            .ToDictionary(g => g.Key, g => g.Select(c => new CheckInTrace(c.AtUtc, c.Date, c.Latitude, c.Longitude, c.Accuracy)).ToList());

        var judged = Judge(batch, posts, traces, o);
        var fresh = judged.Fresh.Values.Select(f => f.Row).ToList();
        var inserted = await InsertAsync(fresh, ct);
        // The dashboard's month summary of the rows stored now, in the same transaction (a resend adds nothing).
        await CheckInMonths.RecordAsync(db, [.. fresh.Where(r => inserted.Contains(r.Id))], ct);
        var lookup = judged.LookupKeys(batch, inserted);
        var stored = new Dictionary<(Guid, string), CheckIn>();
        if (lookup.Count > 0)
        {
            var lookupPersons = lookup.Select(k => k.Item1).Distinct().ToList();
            var lookupKeys = lookup.Select(k => k.Item2).Distinct().ToList();
            foreach (var c in await rows.Where(c => lookupPersons.Contains(c.PersonId) && lookupKeys.Contains(c.ClientKey)).ToListAsync(ct))
                stored[(c.PersonId, c.ClientKey)] = c;
        }
        var outcomes = judged.Answer(batch, inserted, stored).Select(o => o!).ToList();
        await InsertAuditAsync([.. judged.Fresh.Values.Where(f => inserted.Contains(f.Row.Id)).Select(f => AuditRow(batch[f.Index], f.Row))], ct);
        await tx.CommitAsync(ct);
        return outcomes;
    }

    /// <summary>
    /// What the suspicion rules (<see cref="CheckInRules.Flags"/>) need of a cadre's stored check-ins around one check-in at
    /// <paramref name="atUtc"/>, all with a position and within <see cref="ManageOptions.RepeatedPositionWindowDays"/>: the
    /// nearest before it and the nearest after it (the speed check), and up to <see cref="OtherDayTraces"/> on the days
    /// before its China date and as many on the days after (the repeated-position check). Four short reads of the
    /// (PersonId, AtUtc) index, however many check-ins the cadre made that day.
    /// </summary>
    internal static TraceProbe ProbeFor(DateTime atUtc, ManageOptions o)
    {
        var at = DateTime.SpecifyKind(atUtc, DateTimeKind.Utc);
        var dayStart = new DateTimeOffset(ChinaTime.ToChina(at).Date, ChinaTime.Offset).UtcDateTime;
        return new(at, at.AddDays(-o.RepeatedPositionWindowDays), at.AddDays(o.RepeatedPositionWindowDays), dayStart, dayStart.AddDays(1));
    }

    /// <summary>The instants of one check-in's reads (see <see cref="ProbeFor"/>), in UTC.</summary>
    internal readonly record struct TraceProbe(DateTime At, DateTime Since, DateTime Until, DateTime DayStart, DateTime DayEnd);

    /// <summary>
    /// The rules applied to every check-in of a batch as if new (a key stored before shows itself when its insert is
    /// skipped): the rows to insert, keyed by (person, client key) — the first of several identical requests in the
    /// batch; the others get its answer — and the refusals.
    /// </summary>
    internal static BatchJudgement Judge(
        IReadOnlyList<CheckInSubmission> batch, IReadOnlyDictionary<Guid, CheckInPost> posts, Dictionary<Guid, List<CheckInTrace>> traces, ManageOptions o)
    {
        var judged = new BatchJudgement(new string?[batch.Count], new string?[batch.Count], []);
        for (var i = 0; i < batch.Count; i++)
        {
            var s = batch[i];
            var key = (s.PersonId, s.Payload.ClientKey);
            if (judged.Fresh.ContainsKey(key)) continue; // answered from the row that wins
            if (!traces.TryGetValue(s.PersonId, out var mine)) traces[s.PersonId] = mine = [];
            var post = posts.GetValueOrDefault(s.PersonId);
            var verdict = CheckInRules.Judge(s.Payload, post, s.ReceivedAtUtc, mine, o);
            if (verdict.Refusal is { } refusal)
            {
                judged.Refusals[i] = refusal;
                judged.Codes[i] = verdict.RefusalCode;
                continue;
            }
            var row = NewRow(s, post!, verdict);
            judged.Fresh[key] = (i, row);
            mine.Add(new CheckInTrace(row.AtUtc, row.Date, row.Latitude, row.Longitude, row.Accuracy));
        }
        return judged;
    }

    /// <summary>The row of an accepted check-in.</summary>
    internal static CheckIn NewRow(CheckInSubmission s, CheckInPost post, CheckInRules.Verdict verdict)
    {
        var p = s.Payload;
        return new CheckIn
        {
            PersonId = s.PersonId,
            PostingId = post.PostingId,
            VillageId = post.VillageId,
            ClientKey = p.ClientKey,
            PayloadHash = p.PayloadHash,
            AtUtc = p.AtUtc,
            Date = CheckInRules.ChinaDate(p.AtUtc),
            ReceivedAtUtc = s.ReceivedAtUtc,
            Latitude = p.Latitude,
            Longitude = p.Longitude,
            Accuracy = p.Accuracy,
            DistanceMetres = verdict.DistanceMetres,
            OnPost = verdict.OnPost,
            Late = verdict.Late,
            Reason = p.Reason,
            Flags = verdict.Flags,
            RegionPath = post.RegionPath,
        };
    }

    internal sealed record BatchJudgement(string?[] Refusals, string?[] Codes, Dictionary<(Guid, string), (int Index, CheckIn Row)> Fresh)
    {
        /// <summary>
        /// Keys already stored (a resend, or another writer's commit a moment ago) and refused ones (a resend of a stored
        /// check-in is answered as the first time even when a rule would now refuse it): their stored rows are read once.
        /// </summary>
        /// <paramref name="again"/>: cadres whose check-ins were not stored because the database no longer agreed with
        /// what they were judged from (<see cref="CadreDay"/>); they are judged again, not answered.
        public List<(Guid, string)> LookupKeys(IReadOnlyList<CheckInSubmission> batch, HashSet<Guid> inserted, IReadOnlySet<Guid>? again = null) =>
            Fresh.Where(f => !inserted.Contains(f.Value.Row.Id)).Select(f => f.Key)
                .Concat(Enumerable.Range(0, batch.Count).Where(i => Refusals[i] is not null).Select(i => (batch[i].PersonId, batch[i].Payload.ClientKey)))
                .Where(k => again is null || !again.Contains(k.Item1))
                .Distinct().ToList();

        /// <summary>Each check-in's answer once the batch's rows are in and the stored rows of the other keys were read
        /// (none for the cadres in <paramref name="again"/>, judged again).</summary>
        public CheckInOutcome?[] Answer(
            IReadOnlyList<CheckInSubmission> batch, HashSet<Guid> inserted, IReadOnlyDictionary<(Guid, string), CheckIn> stored, IReadOnlySet<Guid>? again = null)
        {
            var outcomes = new CheckInOutcome?[batch.Count];
            for (var i = 0; i < batch.Count; i++)
            {
                var s = batch[i];
                if (again is not null && again.Contains(s.PersonId)) continue;
                var key = (s.PersonId, s.Payload.ClientKey);
                if (Refusals[i] is { } refusal)
                {
                    outcomes[i] = stored.TryGetValue(key, out var earlier) ? Again(earlier, s) : new(CheckInOutcomeKind.Refused, null, refusal, Codes[i]);
                    continue;
                }
                var (index, row) = Fresh[key];
                // A row found stored under this batch's own id was stored by this batch (a store tried again after its
                // connection broke, when the first attempt had committed): created, as the first attempt would have said.
                var mine = inserted.Contains(row.Id) || stored.TryGetValue(key, out var found) && found.Id == row.Id;
                outcomes[i] = mine
                    ? i == index ? new(CheckInOutcomeKind.Created, CheckInAnswer.From(row), null) : Again(row, s)
                    : Again(stored.TryGetValue(key, out var winner) ? winner : throw new InvalidOperationException("A check-in key conflicted but its row is missing."), s);
            }
            return outcomes;
        }
    }

    sealed record TraceRow(Guid PersonId, DateTime AtUtc, DateOnly Date, double? Latitude, double? Longitude, double Accuracy);

    /// <summary>The stored check-ins the suspicion rules compare each of the batch's with (see <see cref="ProbeFor"/>).
    /// A check-in may be read more than once; the rules do not count them.</summary>
    async Task<List<TraceRow>> TracesAsync(IReadOnlyList<CheckInSubmission> batch, ManageOptions o, CancellationToken ct)
    {
        var positioned = db.CheckIns.IgnoreQueryFilters().AsNoTracking().Where(c => c.Latitude != null && c.Longitude != null);
        var result = new List<TraceRow>();
        foreach (var s in batch)
        {
            var person = s.PersonId;
            var q = ProbeFor(s.Payload.AtUtc, o);
            var mine = positioned.Where(c => c.PersonId == person);
            var reads = new[]
            {
                mine.Where(c => c.AtUtc <= q.At && c.AtUtc >= q.Since).OrderByDescending(c => c.AtUtc).Take(1),
                mine.Where(c => c.AtUtc > q.At && c.AtUtc <= q.Until).OrderBy(c => c.AtUtc).Take(1),
                mine.Where(c => c.AtUtc >= q.Since && c.AtUtc < q.DayStart).OrderByDescending(c => c.AtUtc).Take(OtherDayTraces),
                mine.Where(c => c.AtUtc >= q.DayEnd && c.AtUtc <= q.Until).OrderBy(c => c.AtUtc).Take(OtherDayTraces),
            };
            foreach (var read in reads)
                result.AddRange(await read.Select(c => new TraceRow(c.PersonId, c.AtUtc, c.Date, c.Latitude, c.Longitude, c.Accuracy)).ToListAsync(ct));
        }
        return result;
    }

    static CheckInOutcome Again(CheckIn stored, CheckInSubmission s) =>
        stored.PayloadHash == s.Payload.PayloadHash
            ? new(CheckInOutcomeKind.Replayed, CheckInAnswer.From(stored), null)
            : new(CheckInOutcomeKind.KeyConflict, null, CheckInOutcome.KeyConflictMessage, CheckInRules.Codes.KeyConflict);

    /// <summary>One multi-row insert that skips keys already present; returns the ids it inserted.</summary>
    async Task<HashSet<Guid>> InsertAsync(IReadOnlyList<CheckIn> batch, CancellationToken ct)
    {
        if (batch.Count == 0) return [];
        var sql = new StringBuilder("INSERT INTO \"CheckIns\" (");
        sql.Append(string.Join(", ", Columns.Select(c => "\"" + c + "\""))).Append(") VALUES ");
        var args = new List<object?>(batch.Count * Columns.Length);
        for (var r = 0; r < batch.Count; r++)
        {
            var c = batch[r];
            if (r > 0) sql.Append(", ");
            sql.Append('(');
            for (var k = 0; k < Columns.Length; k++)
            {
                if (k > 0) sql.Append(", ");
                sql.Append('{').Append(args.Count + k).Append('}');
            }
            sql.Append(')');
            args.AddRange([
                c.Id, c.PersonId, c.PostingId, c.VillageId, c.ClientKey, c.PayloadHash, c.AtUtc, c.Date, c.ReceivedAtUtc,
                c.Latitude, c.Longitude, c.Accuracy, c.DistanceMetres, c.OnPost, c.Late, c.Reason, (int)c.Flags, c.RegionPath,
            ]);
        }
        sql.Append(" ON CONFLICT (\"PersonId\", \"ClientKey\") DO NOTHING RETURNING \"Id\" AS \"Value\"");
        var ids = await db.Database.SqlQueryRaw<Guid>(sql.ToString(), args.ToArray()!).ToListAsync(ct);
        return [.. ids];
    }

    static readonly string[] AuditColumns = ["Id", "AtUtc", "UserId", "UserName", "Event", "ObjectType", "ObjectId", "Result", "ClientAddress", "After"];

    /// <summary>The audit rows in one multi-row insert, inside the batch's transaction (append-only, like every audit row).</summary>
    async Task InsertAuditAsync(IReadOnlyList<AuditEntry> entries, CancellationToken ct)
    {
        if (entries.Count == 0) return;
        var sql = new StringBuilder("INSERT INTO \"AuditEntries\" (");
        sql.Append(string.Join(", ", AuditColumns.Select(c => "\"" + c + "\""))).Append(") VALUES ");
        var args = new List<object?>(entries.Count * AuditColumns.Length);
        for (var r = 0; r < entries.Count; r++)
        {
            var a = entries[r];
            if (r > 0) sql.Append(", ");
            sql.Append('(');
            for (var k = 0; k < AuditColumns.Length; k++)
            {
                if (k > 0) sql.Append(", ");
                sql.Append('{').Append(args.Count + k).Append('}');
            }
            sql.Append(')');
            args.AddRange([a.Id, a.AtUtc, a.UserId, a.UserName, a.Event, a.ObjectType, a.ObjectId, a.Result, a.ClientAddress, a.After]);
        }
        await db.Database.ExecuteSqlRawAsync(sql.ToString(), args.ToArray()!, ct);
    }

    internal static AuditEntry AuditRow(CheckInSubmission s, CheckIn c) => new()
    {
        AtUtc = s.ReceivedAtUtc,
        UserId = s.UserId,
        UserName = s.UserName,
        ClientAddress = s.ClientAddress,
        Event = AuditEvents.Create,
        ObjectType = nameof(CheckIn),
        ObjectId = c.Id.ToString(),
        // The precise position is personal information kept only in the check-in itself (and only as long as the policy
        // says): the trail records the rest.
        After = JsonSerializer.Serialize(new Dictionary<string, string?>
        {
            ["ClientKey"] = c.ClientKey,
            ["AtUtc"] = c.AtUtc.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            ["Latitude"] = "****",
            ["Longitude"] = "****",
            ["Accuracy"] = c.Accuracy.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
            ["DistanceMetres"] = c.DistanceMetres.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["OnPost"] = c.OnPost ? "True" : "False",
            ["Late"] = c.Late ? "True" : "False",
            ["Flags"] = c.Flags.ToString(),
            ["Reason"] = c.Reason,
            ["VillageId"] = c.VillageId.ToString(),
        }, AuditJson),
    };
}
