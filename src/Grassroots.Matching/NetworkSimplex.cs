namespace Grassroots.Matching;

/// <summary>
/// Primal network simplex for a min-cost flow whose root is a real node (the dispatch sink): every other node starts as
/// a child of the root through a real arc directed to it, so no artificial arcs or big-M costs are needed. The tree is
/// kept strongly feasible (Cunningham), so the method terminates; entering arcs are chosen by block search. Arcs can be
/// added between solves (column generation): the current basis stays optimal for the old arcs and the next
/// <see cref="Solve"/> continues from it.
/// </summary>
/// <remarks>
/// The tree is stored with parent, predecessor arc and direction, a preorder thread with its reverse, subtree sizes and
/// the last node of each subtree, as in LEMON's NetworkSimplex (Kovács, "Minimum-cost flow algorithms: an experimental
/// evaluation", 2015). Potentials satisfy cost + π(source) − π(target) = 0 on tree arcs; at optimality every arc at its
/// lower bound has a non-negative reduced cost and every arc at its upper bound a non-positive one.
/// </remarks>
sealed class NetworkSimplex
{
    public const long Infinite = long.MaxValue;
    const sbyte Upper = -1, Tree = 0, Lower = 1;
    const sbyte Up = 1, Down = -1;

    readonly int root;
    int arcCount;
    int[] source, target;
    long[] capacity, cost, flow;
    sbyte[] state;

    readonly int[] parent, pred, thread, revThread, succNum, lastSucc;
    readonly sbyte[] predDir;
    readonly long[] pi;
    readonly List<int> dirtyRevs = [];
    int nextArc;

    // Pivot state.
    int inArc, join, uIn, vIn, uOut, vOut;
    long delta;

    /// <summary>Creates the network with <paramref name="nodeCount"/> nodes besides the root, which is node <paramref name="nodeCount"/>.</summary>
    public NetworkSimplex(int nodeCount, int arcCapacityHint)
    {
        root = nodeCount;
        var n = nodeCount + 1;
        source = new int[Math.Max(4, arcCapacityHint)];
        target = new int[source.Length];
        capacity = new long[source.Length];
        cost = new long[source.Length];
        flow = new long[source.Length];
        state = new sbyte[source.Length];
        parent = new int[n];
        pred = new int[n];
        thread = new int[n];
        revThread = new int[n];
        succNum = new int[n];
        lastSucc = new int[n];
        predDir = new sbyte[n];
        pi = new long[n];
    }

    public int Root => root;
    public int ArcCount => arcCount;

    /// <summary>Adds an arc at its lower bound (no flow) and returns its index.</summary>
    public int AddArc(int from, int to, long cap, long arcCost)
    {
        if (arcCount == source.Length)
        {
            var size = source.Length * 2;
            Array.Resize(ref source, size);
            Array.Resize(ref target, size);
            Array.Resize(ref capacity, size);
            Array.Resize(ref cost, size);
            Array.Resize(ref flow, size);
            Array.Resize(ref state, size);
        }
        var e = arcCount++;
        source[e] = from;
        target[e] = to;
        capacity[e] = cap;
        cost[e] = arcCost;
        flow[e] = 0;
        state[e] = Lower;
        return e;
    }

    /// <summary>
    /// Builds the initial tree: node u hangs from the root by <paramref name="rootArc"/>[u], an arc u → root carrying
    /// <paramref name="initialFlow"/>[u] (the node's supply). Every such arc must have zero cost.
    /// </summary>
    public void Start(int[] rootArc, long[] initialFlow)
    {
        var n = root;
        for (var u = 0; u < n; u++)
        {
            var e = rootArc[u];
            if (source[e] != u || target[e] != root || cost[e] != 0) throw new InvalidOperationException("initial tree arc must be a zero-cost arc to the root");
            parent[u] = root;
            pred[u] = e;
            predDir[u] = Up;
            thread[u] = u + 1;
            revThread[u + 1] = u;
            succNum[u] = 1;
            lastSucc[u] = u;
            state[e] = Tree;
            flow[e] = initialFlow[u];
            pi[u] = 0;
        }
        parent[root] = -1;
        pred[root] = -1;
        thread[root] = 0;
        revThread[0] = root;
        succNum[root] = n + 1;
        lastSucc[root] = n == 0 ? root : n - 1;
        pi[root] = 0;
        nextArc = 0;
    }

    public long Flow(int arc) => flow[arc];
    public int Source(int arc) => source[arc];
    public int Target(int arc) => target[arc];
    public long Potential(int node) => pi[node];

    /// <summary>Pivots until no arc has a negative reduced cost in its residual direction.</summary>
    public void Solve()
    {
        var blockSize = Math.Max(10, (int)Math.Sqrt(arcCount));
        while (FindEnteringArc(blockSize))
        {
            FindJoinNode();
            var change = FindLeavingArc();
            if (delta >= Infinite) throw new InvalidOperationException("unbounded network");
            ChangeFlow(change);
            if (change)
            {
                UpdateTreeStructure();
                UpdatePotential();
            }
        }
    }

    bool FindEnteringArc(int blockSize)
    {
        long min = 0;
        var count = blockSize;
        int e;
        var m = arcCount;
        for (e = nextArc; e < m; e++)
        {
            var c = state[e] * (cost[e] + pi[source[e]] - pi[target[e]]);
            if (c < min) { min = c; inArc = e; }
            if (--count == 0)
            {
                if (min < 0) { nextArc = e + 1; return true; }
                count = blockSize;
            }
        }
        for (e = 0; e < nextArc; e++)
        {
            var c = state[e] * (cost[e] + pi[source[e]] - pi[target[e]]);
            if (c < min) { min = c; inArc = e; }
            if (--count == 0)
            {
                if (min < 0) { nextArc = e + 1; return true; }
                count = blockSize;
            }
        }
        if (min >= 0) return false;
        nextArc = e;
        return true;
    }

