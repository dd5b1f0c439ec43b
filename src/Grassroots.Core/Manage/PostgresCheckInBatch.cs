using Grassroots.Audit;
using Grassroots.Data;
using Grassroots.Dispatch;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace Grassroots.Manage;

/// <summary>
/// A batch of check-ins on PostgreSQL in two round trips: one for what the rules need (the accounts the tokens name,
/// the cadres' active postings, their recent check-ins — three statements sent together), and one statement that
/// writes everything the batch stores: the check-ins (<c>INSERT … ON CONFLICT (PersonId, ClientKey) DO NOTHING</c>),
/// their months' day bits (<see cref="CheckInMonth"/>) and their audit rows, each derived from the rows the insert
/// actually stored. One statement is one transaction: all of it commits or none, and the answers go out after it
/// returned, i.e. after COMMIT. Keys that were already stored (resends, or another writer's commit a moment ago) are
/// then read once, as on SQLite.
/// </summary>
/// <remarks>
/// The statements' text never depends on the batch (the rows travel as arrays, unnested by the server), so each is
/// prepared once per connection and PostgreSQL neither parses nor plans it again. The rules themselves — accounts,
/// posting, fence, suspicion, idempotency — are <see cref="CheckInBatchWriter"/>'s, shared with SQLite.
/// </remarks>
internal static class PostgresCheckInBatch
{
    const string AccountsSql = """
        SELECT u."Id", u."UserName", u."PersonId", u."IsDisabled", u."LockoutEnd", u."SecurityStamp",
               EXISTS (SELECT 1 FROM "AspNetUserRoles" ur JOIN "AspNetRoles" r ON r."Id" = ur."RoleId"
                       WHERE ur."UserId" = u."Id" AND r."Name" = $2)
        FROM "AspNetUsers" u
        WHERE u."Id" = ANY($1)
        """;

    /// <summary>The batch's people: those named directly and those of the accounts the tokens name.</summary>
    const string PersonsSql = """
        SELECT unnest($1::uuid[]) UNION SELECT "PersonId" FROM "AspNetUsers" WHERE "Id" = ANY($2) AND "PersonId" IS NOT NULL
        """;

    const string PostingsSql = $"""
        SELECT p."PersonId", p."Id", p."VillageId", v."Name", p."RegionPath", v."Latitude", v."Longitude"
        FROM "Postings" p JOIN "Villages" v ON v."Id" = p."VillageId"
        WHERE p."Status" = $3 AND p."PersonId" IN ({PersonsSql})
        ORDER BY p."StartDate"
        """;

    /// <summary>Each cadre's latest check-ins in the window: one index scan per cadre on (PersonId, AtUtc).</summary>
    // Per check-in of the batch (its cadre named, or its account's): the reads of CheckInBatchWriter.ProbeFor.
    const string Positioned = """
        FROM "CheckIns" AS x WHERE x."PersonId" = s.person AND x."Latitude" IS NOT NULL AND x."Longitude" IS NOT NULL
        """;

    const string TracesSql = $"""
        SELECT c.* FROM (
            SELECT coalesce(s.person, u."PersonId") AS person, s.at, s.since, s.until, s.day_start, s.day_end
            FROM unnest($1::uuid[], $2::uuid[], $3::timestamptz[], $4::timestamptz[], $5::timestamptz[], $6::timestamptz[], $7::timestamptz[])
                AS s(person, user_id, at, since, until, day_start, day_end)
            LEFT JOIN "AspNetUsers" u ON u."Id" = s.user_id) AS s
        CROSS JOIN LATERAL (
            (SELECT x."PersonId", x."AtUtc", x."Date", x."Latitude", x."Longitude", x."Accuracy" {Positioned}
                AND x."AtUtc" <= s.at AND x."AtUtc" >= s.since ORDER BY x."AtUtc" DESC LIMIT 1)
            UNION ALL
            (SELECT x."PersonId", x."AtUtc", x."Date", x."Latitude", x."Longitude", x."Accuracy" {Positioned}
                AND x."AtUtc" > s.at AND x."AtUtc" <= s.until ORDER BY x."AtUtc" LIMIT 1)
            UNION ALL
            (SELECT x."PersonId", x."AtUtc", x."Date", x."Latitude", x."Longitude", x."Accuracy" {Positioned}
                AND x."AtUtc" >= s.since AND x."AtUtc" < s.day_start ORDER BY x."AtUtc" DESC LIMIT $8)
            UNION ALL
            (SELECT x."PersonId", x."AtUtc", x."Date", x."Latitude", x."Longitude", x."Accuracy" {Positioned}
                AND x."AtUtc" >= s.day_end AND x."AtUtc" <= s.until ORDER BY x."AtUtc" LIMIT $8)
        ) AS c
        """;

