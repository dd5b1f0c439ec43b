using Grassroots.Audit;
using Grassroots.Data;
using Grassroots.Dispatch;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace Grassroots.Manage;

/// <summary>
/// A batch of check-ins on PostgreSQL. Judging: cadres the writer already knows for the day (<see cref="CadreDay"/>)
/// are judged with no read; the others are read in one round trip first (three statements sent together), and what
/// knowledge cannot judge exactly goes to the database's probes (the accounts, postings and suspicion reads of
/// <see cref="CheckInBatchWriter.ProbeFor"/>). Storing: one statement that writes everything the batch stores — the
/// check-ins (<c>INSERT … ON CONFLICT (PersonId, ClientKey) DO NOTHING</c>), their months (<see cref="CheckInMonth"/>)
/// and their audit rows, each derived from the rows the insert actually stored — after checking, for rows judged from
/// knowledge, that the database still agrees (<see cref="WriteSql"/>). One statement is one transaction: all of it
/// commits or none, and the answers go out after it returned, i.e. after COMMIT. Keys that were already stored
/// (resends, or another writer's commit a moment ago) are then read once, as on SQLite.
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

    /// <summary>
    /// Stores a batch in one statement. Rows judged from the writer's knowledge (<c>guarded</c>) go in only if the
    /// database still agrees with what they were judged from: the account (stamp, name, person, not disabled or locked,
    /// still a cadre), the posting (active, same region) and its village's position, and the number of the cadre's
    /// check-ins in each month the rules look at ($37–$39). The rows of a cadre that fails are returned as not stored
    /// (<c>false</c>) and judged again from a fresh read.
    /// </summary>
    const string WriteSql = """
        WITH s AS (
            SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::text[], $6::text[], $7::timestamptz[],
                $8::date[], $9::timestamptz[], $10::float8[], $11::float8[], $12::float8[], $13::int[], $14::bool[], $15::bool[],
                $16::text[], $17::int[], $18::text[], $29::bool[], $30::uuid[], $31::text[], $32::text[], $33::float8[], $34::float8[])
                AS s(id, person, posting, village, client_key, payload_hash, at, date, received, lat, lon, accuracy, distance,
                     on_post, late, reason, flags, region, guarded, user_id, stamp, user_name, village_lat, village_lon)
        ), stale AS (
            SELECT DISTINCT e.person
            FROM unnest($37::uuid[], $38::date[], $39::int[]) AS e(person, month, n)
            LEFT JOIN "CheckInMonths" m ON m."PersonId" = e.person AND m."Month" = e.month
            WHERE coalesce(m."CheckIns", 0) <> e.n
        ), ok AS (
            -- One index probe per row for its posting and village and one for its account (LIMIT 1 keeps them probes
            -- whatever the size of the tables), none for rows judged from a fresh read.
            SELECT s.* FROM s
            LEFT JOIN LATERAL (
                SELECT true AS agrees FROM "Postings" p JOIN "Villages" v ON v."Id" = p."VillageId"
                WHERE s.guarded AND p."Id" = s.posting AND p."Status" = $35 AND p."RegionPath" = s.region
                  AND v."Latitude" = s.village_lat AND v."Longitude" = s.village_lon
                LIMIT 1) AS posting ON true
            LEFT JOIN LATERAL (
                SELECT true AS agrees FROM "AspNetUsers" u
                WHERE s.guarded AND u."Id" = s.user_id AND u."PersonId" = s.person AND u."SecurityStamp" IS NOT DISTINCT FROM s.stamp
                  AND u."UserName" IS NOT DISTINCT FROM s.user_name AND NOT u."IsDisabled"
                  AND (u."LockoutEnd" IS NULL OR u."LockoutEnd" <= s.received)
                  AND EXISTS (SELECT 1 FROM "AspNetUserRoles" ur JOIN "AspNetRoles" r ON r."Id" = ur."RoleId"
                              WHERE ur."UserId" = s.user_id AND r."Name" = $36)
                LIMIT 1) AS account ON true
            WHERE NOT s.guarded
               OR posting.agrees AND (s.user_id IS NULL OR account.agrees) AND NOT EXISTS (SELECT 1 FROM stale WHERE stale.person = s.person)
               -- stored under this very id by an earlier attempt of this store (its connection broke after the commit)
               OR EXISTS (SELECT 1 FROM "CheckIns" c WHERE c."Id" = s.id)
        ), ins AS (
            INSERT INTO "CheckIns" ("Id", "PersonId", "PostingId", "VillageId", "ClientKey", "PayloadHash", "AtUtc", "Date",
                "ReceivedAtUtc", "Latitude", "Longitude", "Accuracy", "DistanceMetres", "OnPost", "Late", "Reason", "Flags", "RegionPath")
            SELECT id, person, posting, village, client_key, payload_hash, at, date, received, lat, lon, accuracy, distance,
                   on_post, late, reason, flags, region
            FROM ok
            ON CONFLICT ("PersonId", "ClientKey") DO NOTHING
            RETURNING "Id", "PersonId", "Date", "OnPost", "AtUtc", "RegionPath"
        ), months AS (
            INSERT INTO "CheckInMonths" ("PersonId", "Month", "RegionPath", "CheckInDays", "OnPostDays", "CheckIns")
            SELECT "PersonId", date_trunc('month', "Date")::date, (array_agg("RegionPath" ORDER BY "AtUtc" DESC))[1],
                   bit_or(1 << (extract(day FROM "Date")::int - 1)),
                   coalesce(bit_or(1 << (extract(day FROM "Date")::int - 1)) FILTER (WHERE "OnPost"), 0),
                   count(*)
            FROM ins
            GROUP BY 1, 2
            ORDER BY 1, 2
            ON CONFLICT ("PersonId", "Month") DO UPDATE SET "RegionPath" = excluded."RegionPath",
                "CheckInDays" = "CheckInMonths"."CheckInDays" | excluded."CheckInDays",
                "OnPostDays" = "CheckInMonths"."OnPostDays" | excluded."OnPostDays",
                "CheckIns" = "CheckInMonths"."CheckIns" + excluded."CheckIns"
        ), audit AS (
            INSERT INTO "AuditEntries" ("Id", "AtUtc", "UserId", "UserName", "Event", "ObjectType", "ObjectId", "Result", "ClientAddress", "After")
            SELECT a.id, a.at, a.user_id, a.user_name, $19, $20, ins."Id"::text, $21, a.client, a.after
            FROM unnest($22::uuid[], $23::uuid[], $24::timestamptz[], $25::uuid[], $26::text[], $27::text[], $28::text[])
                AS a(check_in, id, at, user_id, user_name, client, after)
            JOIN ins ON ins."Id" = a.check_in
        )
        SELECT "Id", true FROM ins
        UNION ALL
        SELECT s.id, false FROM s WHERE NOT EXISTS (SELECT 1 FROM ok WHERE ok.id = s.id)
        """;

    /// <summary>
    /// The knowledge of cadres the writer does not know yet (or not for this day), in one round trip: their accounts and
    /// postings; then their month counts; then their check-ins — the counts read before the check-ins, so a check-in
    /// committed in between can only make the store find the counts changed (and judge again), never pass unseen.
    /// </summary>
    const string LoadKeys = """
        SELECT k.key, coalesce(k.person, (SELECT u."PersonId" FROM "AspNetUsers" u WHERE u."Id" = k.user_id)) AS person,
               k.since, k.day_start, k.first_month, k.last_month
        FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::timestamptz[], $5::timestamptz[], $6::date[], $7::date[])
            AS k(key, user_id, person, since, day_start, first_month, last_month)
        """;

    const string LoadCadresSql = $"""
        SELECT k.key, u."UserName", u."PersonId", u."IsDisabled", u."LockoutEnd", u."SecurityStamp", u.cadre, u."Id" IS NOT NULL,
               p."Id", p."VillageId", p."Name", p."RegionPath", p."Latitude", p."Longitude"
        FROM unnest($1::uuid[], $2::uuid[], $3::uuid[]) AS k(key, user_id, person)
        LEFT JOIN LATERAL (
            SELECT u."Id", u."UserName", u."PersonId", u."IsDisabled", u."LockoutEnd", u."SecurityStamp",
                   EXISTS (SELECT 1 FROM "AspNetUserRoles" ur JOIN "AspNetRoles" r ON r."Id" = ur."RoleId"
                           WHERE ur."UserId" = u."Id" AND r."Name" = $4) AS cadre
            FROM "AspNetUsers" u WHERE u."Id" = k.user_id LIMIT 1) AS u ON true
        LEFT JOIN LATERAL (
            SELECT p."Id", p."VillageId", v."Name", p."RegionPath", v."Latitude", v."Longitude"
            FROM "Postings" p JOIN "Villages" v ON v."Id" = p."VillageId"
            WHERE p."PersonId" = coalesce(k.person, u."PersonId") AND p."Status" = $5
            ORDER BY p."StartDate" DESC LIMIT 1) AS p ON true
        """;

    const string LoadMonthsSql = $"""
        SELECT k.key, m."Month", m."CheckIns"
        FROM ({LoadKeys}) AS k
        JOIN "CheckInMonths" m ON m."PersonId" = k.person AND m."Month" >= k.first_month AND m."Month" <= k.last_month
        """;

    const string LoadTracesSql = $"""
        SELECT k.key, false, t.* FROM ({LoadKeys}) AS k
        CROSS JOIN LATERAL (SELECT x."AtUtc", x."Date", x."Latitude", x."Longitude", x."Accuracy"
            FROM "CheckIns" AS x WHERE x."PersonId" = k.person AND x."Latitude" IS NOT NULL AND x."Longitude" IS NOT NULL
              AND x."AtUtc" >= k.since AND x."AtUtc" < k.day_start ORDER BY x."AtUtc" DESC LIMIT $8) AS t
        UNION ALL
        SELECT k.key, true, t.* FROM ({LoadKeys}) AS k
        CROSS JOIN LATERAL (SELECT x."AtUtc", x."Date", x."Latitude", x."Longitude", x."Accuracy"
            FROM "CheckIns" AS x WHERE x."PersonId" = k.person AND x."Latitude" IS NOT NULL AND x."Longitude" IS NOT NULL
              AND x."AtUtc" >= k.day_start ORDER BY x."AtUtc" DESC LIMIT $9) AS t
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
            var connection = (NpgsqlConnection)db.Database.GetDbConnection();
            return await StoreAsync(connection, await JudgeAsync(connection, batch, o, ct), ct);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>
    /// A batch read and judged, not yet stored: the answers decided without storing (accounts refused), the check-ins
    /// that go on, what the rules made of them, and the rows to insert.
    /// </summary>
    public sealed record Judged(
        CheckInOutcome?[] Outcomes, List<(int Index, CheckInSubmission Submission)> Checked, List<CheckInSubmission> Submissions,
        CheckInBatchWriter.BatchJudgement? Judgement)
    {
        /// <summary>What each row judged from the writer's knowledge was judged from, by row id (the store checks it).</summary>
        public Dictionary<Guid, RowGuard> Guards { get; init; } = [];
        /// <summary>The month counts (<see cref="CheckInMonth.CheckIns"/>) those rows were judged with, per cadre.</summary>
        public List<(Guid Person, DateOnly Month, int Count)> Expected { get; init; } = [];
        /// <summary>The knowledge each judged cadre's rows came from (person → key): forgotten when a row is not stored.</summary>
        public Dictionary<Guid, Guid> KnowledgeKeys { get; init; } = [];
    }

    /// <summary>What a row judged from knowledge assumed of its account (none for a check-in submitted for a person) and village.</summary>
    public readonly record struct RowGuard(Guid? UserId, string? Stamp, string? UserName, double VillageLatitude, double VillageLongitude);

    /// <summary>
    /// A stored batch: every check-in's answer, except those of <see cref="Again"/> — cadres whose rows the database
    /// refused because it no longer agreed with the knowledge they were judged from; they are judged again. <see cref="NotStored"/>:
    /// cadres with a row that did not go in (those, or a key stored before), whose knowledge is forgotten.
    /// </summary>
    public sealed record Stored(CheckInOutcome?[] Outcomes, HashSet<Guid> Again, HashSet<Guid> NotStored);

    static Guid KeyOf(CheckInSubmission s) => s.AccountUnchecked ? s.UserId ?? Guid.Empty : s.PersonId;

    /// <summary>
    /// Judges a batch from the writer's knowledge of its cadres (<see cref="CadreDay"/>), reading first — in one round
    /// trip — only the cadres it does not know for the check-in's day. A cadre's check-ins that the knowledge cannot
    /// judge exactly — several days in one batch, a late upload before what is kept, a refusal or an account refused by
    /// knowledge that may be old — are judged from the database's probes (<see cref="Judge(NpgsqlConnection, IReadOnlyList{CheckInSubmission}, ManageOptions)"/>),
    /// and their cadre's knowledge is forgotten. The knowledge takes in the rows accepted here at once. Synchronous: the
    /// writer runs on a thread of its own (see <see cref="CheckInWriter"/>).
    /// </summary>
    public static Judged Judge(NpgsqlConnection connection, IReadOnlyList<CheckInSubmission> batch, CadreKnowledge knowledge, ManageOptions o)
    {
        var byKey = new Dictionary<Guid, List<int>>();
        var slow = new List<int>();
        for (var i = 0; i < batch.Count; i++)
        {
            var s = batch[i];
            if (s.AccountUnchecked && s.UserId is null) { slow.Add(i); continue; }
            var key = KeyOf(s);
            if (!byKey.TryGetValue(key, out var list)) byKey[key] = list = [];
            list.Add(i);
        }

        var load = new List<(Guid Key, Guid? User, Guid? Person, DateOnly Day)>();
        foreach (var (key, indices) in byKey)
        {
            var days = indices.Select(i => CheckInRules.ChinaDate(batch[i].Payload.AtUtc)).Distinct().ToList();
            if (days.Count > 1)
            {
                knowledge.Forget(key);
                slow.AddRange(indices);
                byKey.Remove(key);
                continue;
            }
            var known = knowledge.Get(key);
            if (known is null || !indices.All(i => known.Covers(batch[i].Payload.AtUtc)))
            {
                var s = batch[indices[0]];
                load.Add((key, s.AccountUnchecked ? s.UserId : null, s.AccountUnchecked ? null : s.PersonId, days[0]));
            }
        }
        var fresh = new HashSet<Guid>();
        if (load.Count > 0)
            foreach (var (key, day) in Sync(LoadAsync(false, connection, load, o, CancellationToken.None)))
            {
                knowledge.Set(key, day);
                fresh.Add(key);
            }

        var outcomes = new CheckInOutcome?[batch.Count];
        var fastIndex = new List<int>();
        var fastSubs = new List<CheckInSubmission>();
        var refusals = new List<string?>();
        var codes = new List<string?>();
        var rows = new Dictionary<(Guid, string), (int Index, CheckIn Row)>();
        var guards = new Dictionary<Guid, RowGuard>();
        var expected = new List<(Guid, DateOnly, int)>();
        var keys = new Dictionary<Guid, Guid>();
        foreach (var (key, indices) in byKey.OrderBy(k => k.Value[0]))
        {
            var known = knowledge.Get(key);
            var isFresh = fresh.Contains(key);
            if (known is null || !indices.All(i => known.Covers(batch[i].Payload.AtUtc)))
            {
                knowledge.Forget(key);
                slow.AddRange(indices);
                continue;
            }
            // The account rules, from the knowledge: final when just read, else judged again from a fresh read.
            var accounts = known.Account is { } a ? new Dictionary<Guid, CheckInBatchWriter.BatchAccount> { [a.Id] = a } : [];
            var (accountOutcomes, checkedSubs) = CheckInBatchWriter.CheckAccounts([.. indices.Select(i => batch[i])], accounts);
            if (accountOutcomes.Any(x => x is not null) && !isFresh || checkedSubs.Any(c => c.Submission.PersonId != known.PersonId))
            {
                knowledge.Forget(key);
                slow.AddRange(indices);
                continue;
            }
            for (var k = 0; k < indices.Count; k++)
                if (accountOutcomes[k] is { } refused) outcomes[indices[k]] = refused;

            var before = known.Months.Select(m => (known.PersonId, m.Key, m.Value)).ToList();
            var mine = new List<(int Index, CheckInSubmission Sub, string? Refusal, string? Code, CheckIn? Row)>();
            var goesSlow = false;
            foreach (var (k, s) in checkedSubs)
            {
                var index = indices[k];
                if (mine.Any(m => m.Row is not null && m.Sub.Payload.ClientKey == s.Payload.ClientKey))
                {
                    mine.Add((index, s, null, null, null)); // answered from the row that wins
                    continue;
                }
                var verdict = CheckInRules.Judge(s.Payload, known.Post, s.ReceivedAtUtc, known.Probe(s.Payload.AtUtc, o), o);
                if (verdict.Refusal is { } refusal)
                {
                    if (!isFresh) { goesSlow = true; break; }
                    mine.Add((index, s, refusal, verdict.RefusalCode, null));
                    continue;
                }
                var row = CheckInBatchWriter.NewRow(s, known.Post!, verdict);
                known.Add(new CheckInTrace(row.AtUtc, row.Date, row.Latitude, row.Longitude, row.Accuracy));
                mine.Add((index, s, null, null, row));
            }
            if (goesSlow)
            {
                knowledge.Forget(key);
                slow.AddRange(indices);
                continue;
            }
            foreach (var (index, s, refusal, code, row) in mine)
            {
                fastIndex.Add(index);
                fastSubs.Add(s);
                refusals.Add(refusal);
                codes.Add(code);
                if (row is null) continue;
                rows[(s.PersonId, s.Payload.ClientKey)] = (fastSubs.Count - 1, row);
                guards[row.Id] = new(s.UserId is not null && known.Account is not null ? s.UserId : null, s.SecurityStamp,
                    known.Account?.UserName, known.Post!.Latitude, known.Post.Longitude);
            }
            if (mine.Any(m => m.Row is not null))
            {
                expected.AddRange(before);
                keys[known.PersonId] = key;
            }
        }

        Judged? slowJudged = null;
        if (slow.Count > 0)
        {
            slow.Sort();
            slowJudged = Judge(connection, [.. slow.Select(i => batch[i])], o);
            for (var k = 0; k < slow.Count; k++) outcomes[slow[k]] = slowJudged.Outcomes[k];
        }

        var checkedAll = fastIndex.Select((index, k) => (index, fastSubs[k])).ToList();
        var submissions = new List<CheckInSubmission>(fastSubs);
        var fresh2 = new Dictionary<(Guid, string), (int Index, CheckIn Row)>(rows);
        if (slowJudged is { Judgement: { } sj })
        {
            checkedAll.AddRange(slowJudged.Checked.Select(c => (slow[c.Index], c.Submission)));
            foreach (var (k, v) in sj.Fresh) fresh2[k] = (v.Index + fastSubs.Count, v.Row);
            submissions.AddRange(slowJudged.Submissions);
            refusals.AddRange(sj.Refusals);
            codes.AddRange(sj.Codes);
        }
        var judgement = submissions.Count > 0 ? new CheckInBatchWriter.BatchJudgement([.. refusals], [.. codes], fresh2) : null;
        return new(outcomes, checkedAll, submissions, judgement) { Guards = guards, Expected = expected, KnowledgeKeys = keys };
    }

    /// <summary>Reads what the writer needs to know of cadres for a day (see <see cref="CadreDay.Read"/>).</summary>
    static async ValueTask<List<(Guid Key, CadreDay Day)>> LoadAsync(bool async,
        NpgsqlConnection connection, List<(Guid Key, Guid? User, Guid? Person, DateOnly Day)> load, ManageOptions o, CancellationToken ct)
    {
        var bounds = load.Select(l => CadreDay.DayBounds(l.Day)).ToArray();
        var months = load.Select(l => CadreDay.MonthsFor(l.Day, o)).ToArray();
        var keys = load.Select(l => l.Key).ToArray();
        var users = load.Select(l => l.User).ToArray();
        var persons = load.Select(l => l.Person).ToArray();
        NpgsqlParameter[] KeyParams() =>
        [
            Param(keys), Param(users, NpgsqlDbType.Array | NpgsqlDbType.Uuid), Param(persons, NpgsqlDbType.Array | NpgsqlDbType.Uuid),
            Param(bounds.Select(b => b.Start.AddDays(-o.RepeatedPositionWindowDays)).ToArray()), Param(bounds.Select(b => b.Start).ToArray()),
            Param(months.Select(m => m.First).ToArray()), Param(months.Select(m => m.Last).ToArray()),
        ];

        var cadres = new Dictionary<Guid, (CheckInBatchWriter.BatchAccount? Account, Guid? Person, CheckInPost? Post)>();
        var counts = load.ToDictionary(l => l.Key, _ => new Dictionary<DateOnly, int>());
        var beforeDay = load.ToDictionary(l => l.Key, _ => new List<CheckInTrace>());
        var fromDay = load.ToDictionary(l => l.Key, _ => new List<CheckInTrace>());
        using (var read = new NpgsqlBatch(connection))
        {
            read.BatchCommands.Add(Command(LoadCadresSql, Param(keys), Param(users, NpgsqlDbType.Array | NpgsqlDbType.Uuid),
                Param(persons, NpgsqlDbType.Array | NpgsqlDbType.Uuid), Param(Security.Roles.Cadre), Param((int)PostingStatus.Active)));
            read.BatchCommands.Add(Command(LoadMonthsSql, KeyParams()));
            read.BatchCommands.Add(Command(LoadTracesSql, [.. KeyParams(), Param(CheckInBatchWriter.OtherDayTraces), Param(CadreDay.TailKept + 1)]));
            if (async) await read.PrepareAsync(ct); else read.Prepare();
            await using var reader = await Reader.ExecuteAsync(read, async, ct);
            var r = reader.Row;
            while (await reader.ReadAsync(ct))
            {
                var key = r.GetGuid(0);
                var account = r.GetBoolean(7)
                    ? new CheckInBatchWriter.BatchAccount(load.First(l => l.Key == key).User!.Value, r.IsDBNull(1) ? null : r.GetString(1),
                        r.IsDBNull(2) ? null : r.GetGuid(2), r.GetBoolean(3), r.IsDBNull(4) ? null : r.GetFieldValue<DateTimeOffset>(4),
                        r.IsDBNull(5) ? null : r.GetString(5), r.GetBoolean(6))
                    : null;
                var post = r.IsDBNull(8) ? null
                    : new CheckInPost(r.GetGuid(8), r.GetGuid(9), r.GetString(10), r.GetString(11), r.GetDouble(12), r.GetDouble(13));
                cadres[key] = (account, account?.PersonId, post);
            }
            await reader.NextResultAsync(ct);
            while (await reader.ReadAsync(ct)) counts[r.GetGuid(0)][r.GetFieldValue<DateOnly>(1)] = r.GetInt32(2);
            await reader.NextResultAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var trace = new CheckInTrace(r.GetDateTime(2), r.GetFieldValue<DateOnly>(3), r.GetDouble(4), r.GetDouble(5), r.GetDouble(6));
                (r.GetBoolean(1) ? fromDay : beforeDay)[r.GetGuid(0)].Add(trace);
            }
        }
        var result = new List<(Guid, CadreDay)>(load.Count);
        foreach (var l in load)
        {
            var (account, accountPerson, post) = cadres.GetValueOrDefault(l.Key);
            // A check-in for a person directly: that person. Through an account: the account's person (none: refused by the account rules).
            var person = l.Person ?? accountPerson ?? Guid.Empty;
            result.Add((l.Key, CadreDay.Read(account, person, post, l.Day, beforeDay[l.Key], fromDay[l.Key], counts[l.Key], o)));
        }
        return result;
    }

    /// <summary>
    /// Judging from the database's probes (no knowledge): the accounts, postings and recent check-ins, read together in
    /// one round trip, then every check-in judged. Its rows are stored without the knowledge check.
    /// </summary>
    public static Task<Judged> JudgeAsync(NpgsqlConnection connection, IReadOnlyList<CheckInSubmission> batch, ManageOptions o, CancellationToken ct) =>
        JudgeAsync(true, connection, batch, o, ct).AsTask();

    /// <inheritdoc cref="JudgeAsync(NpgsqlConnection, IReadOnlyList{CheckInSubmission}, ManageOptions, CancellationToken)"/>
    public static Judged Judge(NpgsqlConnection connection, IReadOnlyList<CheckInSubmission> batch, ManageOptions o) =>
        Sync(JudgeAsync(false, connection, batch, o, CancellationToken.None));

    static async ValueTask<Judged> JudgeAsync(bool async, NpgsqlConnection connection, IReadOnlyList<CheckInSubmission> batch, ManageOptions o, CancellationToken ct)
    {
        var users = batch.Where(b => b.AccountUnchecked && b.UserId is not null).Select(b => b.UserId!.Value).Distinct().ToArray();
        var named = batch.Where(b => !b.AccountUnchecked).Select(b => b.PersonId).Distinct().ToArray();
        var probes = batch.Select(b => CheckInBatchWriter.ProbeFor(b.Payload.AtUtc, o)).ToArray();

        var accounts = new Dictionary<Guid, CheckInBatchWriter.BatchAccount>();
        var postings = new Dictionary<Guid, CheckInPost>();
        var traces = new Dictionary<Guid, List<CheckInTrace>>();
        using (var read = new NpgsqlBatch(connection))
        {
            read.BatchCommands.Add(Command(AccountsSql, Param(users), Param(Security.Roles.Cadre)));
            read.BatchCommands.Add(Command(PostingsSql, Param(named), Param(users), Param((int)PostingStatus.Active)));
            read.BatchCommands.Add(Command(TracesSql,
                Param(batch.Select(b => b.AccountUnchecked ? (Guid?)null : b.PersonId).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Uuid),
                Param(batch.Select(b => b.AccountUnchecked ? b.UserId : null).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Uuid),
                Param(probes.Select(p => p.At).ToArray()), Param(probes.Select(p => p.Since).ToArray()),
                Param(probes.Select(p => p.Until).ToArray()), Param(probes.Select(p => p.DayStart).ToArray()),
                Param(probes.Select(p => p.DayEnd).ToArray()), Param(CheckInBatchWriter.OtherDayTraces)));
            if (async) await read.PrepareAsync(ct); else read.Prepare();
            await using var reader = await Reader.ExecuteAsync(read, async, ct);
            var r = reader.Row;
            while (await reader.ReadAsync(ct))
            {
                var id = r.GetGuid(0);
                accounts[id] = new(id, r.IsDBNull(1) ? null : r.GetString(1), r.IsDBNull(2) ? null : r.GetGuid(2), r.GetBoolean(3),
                    r.IsDBNull(4) ? null : r.GetFieldValue<DateTimeOffset>(4), r.IsDBNull(5) ? null : r.GetString(5), r.GetBoolean(6));
            }
            await reader.NextResultAsync(ct);
            while (await reader.ReadAsync(ct)) // ordered by start date: the latest active posting wins
                postings[r.GetGuid(0)] = new(r.GetGuid(1), r.GetGuid(2), r.GetString(3), r.GetString(4), r.GetDouble(5), r.GetDouble(6));
            await reader.NextResultAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var person = r.GetGuid(0);
                if (!traces.TryGetValue(person, out var list)) traces[person] = list = [];
                list.Add(new(r.GetDateTime(1), r.GetFieldValue<DateOnly>(2), r.IsDBNull(3) ? null : r.GetDouble(3),
                    r.IsDBNull(4) ? null : r.GetDouble(4), r.GetDouble(5)));
            }
        }

        var (outcomes, checkedBatch) = CheckInBatchWriter.CheckAccounts(batch, accounts);
        var submissions = checkedBatch.Select(c => c.Submission).ToList();
        return new(outcomes, checkedBatch, submissions, submissions.Count > 0 ? CheckInBatchWriter.Judge(submissions, postings, traces, o) : null);
    }

    /// <summary>
    /// The store (and one more round trip only for keys already stored): the rows, their months and their audit rows in one
    /// statement — one transaction — then every check-in's answer. Nothing is answered before that statement returned.
    /// </summary>
    public static async Task<IReadOnlyList<CheckInOutcome>> StoreAsync(NpgsqlConnection connection, Judged batch, CancellationToken ct)
    {
        var stored = await StoreAsync(true, connection, batch, ct);
        return stored.Again.Count == 0
            ? [.. stored.Outcomes.Select(x => x!)]
            : throw new InvalidOperationException("Check-ins judged from the writer's knowledge were refused by the store; use StoreGuarded.");
    }

    /// <summary>
    /// Stores a batch (see <see cref="WriteSql"/>) and answers every check-in except those of cadres whose rows the
    /// database refused because it no longer agreed with the knowledge they were judged from (<see cref="Stored.Again"/>).
    /// Synchronous: the writer runs on a thread of its own (see <see cref="CheckInWriter"/>).
    /// </summary>
    public static Stored StoreGuarded(NpgsqlConnection connection, Judged batch) => Sync(StoreAsync(false, connection, batch, CancellationToken.None));

    static async ValueTask<Stored> StoreAsync(bool async, NpgsqlConnection connection, Judged batch, CancellationToken ct)
    {
        var (outcomes, checkedBatch, submissions, judged) = batch;
        var again = new HashSet<Guid>();
        var notStored = new HashSet<Guid>();
        if (judged is not null)
        {
            var rows = judged.Fresh.Values.Select(f => f.Row).ToList();

            // The rows, their months and their audit rows, in one statement (one transaction).
            var inserted = new HashSet<Guid>();
            if (rows.Count > 0)
            {
                var audit = judged.Fresh.Values.Select(f => (f.Row.Id, Entry: CheckInBatchWriter.AuditRow(submissions[f.Index], f.Row))).ToList();
                var guards = rows.Select(c => batch.Guards.TryGetValue(c.Id, out var g) ? g : (RowGuard?)null).ToArray();
                using var write = new NpgsqlCommand(WriteSql, connection);
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
                    Param(guards.Select(g => g is not null).ToArray()),
                    Param(guards.Select(g => g?.UserId).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Uuid),
                    Param(guards.Select(g => g?.Stamp).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text),
                    Param(guards.Select(g => g?.UserName).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text),
                    Param(guards.Select(g => g?.VillageLatitude ?? 0).ToArray()), Param(guards.Select(g => g?.VillageLongitude ?? 0).ToArray()),
                    Param((int)PostingStatus.Active), Param(Security.Roles.Cadre),
                    Param(batch.Expected.Select(e => e.Person).ToArray()), Param(batch.Expected.Select(e => e.Month).ToArray()),
                    Param(batch.Expected.Select(e => e.Count).ToArray()),
                });
                if (async) await write.PrepareAsync(ct); else write.Prepare();
                await using var reader = await Reader.ExecuteAsync(write, async, ct);
                var r = reader.Row;
                var refused = new HashSet<Guid>();
                while (await reader.ReadAsync(ct)) (r.GetBoolean(1) ? inserted : refused).Add(r.GetGuid(0));
                foreach (var c in rows)
                {
                    if (refused.Contains(c.Id)) again.Add(c.PersonId);
                    if (!inserted.Contains(c.Id)) notStored.Add(c.PersonId);
                }
            }

            var lookup = judged.LookupKeys(submissions, inserted, again);
            var stored = new Dictionary<(Guid, string), CheckIn>();
            if (lookup.Count > 0)
            {
                using var read = new NpgsqlCommand(StoredSql, connection);
                read.Parameters.Add(Param(lookup.Select(k => k.Item1).ToArray()));
                read.Parameters.Add(Param(lookup.Select(k => k.Item2).ToArray()));
                await using var reader = await Reader.ExecuteAsync(read, async, ct);
                while (await reader.ReadAsync(ct))
                {
                    var c = ReadCheckIn(reader.Row);
                    stored[(c.PersonId, c.ClientKey)] = c;
                }
            }
            var written = judged.Answer(submissions, inserted, stored, again);
            for (var k = 0; k < checkedBatch.Count; k++) outcomes[checkedBatch[k].Index] = written[k];
        }
        return new(outcomes, again, notStored);
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

    /// <summary>Runs a synchronous path of a method written for both (<c>async: false</c>), which never awaits anything unfinished.</summary>
    static T Sync<T>(ValueTask<T> work) =>
        work.IsCompleted ? work.GetAwaiter().GetResult() : throw new InvalidOperationException("A blocking database call went asynchronous.");

    /// <summary>
    /// A data reader used the caller's way: with asynchronous I/O (a request's own write) or blocking (the group-commit
    /// writer, on a thread of its own), disposed the same way.
    /// </summary>
    sealed class Reader(NpgsqlDataReader row, bool async) : IAsyncDisposable
    {
        public NpgsqlDataReader Row => row;

        public static async ValueTask<Reader> ExecuteAsync(NpgsqlBatch batch, bool async, CancellationToken ct) =>
            new(async ? await batch.ExecuteReaderAsync(ct) : batch.ExecuteReader(), async);

        public static async ValueTask<Reader> ExecuteAsync(NpgsqlCommand command, bool async, CancellationToken ct) =>
            new(async ? await command.ExecuteReaderAsync(ct) : command.ExecuteReader(), async);

        public ValueTask<bool> ReadAsync(CancellationToken ct) => async ? new(row.ReadAsync(ct)) : new(row.Read());

        public ValueTask<bool> NextResultAsync(CancellationToken ct) => async ? new(row.NextResultAsync(ct)) : new(row.NextResult());

        public ValueTask DisposeAsync()
        {
            if (async) return row.DisposeAsync();
            row.Dispose();
            return default;
        }
    }
}