    void FindJoinNode()
    {
        int u = source[inArc], v = target[inArc];
        while (u != v)
        {
            if (succNum[u] < succNum[v]) u = parent[u];
            else v = parent[v];
        }
        join = u;
    }

    bool FindLeavingArc()
    {
        int first, second;
        if (state[inArc] == Lower) { first = source[inArc]; second = target[inArc]; }
        else { first = target[inArc]; second = source[inArc]; }
        delta = capacity[inArc];
        var result = 0;
        for (var u = first; u != join; u = parent[u])
        {
            var e = pred[u];
            var d = flow[e];
            if (predDir[u] == Down)
            {
                var c = capacity[e];
                d = c >= Infinite ? Infinite : c - d;
            }
            if (d < delta) { delta = d; uOut = u; result = 1; }
        }
        for (var u = second; u != join; u = parent[u])
        {
            var e = pred[u];
            var d = flow[e];
            if (predDir[u] == Up)
            {
                var c = capacity[e];
                d = c >= Infinite ? Infinite : c - d;
            }
            if (d <= delta) { delta = d; uOut = u; result = 2; }
        }
        if (result == 1) { uIn = first; vIn = second; }
        else { uIn = second; vIn = first; }
        return result != 0;
    }

    void ChangeFlow(bool change)
    {
        if (delta > 0)
        {
            var val = state[inArc] * delta;
            flow[inArc] += val;
            for (var u = source[inArc]; u != join; u = parent[u]) flow[pred[u]] -= predDir[u] * val;
            for (var u = target[inArc]; u != join; u = parent[u]) flow[pred[u]] += predDir[u] * val;
        }
        if (change)
        {
            state[inArc] = Tree;
            state[pred[uOut]] = flow[pred[uOut]] == 0 ? Lower : Upper;
        }
        else
        {
            state[inArc] = (sbyte)-state[inArc];
        }
    }

    void UpdateTreeStructure()
    {
        var oldRevThread = revThread[uOut];
        var oldSuccNum = succNum[uOut];
        var oldLastSucc = lastSucc[uOut];
        vOut = parent[uOut];

        if (uIn == uOut)
        {
            parent[uIn] = vIn;
            pred[uIn] = inArc;
            predDir[uIn] = uIn == source[inArc] ? Up : Down;
            if (thread[vIn] != uOut)
            {
                var after = thread[oldLastSucc];
                thread[oldRevThread] = after;
                revThread[after] = oldRevThread;
                after = thread[vIn];
                thread[vIn] = uOut;
                revThread[uOut] = vIn;
                thread[oldLastSucc] = after;
                revThread[after] = oldLastSucc;
            }
        }
        else
        {
            var threadContinue = oldRevThread == vIn ? thread[oldLastSucc] : thread[vIn];
            var stem = uIn;
            var parStem = vIn;
            var last = lastSucc[uIn];
            int before, after = thread[last];
            thread[vIn] = uIn;
            dirtyRevs.Clear();
            dirtyRevs.Add(vIn);
            while (stem != uOut)
            {
                var nextStem = parent[stem];
                thread[last] = nextStem;
                dirtyRevs.Add(last);
                before = revThread[stem];
                thread[before] = after;
                revThread[after] = before;
                parent[stem] = parStem;
                parStem = stem;
                stem = nextStem;
                last = lastSucc[stem] == lastSucc[parStem] ? revThread[parStem] : lastSucc[stem];
                after = thread[last];
            }
            parent[uOut] = parStem;
            thread[last] = threadContinue;
            revThread[threadContinue] = last;
            lastSucc[uOut] = last;
            if (oldRevThread != vIn)
            {
                thread[oldRevThread] = after;
                revThread[after] = oldRevThread;
            }
            foreach (var u in dirtyRevs) revThread[thread[u]] = u;

            int tmpSc = 0, tmpLs = lastSucc[uOut];
            for (int u = uOut, p = parent[u]; u != uIn; u = p, p = parent[u])
            {
                pred[u] = pred[p];
                predDir[u] = (sbyte)-predDir[p];
                tmpSc += succNum[u] - succNum[p];
                succNum[u] = tmpSc;
                lastSucc[p] = tmpLs;
            }
            pred[uIn] = inArc;
            predDir[uIn] = uIn == source[inArc] ? Up : Down;
            succNum[uIn] = oldSuccNum;
        }

        var upLimitOut = lastSucc[join] == vIn ? join : -1;
        var lastSuccOut = lastSucc[uOut];
        for (var u = vIn; u != -1 && lastSucc[u] == vIn; u = parent[u]) lastSucc[u] = lastSuccOut;
        if (join != oldRevThread && vIn != oldRevThread)
        {
            for (var u = vOut; u != upLimitOut && lastSucc[u] == oldLastSucc; u = parent[u]) lastSucc[u] = oldRevThread;
        }
        else if (lastSuccOut != oldLastSucc)
        {
            for (var u = vOut; u != upLimitOut && lastSucc[u] == oldLastSucc; u = parent[u]) lastSucc[u] = lastSuccOut;
        }
        for (var u = vIn; u != join; u = parent[u]) succNum[u] += oldSuccNum;
        for (var u = vOut; u != join; u = parent[u]) succNum[u] -= oldSuccNum;
    }

    void UpdatePotential()
    {
        var sigma = pi[vIn] - pi[uIn] - predDir[uIn] * cost[inArc];
        var end = thread[lastSucc[uIn]];
        for (var u = uIn; u != end; u = thread[u]) pi[u] += sigma;
    }
}