    const string WriteSql = """
        WITH ins AS (
            INSERT INTO "CheckIns" ("Id", "PersonId", "PostingId", "VillageId", "ClientKey", "PayloadHash", "AtUtc", "Date",
                "ReceivedAtUtc", "Latitude", "Longitude", "Accuracy", "DistanceMetres", "OnPost", "Late", "Reason", "Flags", "RegionPath")
            SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::text[], $6::text[], $7::timestamptz[],
                $8::date[], $9::timestamptz[], $10::float8[], $11::float8[], $12::float8[], $13::int[], $14::bool[], $15::bool[],
                $16::text[], $17::int[], $18::text[])
            ON CONFLICT ("PersonId", "ClientKey") DO NOTHING
            RETURNING "Id", "PersonId", "Date", "OnPost", "AtUtc", "RegionPath"
        ), months AS (
            INSERT INTO "CheckInMonths" ("PersonId", "Month", "RegionPath", "CheckInDays", "OnPostDays")
            SELECT "PersonId", date_trunc('month', "Date")::date, (array_agg("RegionPath" ORDER BY "AtUtc" DESC))[1],
                   bit_or(1 << (extract(day FROM "Date")::int - 1)),
                   coalesce(bit_or(1 << (extract(day FROM "Date")::int - 1)) FILTER (WHERE "OnPost"), 0)
            FROM ins
            GROUP BY 1, 2
            ORDER BY 1, 2
            ON CONFLICT ("PersonId", "Month") DO UPDATE SET "RegionPath" = excluded."RegionPath",
                "CheckInDays" = "CheckInMonths"."CheckInDays" | excluded."CheckInDays",
                "OnPostDays" = "CheckInMonths"."OnPostDays" | excluded."OnPostDays"
        ), audit AS (
            INSERT INTO "AuditEntries" ("Id", "AtUtc", "UserId", "UserName", "Event", "ObjectType", "ObjectId", "Result", "ClientAddress", "After")
            SELECT a.id, a.at, a.user_id, a.user_name, $19, $20, ins."Id"::text, $21, a.client, a.after
            FROM unnest($22::uuid[], $23::uuid[], $24::timestamptz[], $25::uuid[], $26::text[], $27::text[], $28::text[])
                AS a(check_in, id, at, user_id, user_name, client, after)
            JOIN ins ON ins."Id" = a.check_in
        )
        SELECT "Id" FROM ins
        """;

    const string StoredSql = """
        SELECT "Id", "PersonId", "PostingId", "VillageId", "ClientKey", "PayloadHash", "AtUtc", "Date", "ReceivedAtUtc",
               "Latitude", "Longitude", "Accuracy", "DistanceMetres", "OnPost", "Late", "Reason", "Flags", "RegionPath"
        FROM "CheckIns" c
        JOIN unnest($1::uuid[], $2::text[]) AS k(person, key) ON c."PersonId" = k.person AND c."ClientKey" = k.key
        """;

