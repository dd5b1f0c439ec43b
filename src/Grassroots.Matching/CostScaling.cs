using System.Runtime.CompilerServices;

namespace Grassroots.Matching;

/// <summary>
/// A cost-scaling push–relabel min-cost flow (Goldberg, "An efficient implementation of a scaling minimum-cost flow
/// algorithm", 1997) with FIFO discharge, push look-ahead and global price updates. The dispatch planner uses it only for
/// the coarse plan that predicts columns and for a good starting flow for <see cref="NetworkSimplex"/>, on small staged
/// costs (never the lexicographic weights, which scaling would push beyond 64 bits); the simplex, the pricing and the
/// certificate decide exactness.
/// </summary>
/// <remarks>
/// With costs multiplied by more than the node count, an ε-optimal flow with ε = 1 is optimal. Arcs may be added between
/// solves; the next <see cref="Solve"/> starts from the previous flow and prices, at the ε the new arcs need.
/// Reduced cost of an arc: cost + price(source) − price(target); an arc is admissible when it has room and a negative
/// reduced cost.
/// </remarks>
sealed class CostScaling
{
    /// <summary>ε is divided by this from phase to phase.</summary>
    const long Alpha = 8;
    /// <summary>
    /// A global price update at the start of each phase and then after this many relabels per node (look-ahead relabels
    /// not counted). At province scale 4 makes about 5 updates in all instead of 22 and the core 35–40 % faster; the
    /// relabels the updates would have saved cost less than the updates.
    /// </summary>
    const double UpdateFactor = 4;
    static readonly bool Trace = Environment.GetEnvironmentVariable("GRASSROOTS_DISPATCH_TRACE") == "1";
    readonly long finalEpsilon;
    /// <summary>
    /// When positive, the first phase's ε is at most this (scaled costs), whatever the worst violation of the starting
    /// prices: for prices seeded close to optimal, where a few arcs set the worst violation. Any ε is correct; this only
    /// decides how much work the phases do.
    /// </summary>
    public long FirstEpsilonAtMost { get; set; }

    readonly int n;
    readonly long[] supply;
    int m;
    int[] source = [], target = [];
    long[] capacity = [], cost = [], flow = [];
    readonly long[] price, excess;
    long scale;

    readonly int[] first;
    readonly int[] current;

    /// <summary>Pushes, relabels and global price updates made so far (all solves), for the trace.</summary>
    public long Pushes { get; private set; }
    public long Relabels { get; private set; }
    public int GlobalUpdates { get; private set; }

    /// <summary>
    /// Creates the solver over <paramref name="nodeSupply"/>.Length nodes with these supplies (they sum to zero). Costs
    /// are multiplied by <paramref name="costScale"/> and phases stop at <paramref name="finalEpsilon"/>: with a scale
    /// above the node count and a final ε of 1 the flow is optimal; a scale of 1 and a larger final ε give a flow within
    /// ε per node of the optimum, sooner.
    /// </summary>
    public CostScaling(long[] nodeSupply, long costScale, long finalEpsilon)
    {
        this.finalEpsilon = finalEpsilon;
        n = nodeSupply.Length;
        supply = nodeSupply;
        price = new long[n];
        excess = new long[n];
        first = new int[n + 1];
        current = new int[n];
        scale = costScale;
    }

    public int ArcCount => m;
    /// <summary>A node's price (scaled costs); the reduced cost of an arc is cost + price(source) − price(target).</summary>
    public long Price(int node) => price[node];
    /// <summary>Sets a node's price before a solve, e.g. from a coarser problem's prices: the first phase then starts from the worst violation they leave.</summary>
    public void SetPrice(int node, long value) => price[node] = value;
    public long Flow(int arc) => flow[arc];

    /// <summary>Adds an arc with no flow; its capacity must be finite.</summary>
    public int AddArc(int from, int to, long cap, long arcCost)
    {
        if (m == source.Length)
        {
            var size = Math.Max(16, m * 2);
            Array.Resize(ref source, size);
            Array.Resize(ref target, size);
            Array.Resize(ref capacity, size);
            Array.Resize(ref cost, size);
            Array.Resize(ref flow, size);
        }
        source[m] = from;
        target[m] = to;
        capacity[m] = cap;
        cost[m] = checked(arcCost * scale);
        flow[m] = 0;
        return m++;
    }

