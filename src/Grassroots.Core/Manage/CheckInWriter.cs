using System.Threading.Channels;
using Npgsql;
using Grassroots.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Grassroots.Manage;

/// <summary>
/// Group commit for check-ins: requests put their check-in on a queue and wait; a writer takes everything that is
/// waiting (up to <see cref="ManageOptions.MaxBatch"/>), writes it in one transaction (on PostgreSQL with
/// <see cref="PostgresCheckInBatch"/> through a pooled connection, on SQLite with <see cref="CheckInBatchWriter"/>) and
/// completes each request after COMMIT returned. While one batch commits the
/// next one gathers, so a busy server commits many check-ins per disk flush and a quiet one commits each at once —
/// no timer, no added wait.
/// </summary>
/// <remarks>
/// <para><see cref="ManageOptions.Writers"/> writers run side by side, each with its own queue; a cadre's check-ins
/// always go to the same writer (by the account's id), so one cadre's check-ins are judged in order against each
/// other, while several batches are in flight and PostgreSQL flushes their commits together.</para>
/// <para>A request is acknowledged only after its transaction committed; if the process dies first, the phone never
/// got an answer and sends the same key again, which is harmless. The writers hold no check-in between batches (only
/// their two connections, given back after half a minute without work), so any number of instances can run against
/// one database (the unique index decides between them). On shutdown the queues
/// are closed and what is already on them is written before the host stops.</para>
/// </remarks>
public sealed class CheckInWriter(
    IServiceScopeFactory scopes, IOptions<ManageOptions> options, Data.DatabaseSettings database, ILogger<CheckInWriter> log, NpgsqlDataSource? postgres = null)
    : BackgroundService
{
    sealed record Pending(CheckInSubmission Submission, TaskCompletionSource<CheckInOutcome> Done);

    readonly Channel<Pending>[] queues = [.. Enumerable.Range(0, database.Provider == Data.DatabaseProvider.Sqlite ? 1 : Math.Max(1, options.Value.Writers)).Select(_ => Channel.CreateBounded<Pending>(new BoundedChannelOptions(10_000)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    }))];

    /// <summary>Queues a check-in and waits until its batch committed (or failed).</summary>
    public async Task<CheckInOutcome> SubmitAsync(CheckInSubmission submission, CancellationToken ct)
    {
        var pending = new Pending(submission, new TaskCompletionSource<CheckInOutcome>(TaskCreationOptions.RunContinuationsAsynchronously));
        var queue = queues[(int)((uint)(submission.UserId ?? submission.PersonId).GetHashCode() % (uint)queues.Length)];
        await queue.Writer.WriteAsync(pending, ct);
        // Once queued, the write goes ahead even if the caller gives up; a resend of the key finds it.
        return await pending.Done.Task;
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(queues.Select(q => Task.Run(() => DrainAsync(q.Reader), CancellationToken.None)));

    Task DrainAsync(ChannelReader<Pending> reader) =>
        postgres is not null && database.Provider == Data.DatabaseProvider.Postgres ? DrainPostgresAsync(reader, postgres) : DrainOneByOneAsync(reader);

    async Task DrainOneByOneAsync(ChannelReader<Pending> reader)
    {
        var batch = new List<Pending>(options.Value.MaxBatch);
        while (await reader.WaitToReadAsync(CancellationToken.None))
        {
            batch.Clear();
            while (batch.Count < options.Value.MaxBatch && reader.TryRead(out var next)) batch.Add(next);
            try
            {
                var outcomes = await WriteAsync([.. batch.Select(p => p.Submission)]);
                for (var i = 0; i < batch.Count; i++) batch[i].Done.TrySetResult(outcomes[i]);
            }
            catch (Exception e)
            {
                Fail(batch, e);
            }
        }
    }

    /// <summary>
    /// PostgreSQL, two batches in flight: while one batch's rows are being stored (its write statement and commit), the
    /// next one is judged — from what the writer knows of its cadres (<see cref="CadreKnowledge"/>), reading on another
    /// connection only the cadres it does not know — and the rows in flight count as the cadres' check-ins for the
    /// suspicion rules. It is stored only after the first committed, so stores stay in order and a resend of a key in
    /// flight is answered from the stored row. Each request is still answered only after its own batch committed.
    /// </summary>
    async Task DrainPostgresAsync(ChannelReader<Pending> reader, NpgsqlDataSource source)
    {
        (List<Pending> Batch, PostgresCheckInBatch.Judged Judged, Task<PostgresCheckInBatch.Stored> Store)? storing = null;
        await using var judging = new HeldConnection(source);
        await using var storingConnection = new HeldConnection(source);
        var knowledge = new CadreKnowledge();
        while (true)
        {
            // Wait for work. While a batch is being stored, whichever comes first: new check-ins (read and judged while
            // it is stored) or its commit (answered at once).
            if (!reader.TryPeek(out _))
            {
                if (storing is { } s)
                {
                    if (!s.Store.IsCompleted)
                    {
                        var arrival = reader.WaitToReadAsync(CancellationToken.None).AsTask();
                        if (await Task.WhenAny(arrival, s.Store) == arrival && arrival.Result) continue;
                    }
                    await FinishAsync(s.Batch, s.Judged, s.Store, knowledge, judging, storingConnection);
                    storing = null;
                    continue;
                }
                if (!await WaitAsync(reader, judging, storingConnection)) return;
            }
            var batch = new List<Pending>(options.Value.MaxBatch);
            while (batch.Count < options.Value.MaxBatch && reader.TryRead(out var next)) batch.Add(next);
            if (batch.Count == 0) continue;
            PostgresCheckInBatch.Judged judged;
            try
            {
                judged = await JudgeAsync(judging, [.. batch.Select(p => p.Submission)], knowledge, storing?.Judged.Rows ?? []);
            }
            catch (Exception e)
            {
                knowledge.Clear();
                Fail(batch, e);
                continue;
            }
            if (storing is { } previous) await FinishAsync(previous.Batch, previous.Judged, previous.Store, knowledge, judging, storingConnection);
            storing = (batch, judged, StoreAsync(storingConnection, judged));
        }
    }

    /// <summary>How many times the check-ins of a cadre whose knowledge the store found out of date are judged again from
    /// the knowledge (read afresh); the last time they are judged from the database's probes, stored unguarded.</summary>
    const int JudgedAgainFromKnowledge = 2;

    /// <summary>
    /// Answers a stored batch. Cadres whose rows the store refused (the database changed since the writer read them: an
    /// account disabled, a posting ended, another instance's check-in) are read afresh and judged and stored again first.
    /// </summary>
    async Task FinishAsync(
        List<Pending> batch, PostgresCheckInBatch.Judged judged, Task<PostgresCheckInBatch.Stored> store, CadreKnowledge knowledge,
        HeldConnection judging, HeldConnection storing)
    {
        var pending = batch;
        try
        {
            var stored = await store;
            for (var attempt = 1; ; attempt++)
            {
                foreach (var person in stored.NotStored)
                    if (judged.KnowledgeKeys.TryGetValue(person, out var key)) knowledge.Forget(key);
                var again = new List<Pending>();
                var answered = new HashSet<int>();
                foreach (var (index, submission) in judged.Checked)
                    if (stored.Again.Contains(submission.PersonId) && answered.Add(index)) again.Add(pending[index]);
                for (var i = 0; i < pending.Count; i++)
                    if (!answered.Contains(i)) pending[i].Done.TrySetResult(stored.Outcomes[i]!);
                if (again.Count == 0) return;
                pending = again;
                var submissions = again.Select(p => p.Submission).ToList();
                judged = attempt <= JudgedAgainFromKnowledge
                    ? await JudgeAsync(judging, submissions, knowledge, [])
                    : await OnHeldAsync(judging, c => PostgresCheckInBatch.JudgeAsync(c, submissions, [], options.Value, CancellationToken.None), "Reading for", submissions.Count);
                stored = await StoreAsync(storing, judged);
            }
        }
        catch (Exception e)
        {
            knowledge.Clear();
            Fail(pending, e);
        }
    }

    /// <summary>How long the writer keeps its connections while no check-in comes.</summary>
    static readonly TimeSpan IdleRelease = TimeSpan.FromSeconds(30);

    /// <summary>Waits for work; after <see cref="IdleRelease"/> without any, gives the held connections back first.</summary>
    static async Task<bool> WaitAsync(ChannelReader<Pending> reader, params HeldConnection[] held)
    {
        using (var idle = new CancellationTokenSource(IdleRelease))
        {
            try
            {
                return await reader.WaitToReadAsync(idle.Token);
            }
            catch (OperationCanceledException) when (idle.IsCancellationRequested)
            {
            }
        }
        foreach (var h in held) await h.DropAsync();
        return await reader.WaitToReadAsync(CancellationToken.None);
    }

    /// <summary>Judges a batch (reading on the judging connection what the knowledge lacks). Tried again on a new
    /// connection, the knowledge starts empty: the first attempt may have taken in rows that will not be stored.</summary>
    Task<PostgresCheckInBatch.Judged> JudgeAsync(HeldConnection connection, List<CheckInSubmission> batch, CadreKnowledge knowledge, IEnumerable<(Guid, CheckInTrace)> inFlight)
    {
        var attempts = 0;
        return OnHeldAsync(connection, c =>
        {
            if (attempts++ > 0) knowledge.Clear();
            return PostgresCheckInBatch.JudgeAsync(c, batch, knowledge, inFlight, options.Value, CancellationToken.None);
        }, "Reading for", batch.Count);
    }

    /// <summary>Stores a judged batch on the storing connection.</summary>
    Task<PostgresCheckInBatch.Stored> StoreAsync(HeldConnection connection, PostgresCheckInBatch.Judged judged) =>
        OnHeldAsync(connection, c => PostgresCheckInBatch.StoreGuardedAsync(c, judged, CancellationToken.None), "Storing", judged.Outcomes.Length);

    /// <summary>
    /// Runs a batch's statements on a held connection. When the connection broke under them (the server restarted, or
    /// ended an idle session), they run once more on a new one: the reads change nothing, and storing again is what a
    /// resend does — keys already stored are found, and rows this batch itself stored are still answered as created
    /// (<see cref="CheckInBatchWriter.BatchJudgement.Answer"/>). Any other failure is the batch's answer.
    /// </summary>
    async Task<T> OnHeldAsync<T>(HeldConnection held, Func<NpgsqlConnection, Task<T>> work, string what, int count)
    {
        var connection = await held.OpenAsync();
        try
        {
            return await work(connection);
        }
        catch (Exception e) when (connection.State is not System.Data.ConnectionState.Open)
        {
            await held.DropAsync();
            log.LogWarning(e, "{What} a batch of {Count} check-ins failed with the connection; trying once more on a new one", what, count);
        }
        try
        {
            return await work(await held.OpenAsync());
        }
        catch
        {
            await held.DropAsync();
            throw;
        }
    }

    /// <summary>
    /// A connection the writer keeps between batches (its statements stay prepared, and returning it to the pool would
    /// reset its session before every batch). After a failure it is dropped, and the next batch opens a new one.
    /// </summary>
    sealed class HeldConnection(NpgsqlDataSource source) : IAsyncDisposable
    {
        NpgsqlConnection? connection;

        public async ValueTask<NpgsqlConnection> OpenAsync()
        {
            if (connection is { State: System.Data.ConnectionState.Open }) return connection;
            await DropAsync();
            var opened = await source.OpenConnectionAsync(CancellationToken.None);
            // Every statement the writer sends reads a handful of rows by key. Small tables (a prefecture's few hundred
            // postings, villages and accounts) would otherwise be scanned whole for each row, because the planner finds
            // that cheaper on paper. (Without sequential scans the plans cost more on paper, which would start the JIT
            // compiler for statements of a few milliseconds: off too.) Pooled sessions are reset when the connection goes back.
            await using (var set = new NpgsqlCommand("SET enable_seqscan = off; SET jit = off", opened)) await set.ExecuteNonQueryAsync(CancellationToken.None);
            return connection = opened;
        }

        public async ValueTask DropAsync()
        {
            if (connection is null) return;
            var c = connection;
            connection = null;
            try { await c.DisposeAsync(); } catch (NpgsqlException) { } // a broken connection: nothing left to close
        }

        public ValueTask DisposeAsync() => DropAsync();
    }

    void Fail(List<Pending> batch, Exception e)
    {
        log.LogError(e, "A batch of {Count} check-ins could not be written", batch.Count);
        foreach (var p in batch) p.Done.TrySetException(e);
    }

    /// <summary>SQLite: a batch through a context of its own.</summary>
    async Task<IReadOnlyList<CheckInOutcome>> WriteAsync(IReadOnlyList<CheckInSubmission> batch)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<CurrentUser>().ActAsSystem("checkin-writer");
        return await scope.ServiceProvider.GetRequiredService<CheckInBatchWriter>().WriteAsync(batch, CancellationToken.None);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var q in queues) q.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
    }
}