    /// <summary>Writes the batch through a context's connection (opened and closed here).</summary>
    public static async Task<IReadOnlyList<CheckInOutcome>> WriteAsync(GrassrootsDb db, IReadOnlyList<CheckInSubmission> batch, ManageOptions o, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            return await WriteAsync((NpgsqlConnection)db.Database.GetDbConnection(), batch, o, ct);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>Writes the batch through a pooled connection of <paramref name="source"/>: no context, no scope.</summary>
    public static async Task<IReadOnlyList<CheckInOutcome>> WriteAsync(NpgsqlDataSource source, IReadOnlyList<CheckInSubmission> batch, ManageOptions o, CancellationToken ct)
    {
        await using var connection = await source.OpenConnectionAsync(ct);
        return await WriteAsync(connection, batch, o, ct);
    }

    static async Task<IReadOnlyList<CheckInOutcome>> WriteAsync(NpgsqlConnection connection, IReadOnlyList<CheckInSubmission> batch, ManageOptions o, CancellationToken ct) =>
        await StoreAsync(connection, await JudgeAsync(connection, batch, [], o, ct), ct);

    /// <summary>
    /// A batch read and judged, not yet stored: the answers decided without storing (accounts refused), the check-ins
    /// that go on, what the rules made of them, and the rows to insert.
    /// </summary>
    public sealed record Judged(
        CheckInOutcome?[] Outcomes, List<(int Index, CheckInSubmission Submission)> Checked, List<CheckInSubmission> Submissions,
        CheckInBatchWriter.BatchJudgement? Judgement)
    {
        /// <summary>The rows this batch will insert, as traces for a batch judged while this one is being stored.</summary>
        public IEnumerable<(Guid PersonId, CheckInTrace Trace)> Rows =>
            Judgement is null ? [] : Judgement.Fresh.Values.Select(f => (f.Row.PersonId, new CheckInTrace(f.Row.AtUtc, f.Row.Date, f.Row.Latitude, f.Row.Longitude, f.Row.Accuracy)));
    }

    /// <summary>
    /// Round trip 1 and the rules: the accounts, postings and recent check-ins, read together, then every check-in judged.
    /// <paramref name="inFlight"/> are rows of an earlier batch still being stored (so perhaps not yet visible): the
    /// suspicion rules see them as the cadre's check-ins too. Were that batch to fail, they would only have coloured
    /// this batch's flags; a resend of one of its keys is answered from the stored row when this batch is stored.
    /// </summary>
    public static async Task<Judged> JudgeAsync(
        NpgsqlConnection connection, IReadOnlyList<CheckInSubmission> batch, IEnumerable<(Guid PersonId, CheckInTrace Trace)> inFlight, ManageOptions o, CancellationToken ct)
    {
        var users = batch.Where(b => b.AccountUnchecked && b.UserId is not null).Select(b => b.UserId!.Value).Distinct().ToArray();
        var named = batch.Where(b => !b.AccountUnchecked).Select(b => b.PersonId).Distinct().ToArray();
        var probes = batch.Select(b => CheckInBatchWriter.ProbeFor(b.Payload.AtUtc, o)).ToArray();

        var accounts = new Dictionary<Guid, CheckInBatchWriter.BatchAccount>();
        var postings = new Dictionary<Guid, CheckInPost>();
        var traces = new Dictionary<Guid, List<CheckInTrace>>();
        await using (var read = new NpgsqlBatch(connection))
        {
            read.BatchCommands.Add(Command(AccountsSql, Param(users), Param(Security.Roles.Cadre)));
            read.BatchCommands.Add(Command(PostingsSql, Param(named), Param(users), Param((int)PostingStatus.Active)));
            read.BatchCommands.Add(Command(TracesSql,
                Param(batch.Select(b => b.AccountUnchecked ? (Guid?)null : b.PersonId).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Uuid),
                Param(batch.Select(b => b.AccountUnchecked ? b.UserId : null).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Uuid),
                Param(probes.Select(p => p.At).ToArray()), Param(probes.Select(p => p.Since).ToArray()),
                Param(probes.Select(p => p.Until).ToArray()), Param(probes.Select(p => p.DayStart).ToArray()),
                Param(probes.Select(p => p.DayEnd).ToArray()), Param(CheckInBatchWriter.OtherDayTraces)));
            await read.PrepareAsync(ct);
            await using var r = await read.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                var id = r.GetGuid(0);
                accounts[id] = new(id, r.IsDBNull(1) ? null : r.GetString(1), r.IsDBNull(2) ? null : r.GetGuid(2), r.GetBoolean(3),
                    r.IsDBNull(4) ? null : r.GetFieldValue<DateTimeOffset>(4), r.IsDBNull(5) ? null : r.GetString(5), r.GetBoolean(6));
            }
            await r.NextResultAsync(ct);
            while (await r.ReadAsync(ct)) // ordered by start date: the latest active posting wins
                postings[r.GetGuid(0)] = new(r.GetGuid(1), r.GetGuid(2), r.GetString(3), r.GetString(4), r.GetDouble(5), r.GetDouble(6));
            await r.NextResultAsync(ct);
            while (await r.ReadAsync(ct))
            {
                var person = r.GetGuid(0);
                if (!traces.TryGetValue(person, out var list)) traces[person] = list = [];
                list.Add(new(r.GetDateTime(1), r.GetFieldValue<DateOnly>(2), r.IsDBNull(3) ? null : r.GetDouble(3),
                    r.IsDBNull(4) ? null : r.GetDouble(4), r.GetDouble(5)));
            }
        }

        foreach (var (person, trace) in inFlight)
        {
            if (!traces.TryGetValue(person, out var list)) traces[person] = list = [];
            list.Add(trace);
        }
        var (outcomes, checkedBatch) = CheckInBatchWriter.CheckAccounts(batch, accounts);
        var submissions = checkedBatch.Select(c => c.Submission).ToList();
        return new(outcomes, checkedBatch, submissions, submissions.Count > 0 ? CheckInBatchWriter.Judge(submissions, postings, traces, o) : null);
    }