    /// <summary>Solves from the current flow and prices, down to the final ε.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Solve()
    {
        BuildResidual();
        Array.Copy(supply, excess, n);
        for (var e = 0; e < m; e++)
        {
            excess[source[e]] -= flow[e];
            excess[target[e]] += flow[e];
        }
        // Start at the worst violation (the whole cost range on a cold start).
        long epsilon = 1;
        for (var v = 0; v < n; v++)
        {
            var pv = price[v];
            for (var i = first[v]; i < first[v + 1]; i++)
            {
                ref var a = ref arcs[i];
                if (a.Room <= 0) continue;
                var rc = a.Cost + pv - price[a.Head];
                if (rc < 0) epsilon = Math.Max(epsilon, -rc);
            }
        }
        // After arcs are added, the phases start again from their worst violation, from the prices reached so far.
        if (FirstEpsilonAtMost > 0) epsilon = Math.Min(epsilon, FirstEpsilonAtMost * Alpha);
        var active = false;
        for (var v = 0; v < n; v++) active |= excess[v] != 0;
        if (epsilon > finalEpsilon || active)
        {
            while (true)
            {
                epsilon = Math.Max(finalEpsilon, epsilon / Alpha);
                var watch = System.Diagnostics.Stopwatch.StartNew();
                var (p0, r0) = (Pushes, Relabels);
                Refine(epsilon);
                if (Trace) Console.Error.WriteLine(FormattableString.Invariant($"  refine ε={epsilon}: {watch.Elapsed.TotalMilliseconds:F0} ms, {Pushes - p0} pushes, {Relabels - r0} relabels, {GlobalUpdates} global updates so far"));
                if (epsilon <= finalEpsilon) break;
            }
        }
        for (var e = 0; e < m; e++) flow[e] = capacity[e] - arcs[position[e]].Room;
    }

    // Residual arcs in adjacency order: those of node v at first[v] .. first[v+1]−1, each with its head, cost (scaled,
    // negated for the backward copy of an arc), residual capacity and the position of its reverse.
    struct Residual
    {
        public long Cost;
        public long Room;
        public int Head;
        public int Reverse;
    }

    Residual[] arcs = [];
    int[] position = [];

    void BuildResidual()
    {
        Array.Clear(first);
        for (var e = 0; e < m; e++) { first[source[e] + 1]++; first[target[e] + 1]++; }
        for (var v = 0; v < n; v++) first[v + 1] += first[v];
        if (arcs.Length < 2 * m) arcs = new Residual[2 * m + m / 2];
        if (position.Length < m) position = new int[m + m / 4];
        var fill = new int[n];
        Array.Copy(first, fill, n);
        for (var e = 0; e < m; e++)
        {
            int u = source[e], v = target[e];
            var i = fill[u]++;
            var j = fill[v]++;
            arcs[i] = new Residual { Head = v, Cost = cost[e], Room = capacity[e] - flow[e], Reverse = j };
            arcs[j] = new Residual { Head = u, Cost = -cost[e], Room = flow[e], Reverse = i };
            position[e] = i;
        }
    }

