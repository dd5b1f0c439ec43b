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
/// <see cref="PostgresCheckInBatch"/> through a connection it holds, on a thread of its own; on SQLite with
/// <see cref="CheckInBatchWriter"/>) and completes each request after COMMIT returned. While one batch commits the
/// next one gathers, so a busy server commits many check-ins per disk flush and a quiet one commits each at once —
/// no timer, no added wait.
/// </summary>
/// <remarks>
/// <para><see cref="ManageOptions.Writers"/> writers run side by side, each with its own queue; a cadre's check-ins
/// always go to the same writer (by the account's id), so one cadre's check-ins are judged in order against each
/// other.</para>
/// <para>A request is acknowledged only after its transaction committed; if the process dies first, the phone never
/// got an answer and sends the same key again, which is harmless. The writers hold no check-in between batches (only
/// their connection, given back after half a minute without work), so any number of instances can run against
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
        postgres is not null && database.Provider == Data.DatabaseProvider.Postgres
            ? Task.WhenAll(queues.Select((q, i) => OnOwnThread(() => DrainPostgres(q.Reader, postgres), $"Check-in writer {i + 1}")))
            : Task.WhenAll(queues.Select(q => Task.Run(() => DrainOneByOneAsync(q.Reader), CancellationToken.None)));

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
    /// Runs a PostgreSQL writer on a thread of its own, with blocking database calls. Its one round trip per batch is
    /// the path every check-in waits on: when the commit returns, the writer must answer and send the next batch at
    /// once, not wait its turn in the thread pool's queue behind the requests that are being read and answered.
    /// </summary>
    static Task OnOwnThread(Action work, string name)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        new Thread(() =>
        {
            try
            {
                work();
                done.SetResult();
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        }) { IsBackground = true, Name = name }.Start();
        return done.Task;
    }

    /// <summary>
    /// PostgreSQL: takes everything waiting, judges it — from what the writer knows of its cadres
    /// (<see cref="CadreKnowledge"/>), reading in one round trip only the cadres it does not know — stores it in one
    /// statement and answers it; meanwhile the next batch gathers on the queue.
    /// </summary>
    void DrainPostgres(ChannelReader<Pending> reader, NpgsqlDataSource source)
    {
        using var connection = new HeldConnection(source);
        var knowledge = new CadreKnowledge();
        while (Wait(reader, connection))
        {
            var batch = new List<Pending>(options.Value.MaxBatch);
            while (batch.Count < options.Value.MaxBatch && reader.TryRead(out var next)) batch.Add(next);
            if (batch.Count > 0) Write(batch, knowledge, connection);
        }
    }

    /// <summary>How many times the check-ins of a cadre whose knowledge the store found out of date are judged again from
    /// the knowledge (read afresh); the last time they are judged from the database's probes, stored unguarded.</summary>
    const int JudgedAgainFromKnowledge = 2;

    /// <summary>
    /// Judges, stores and answers a batch. Cadres whose rows the store refused (the database changed since the writer
    /// read them: an account disabled, a posting ended, another instance's check-in) are read afresh and judged and
    /// stored again before they are answered.
    /// </summary>
    void Write(List<Pending> batch, CadreKnowledge knowledge, HeldConnection connection)
    {
        var pending = batch;
        try
        {
            var submissions = batch.Select(p => p.Submission).ToList();
            var judged = Judge(connection, submissions, knowledge);
            for (var attempt = 1; ; attempt++)
            {
                var current = judged;
                var stored = OnHeld(connection, c => PostgresCheckInBatch.StoreGuarded(c, current), "Storing", pending.Count);
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
                submissions = [.. again.Select(p => p.Submission)];
                judged = attempt <= JudgedAgainFromKnowledge
                    ? Judge(connection, submissions, knowledge)
                    : OnHeld(connection, c => PostgresCheckInBatch.Judge(c, submissions, options.Value), "Reading for", submissions.Count);
            }
        }
        catch (Exception e)
        {
            knowledge.Clear();
            Fail(pending, e);
        }
    }

    /// <summary>How long the writer keeps its connection while no check-in comes.</summary>
    static readonly TimeSpan IdleRelease = TimeSpan.FromSeconds(30);

    /// <summary>Waits for work; after <see cref="IdleRelease"/> without any, gives the held connection back first.
    /// False once the queue is closed and empty (shutdown).</summary>
    static bool Wait(ChannelReader<Pending> reader, HeldConnection held)
    {
        if (reader.TryPeek(out _)) return true;
        var arrival = reader.WaitToReadAsync(CancellationToken.None).AsTask();
        if (!arrival.Wait(IdleRelease)) held.Drop();
        return arrival.GetAwaiter().GetResult();
    }

    /// <summary>Judges a batch (reading what the knowledge lacks). Tried again on a new connection, the knowledge starts
    /// empty: the first attempt may have taken in rows that were not stored.</summary>
    PostgresCheckInBatch.Judged Judge(HeldConnection connection, List<CheckInSubmission> batch, CadreKnowledge knowledge)
    {
        var attempts = 0;
        return OnHeld(connection, c =>
        {
            if (attempts++ > 0) knowledge.Clear();
            return PostgresCheckInBatch.Judge(c, batch, knowledge, options.Value);
        }, "Reading for", batch.Count);
    }

    /// <summary>
    /// Runs a batch's statements on the held connection. When the connection broke under them (the server restarted, or
    /// ended an idle session), they run once more on a new one: the reads change nothing, and storing again is what a
    /// resend does — keys already stored are found, and rows this batch itself stored are still answered as created
    /// (<see cref="CheckInBatchWriter.BatchJudgement.Answer"/>). Any other failure is the batch's answer.
    /// </summary>
    T OnHeld<T>(HeldConnection held, Func<NpgsqlConnection, T> work, string what, int count)
    {
        var connection = held.Open();
        try
        {
            return work(connection);
        }
        catch (Exception e) when (connection.State is not System.Data.ConnectionState.Open)
        {
            held.Drop();
            log.LogWarning(e, "{What} a batch of {Count} check-ins failed with the connection; trying once more on a new one", what, count);
        }
        try
        {
            return work(held.Open());
        }
        catch
        {
            held.Drop();
            throw;
        }
    }

    /// <summary>
    /// The connection the writer keeps between batches (its statements stay prepared, and returning it to the pool would
    /// reset its session before every batch). After a failure it is dropped, and the next batch opens a new one.
    /// </summary>
    sealed class HeldConnection(NpgsqlDataSource source) : IDisposable
    {
        NpgsqlConnection? connection;

        public NpgsqlConnection Open()
        {
            if (connection is { State: System.Data.ConnectionState.Open }) return connection;
            Drop();
            var opened = source.OpenConnection();
            // Every statement the writer sends reads a handful of rows by key. Small tables (a prefecture's few hundred
            // postings, villages and accounts) would otherwise be scanned whole for each row, because the planner finds
            // that cheaper on paper. (Without sequential scans the plans cost more on paper, which would start the JIT
            // compiler for statements of a few milliseconds: off too.) Pooled sessions are reset when the connection goes back.
            using (var set = new NpgsqlCommand("SET enable_seqscan = off; SET jit = off", opened)) set.ExecuteNonQuery();
            return connection = opened;
        }

        public void Drop()
        {
            if (connection is null) return;
            var c = connection;
            connection = null;
            try { c.Dispose(); } catch (NpgsqlException) { } // a broken connection: nothing left to close
        }

        public void Dispose() => Drop();
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