    /// <summary>
    /// Round trip 2 (and a third only for keys already stored): the rows, their months and their audit rows in one
    /// statement — one transaction — then every check-in's answer. Nothing is answered before that statement returned.
    /// </summary>
    public static async Task<IReadOnlyList<CheckInOutcome>> StoreAsync(NpgsqlConnection connection, Judged batch, CancellationToken ct)
    {
        var (outcomes, checkedBatch, submissions, judged) = batch;
        if (judged is not null)
        {
            var rows = judged.Fresh.Values.Select(f => f.Row).ToList();

            // Round trip 2: the rows, their months and their audit rows, in one statement (one transaction).
            var inserted = new HashSet<Guid>();
            if (rows.Count > 0)
            {
                var audit = judged.Fresh.Values.Select(f => (f.Row.Id, Entry: CheckInBatchWriter.AuditRow(submissions[f.Index], f.Row))).ToList();
                await using var write = new NpgsqlCommand(WriteSql, connection);
                write.Parameters.AddRange(new NpgsqlParameter[]
                {
                    Param(rows.Select(c => c.Id).ToArray()), Param(rows.Select(c => c.PersonId).ToArray()),
                    Param(rows.Select(c => c.PostingId).ToArray()), Param(rows.Select(c => c.VillageId).ToArray()),
                    Param(rows.Select(c => c.ClientKey).ToArray()), Param(rows.Select(c => c.PayloadHash).ToArray()),
                    Param(rows.Select(c => DateTime.SpecifyKind(c.AtUtc, DateTimeKind.Utc)).ToArray()), Param(rows.Select(c => c.Date).ToArray()),
                    Param(rows.Select(c => DateTime.SpecifyKind(c.ReceivedAtUtc, DateTimeKind.Utc)).ToArray()),
                    Param(rows.Select(c => c.Latitude).ToArray()), Param(rows.Select(c => c.Longitude).ToArray()),
                    Param(rows.Select(c => c.Accuracy).ToArray()), Param(rows.Select(c => c.DistanceMetres).ToArray()),
                    Param(rows.Select(c => c.OnPost).ToArray()), Param(rows.Select(c => c.Late).ToArray()),
                    Param(rows.Select(c => c.Reason).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text),
                    Param(rows.Select(c => (int)c.Flags).ToArray()), Param(rows.Select(c => c.RegionPath).ToArray()),
                    Param(AuditEvents.Create), Param(nameof(CheckIn)), Param(AuditResults.Success),
                    Param(audit.Select(a => a.Id).ToArray()), Param(audit.Select(a => a.Entry.Id).ToArray()),
                    Param(audit.Select(a => DateTime.SpecifyKind(a.Entry.AtUtc, DateTimeKind.Utc)).ToArray()),
                    Param(audit.Select(a => a.Entry.UserId).ToArray()),
                    Param(audit.Select(a => a.Entry.UserName).ToArray()),
                    Param(audit.Select(a => a.Entry.ClientAddress).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text),
                    Param(audit.Select(a => a.Entry.After).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text),
                });
                await write.PrepareAsync(ct);
                await using var r = await write.ExecuteReaderAsync(ct);
                while (await r.ReadAsync(ct)) inserted.Add(r.GetGuid(0));
            }

            var lookup = judged.LookupKeys(submissions, inserted);
            var stored = new Dictionary<(Guid, string), CheckIn>();
            if (lookup.Count > 0)
            {
                await using var read = new NpgsqlCommand(StoredSql, connection);
                read.Parameters.Add(Param(lookup.Select(k => k.Item1).ToArray()));
                read.Parameters.Add(Param(lookup.Select(k => k.Item2).ToArray()));
                await using var r = await read.ExecuteReaderAsync(ct);
                while (await r.ReadAsync(ct))
                {
                    var c = ReadCheckIn(r);
                    stored[(c.PersonId, c.ClientKey)] = c;
                }
            }
            var written = judged.Answer(submissions, inserted, stored);
            for (var k = 0; k < checkedBatch.Count; k++) outcomes[checkedBatch[k].Index] = written[k];
        }
        return [.. outcomes.Select(x => x!)];
    }

    static CheckIn ReadCheckIn(NpgsqlDataReader r) => new()
    {
        Id = r.GetGuid(0),
        PersonId = r.GetGuid(1),
        PostingId = r.GetGuid(2),
        VillageId = r.GetGuid(3),
        ClientKey = r.GetString(4),
        PayloadHash = r.GetString(5),
        AtUtc = r.GetDateTime(6),
        Date = r.GetFieldValue<DateOnly>(7),
        ReceivedAtUtc = r.GetDateTime(8),
        Latitude = r.IsDBNull(9) ? null : r.GetDouble(9),
        Longitude = r.IsDBNull(10) ? null : r.GetDouble(10),
        Accuracy = r.GetDouble(11),
        DistanceMetres = r.GetInt32(12),
        OnPost = r.GetBoolean(13),
        Late = r.GetBoolean(14),
        Reason = r.IsDBNull(15) ? null : r.GetString(15),
        Flags = (CheckInFlags)r.GetInt32(16),
        RegionPath = r.GetString(17),
    };

    static NpgsqlBatchCommand Command(string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddRange(parameters);
        return command;
    }

    static NpgsqlParameter<T> Param<T>(T value) => new() { TypedValue = value };

    static NpgsqlParameter Param(object value, NpgsqlDbType type) => new() { Value = value, NpgsqlDbType = type };
}