    int[] queue = [];
    bool[] queued = [];

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void Refine(long epsilon)
    {
        // Saturate every residual arc of negative reduced cost: a 0-optimal pseudoflow.
        for (var v = 0; v < n; v++)
        {
            var pv = price[v];
            for (var i = first[v]; i < first[v + 1]; i++)
            {
                ref var a = ref arcs[i];
                var r = a.Room;
                if (r <= 0) continue;
                var w = a.Head;
                if (a.Cost + pv - price[w] >= 0) continue;
                a.Room = 0;
                arcs[a.Reverse].Room += r;
                excess[v] -= r;
                excess[w] += r;
            }
        }
        if (queue.Length < n + 1) { queue = new int[n + 1]; queued = new bool[n]; }
        int qHead = 0, tail = 0, size = 0;
        for (var v = 0; v < n; v++)
        {
            current[v] = first[v];
            queued[v] = excess[v] > 0;
            if (queued[v]) { queue[tail] = v; tail = tail + 1 == queue.Length ? 0 : tail + 1; size++; }
        }
        if (size == 0) return;
        GlobalUpdate(epsilon);
        long relabelsSinceUpdate = 0;
        var updateEvery = Math.Max(64, (long)(n * UpdateFactor));
        while (size > 0)
        {
            var v = queue[qHead];
            qHead = qHead + 1 == queue.Length ? 0 : qHead + 1;
            size--;
            queued[v] = false;
            // Discharge v.
            while (excess[v] > 0)
            {
                var i = current[v];
                var end = first[v + 1];
                var pv = price[v];
                // A scan from the first arc that finds nothing admissible has seen every residual arc: it gives the
                // relabel's new price unless a look-ahead lowered a price it had already read.
                var whole = i == first[v];
                var best = long.MinValue;
                for (; i < end; i++)
                {
                    ref var a = ref arcs[i];
                    var r = a.Room;
                    if (r <= 0) continue;
                    var w = a.Head;
                    var pw = price[w];
                    if (a.Cost + pv - pw >= 0)
                    {
                        if (pw - a.Cost > best) best = pw - a.Cost;
                        continue;
                    }
                    // Look ahead: a node that could not pass the flow on is relabelled first, and the arc checked again.
                    if (excess[w] >= 0 && !HasAdmissible(w))
                    {
                        RelabelNode(w, epsilon);
                        whole = false;
                        if (a.Cost + pv - price[w] >= 0) continue;
                    }
                    var delta = Math.Min(r, excess[v]);
                    a.Room = r - delta;
                    arcs[a.Reverse].Room += delta;
                    excess[v] -= delta;
                    excess[w] += delta;
                    Pushes++;
                    if (excess[w] > 0 && !queued[w])
                    {
                        queued[w] = true;
                        queue[tail] = w;
                        tail = tail + 1 == queue.Length ? 0 : tail + 1;
                        size++;
                    }
                    if (excess[v] == 0) break;
                }
                current[v] = i;
                if (excess[v] == 0) break;
                // Relabel: the highest price that leaves an arc of reduced cost −ε.
                if (!whole)
                {
                    best = long.MinValue;
                    for (var j = first[v]; j < end; j++)
                    {
                        ref var a = ref arcs[j];
                        if (a.Room <= 0) continue;
                        var candidate = price[a.Head] - a.Cost;
                        if (candidate > best) best = candidate;
                    }
                }
                if (best == long.MinValue) throw new InvalidOperationException("a node with excess has no residual arc");
                price[v] = best - epsilon;
                current[v] = first[v];
                Relabels++;
                if (++relabelsSinceUpdate >= updateEvery)
                {
                    relabelsSinceUpdate = 0;
                    GlobalUpdate(epsilon);
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    bool HasAdmissible(int w)
    {
        var pw = price[w];
        var end = first[w + 1];
        for (var i = current[w]; i < end; i++)
        {
            ref var a = ref arcs[i];
            if (a.Room > 0 && a.Cost + pw - price[a.Head] < 0) { current[w] = i; return true; }
        }
        current[w] = end;
        return false;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void RelabelNode(int v, long epsilon)
    {
        var best = long.MinValue;
        for (var j = first[v]; j < first[v + 1]; j++)
        {
            ref var a = ref arcs[j];
            if (a.Room <= 0) continue;
            var candidate = price[a.Head] - a.Cost;
            if (candidate > best) best = candidate;
        }
        if (best == long.MinValue) return;
        price[v] = best - epsilon;
        current[v] = first[v];
        Relabels++;
    }

    // Buckets of the global update: doubly linked lists of nodes per rank.
    int[] rank = [], bucketHead = [], bucketNext = [], bucketPrev = [];
    bool[] scanned = [];

    /// <summary>
    /// Lowers each node's price by ε × its distance to a node with a deficit, arcs counted ⌊reduced cost / ε⌋ + 1,
    /// which keeps ε-optimality and makes admissible paths from every excess towards a deficit.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void GlobalUpdate(long epsilon)
    {
        GlobalUpdates++;
        var maxRank = n;
        if (rank.Length < n)
        {
            rank = new int[n];
            bucketNext = new int[n];
            bucketPrev = new int[n];
            scanned = new bool[n];
        }
        if (bucketHead.Length < maxRank + 1) bucketHead = new int[maxRank + 1];
        Array.Fill(bucketHead, -1, 0, maxRank + 1);
        var waiting = 0;
        for (var v = 0; v < n; v++)
        {
            scanned[v] = false;
            rank[v] = int.MaxValue;
            if (excess[v] > 0) waiting++;
        }
        for (var v = 0; v < n; v++)
        {
            if (excess[v] < 0) { rank[v] = 0; Insert(v, 0); }
        }
        var r = 0;
        for (; r <= maxRank && waiting > 0; r++)
        {
            while (bucketHead[r] >= 0 && waiting > 0)
            {
                var w = bucketHead[r];
                Remove(w, r);
                scanned[w] = true;
                if (excess[w] > 0) waiting--;
                var pw = price[w];
                // Residual arcs into w: the reverse of each arc out of w.
                for (var i = first[w]; i < first[w + 1]; i++)
                {
                    ref var a = ref arcs[i];
                    var v = a.Head;
                    if (scanned[v] || arcs[a.Reverse].Room <= 0) continue;
                    var rc = -a.Cost + price[v] - pw;
                    var length = rc < 0 ? 0 : rc / epsilon + 1;
                    var nr = r + length;
                    if (nr > maxRank || nr >= rank[v]) continue;
                    if (rank[v] != int.MaxValue) Remove(v, rank[v]);
                    rank[v] = (int)nr;
                    Insert(v, (int)nr);
                }
            }
            if (waiting == 0) break;
        }
        var last = Math.Min(r, maxRank);
        for (var v = 0; v < n; v++)
        {
            var d = scanned[v] ? rank[v] : last;
            price[v] -= epsilon * d;
            current[v] = first[v];
        }
    }

    void Insert(int v, int r)
    {
        bucketPrev[v] = -1;
        bucketNext[v] = bucketHead[r];
        if (bucketHead[r] >= 0) bucketPrev[bucketHead[r]] = v;
        bucketHead[r] = v;
    }

    void Remove(int v, int r)
    {
        if (bucketPrev[v] >= 0) bucketNext[bucketPrev[v]] = bucketNext[v];
        else bucketHead[r] = bucketNext[v];
        if (bucketNext[v] >= 0) bucketPrev[bucketNext[v]] = bucketPrev[v];
    }
}
