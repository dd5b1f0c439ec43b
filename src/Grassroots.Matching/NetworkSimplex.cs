using System.Runtime.CompilerServices;

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
    public long Capacity(int arc) => capacity[arc];
    public long Cost(int arc) => cost[arc];
    /// <summary>
    /// Builds the initial tree from a feasible flow (crossover): <paramref name="arcFlow"/>[e] is the flow on arc e, with
    /// every node's outflow minus inflow equal to its supply. Cycles of arcs strictly between their bounds are cancelled
    /// (each in the direction that does not raise the cost), so those arcs form a forest; each of its trees that does not
    /// hold the root hangs from the root by the zero-cost root arc of one of its nodes, which has room upwards (an arc in
    /// <paramref name="rootArc"/>, at no flow). The tree is strongly feasible: every node can send flow to the root along
    /// its tree path. Returns the number of cycles cancelled.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int StartFromFlow(int[] rootArc, long[] arcFlow)
    {
        var n = root + 1;
        for (var e = 0; e < arcCount; e++)
        {
            if (arcFlow[e] < 0 || arcFlow[e] > capacity[e]) throw new ArgumentException("flow outside an arc's bounds", nameof(arcFlow));
            flow[e] = arcFlow[e];
        }
        // The forest of free arcs (strictly between bounds), as parent pointers with the arc to the parent: first a
        // breadth-first spanning forest of the free arcs (from the root first, so trees are shallow), then each other
        // free arc closes a cycle, which is cancelled.
        Array.Fill(parent, -1, 0, n);
        Array.Fill(pred, -1, 0, n);
        var freeStart = new int[n + 1];
        for (var e = 0; e < arcCount; e++)
        {
            if (flow[e] == 0 || flow[e] == capacity[e]) continue;
            freeStart[source[e] + 1]++;
            freeStart[target[e] + 1]++;
        }
        for (var i = 0; i < n; i++) freeStart[i + 1] += freeStart[i];
        var freeArc = new int[freeStart[n]];
        var fillFree = freeStart[..n];
        for (var e = 0; e < arcCount; e++)
        {
            if (flow[e] == 0 || flow[e] == capacity[e]) continue;
            freeArc[fillFree[source[e]]++] = e;
            freeArc[fillFree[target[e]]++] = e;
        }
        var visited = new bool[n];
        var inForest = new bool[arcCount];
        var bfs = new int[n];
        for (var s0 = n - 1; s0 >= 0; s0--) // the root (node n − 1) first
        {
            if (visited[s0]) continue;
            visited[s0] = true;
            int headQ = 0, tailQ = 0;
            bfs[tailQ++] = s0;
            while (headQ < tailQ)
            {
                var x = bfs[headQ++];
                for (var i = freeStart[x]; i < freeStart[x + 1]; i++)
                {
                    var e = freeArc[i];
                    var y = source[e] == x ? target[e] : source[e];
                    if (visited[y]) continue;
                    visited[y] = true;
                    parent[y] = x;
                    pred[y] = e;
                    inForest[e] = true;
                    bfs[tailQ++] = y;
                }
            }
        }
        var mark = new int[n];
        var stamp = 0;
        var cycles = 0;
        var cycle = new List<int>();
        var forwardOf = new List<bool>();
        for (var e = 0; e < arcCount; e++)
        {
            if (flow[e] == 0 || flow[e] == capacity[e] || inForest[e]) continue;
            int u = source[e], v = target[e];
            // The tree path between u and v, if they share a tree: mark u's path to its root, walk v's until it meets it.
            stamp++;
            for (var x = u; x >= 0; x = parent[x]) mark[x] = stamp;
            var meet = v;
            while (meet >= 0 && mark[meet] != stamp) meet = parent[meet];
            if (meet < 0)
            {
                // Different trees (an earlier cancellation split one): make u the root of its tree, hang it from v.
                Evert(u);
                parent[u] = v;
                pred[u] = e;
                continue;
            }
            // Same tree: the cycle u → v (e forwards), v up to meet, meet down to u. Each tree node x on it stands for
            // its arc pred[x]; "forward" when the cycle's direction runs along that arc.
            cycles++;
            cycle.Clear();
            long cycleCost = cost[e];
            forwardOf.Clear();
            for (var x = v; x != meet; x = parent[x])
            {
                var a = pred[x];
                var forward = source[a] == x;
                cycle.Add(x);
                forwardOf.Add(forward);
                cycleCost += forward ? cost[a] : -cost[a];
            }
            for (var x = u; x != meet; x = parent[x])
            {
                var a = pred[x];
                var forward = target[a] == x;
                cycle.Add(x);
                forwardOf.Add(forward);
                cycleCost += forward ? cost[a] : -cost[a];
            }
            // Push around it in the direction that does not raise the cost, until an arc reaches a bound.
            var sign = cycleCost <= 0 ? 1 : -1;
            var theta = sign > 0 ? capacity[e] - flow[e] : flow[e];
            for (var i = 0; i < cycle.Count; i++)
            {
                var a = pred[cycle[i]];
                theta = Math.Min(theta, forwardOf[i] == (sign > 0) ? capacity[a] - flow[a] : flow[a]);
            }
            flow[e] += sign * theta;
            for (var i = 0; i < cycle.Count; i++) flow[pred[cycle[i]]] += forwardOf[i] == (sign > 0) ? theta : -theta;
            // Cut the tree arcs that reached a bound; hang e in if it is still free.
            foreach (var x in cycle)
            {
                var a = pred[x];
                if (flow[a] == 0 || flow[a] == capacity[a]) { parent[x] = -1; pred[x] = -1; }
            }
            if (flow[e] != 0 && flow[e] != capacity[e])
            {
                Evert(u);
                parent[u] = v;
                pred[u] = e;
            }
        }
        // Hang the root's tree from the root, and every other tree from the root by the root arc of one of its nodes
        // that has room upwards.
        Evert(root);
        var kids = new int[n + 1];
        for (var u = 0; u < n; u++) if (parent[u] >= 0) kids[parent[u] + 1]++;
        for (var i = 0; i < n; i++) kids[i + 1] += kids[i];
        var kid = new int[Math.Max(1, kids[n])];
        var fillKids = kids[..n];
        for (var u = 0; u < n; u++) if (parent[u] >= 0) kid[fillKids[parent[u]]++] = u;
        Array.Clear(visited);
        var trees = new List<int>();
        var component = new int[n];          // the forest tree of each node, named by its root
        var stranded = new List<int>();      // trees with no root arc that has room upwards
        for (var s0 = n - 1; s0 >= 0; s0--)
        {
            var r = s0;
            if (visited[r]) continue;
            while (parent[r] >= 0) r = parent[r];
            // Every node of r's tree.
            int headQ = 0, tailQ = 0;
            bfs[tailQ++] = r;
            visited[r] = true;
            while (headQ < tailQ)
            {
                var x = bfs[headQ++];
                component[x] = r;
                for (var i = kids[x]; i < kids[x + 1]; i++) { visited[kid[i]] = true; bfs[tailQ++] = kid[i]; }
            }
            if (r == root) continue;
            var hang = -1;
            for (var i = 0; i < tailQ && hang < 0; i++)
            {
                var x = bfs[i];
                if (flow[rootArc[x]] < capacity[rootArc[x]]) hang = x;
            }
            if (hang >= 0) trees.Add(hang);
            else stranded.Add(r);
        }
        foreach (var hang in trees)
        {
            var e = rootArc[hang];
            if (source[e] != hang || target[e] != root || cost[e] != 0) throw new InvalidOperationException("a root arc must be a zero-cost arc to the root");
            Evert(hang);
            parent[hang] = root;
            pred[hang] = e;
        }
        if (stranded.Count > 0) HangStranded(stranded, component, trees);
        for (var e = 0; e < arcCount; e++) state[e] = flow[e] == 0 ? Lower : flow[e] == capacity[e] ? Upper : Tree;
        // Preorder thread, subtree sizes, last successors, directions and potentials.
        Array.Clear(kids);
        for (var u = 0; u < root; u++) kids[parent[u] + 1]++;
        for (var i = 0; i < n; i++) kids[i + 1] += kids[i];
        kid = new int[root];
        fillKids = kids[..n];
        for (var u = 0; u < root; u++) kid[fillKids[parent[u]]++] = u;
        var order = new int[n];
        var stack = new Stack<int>();
        stack.Push(root);
        var count = 0;
        pi[root] = 0;
        while (stack.Count > 0)
        {
            var u = stack.Pop();
            order[count++] = u;
            if (u != root)
            {
                var a = pred[u];
                state[a] = Tree;
                if (source[a] == u) { predDir[u] = Up; pi[u] = pi[parent[u]] - cost[a]; }
                else { predDir[u] = Down; pi[u] = pi[parent[u]] + cost[a]; }
            }
            for (var i = kids[u + 1] - 1; i >= kids[u]; i--) stack.Push(kid[i]);
        }
        if (count != n) throw new InvalidOperationException("the starting tree does not span every node");
        for (var i = 0; i < n; i++)
        {
            var u = order[i];
            var next = order[(i + 1) % n];
            thread[u] = next;
            revThread[next] = u;
        }
        var positionOf = new int[n];
        for (var i = 0; i < n; i++) { positionOf[order[i]] = i; succNum[i] = 1; }
        for (var i = n - 1; i > 0; i--) succNum[parent[order[i]]] += succNum[order[i]];
        for (var u = 0; u < n; u++) lastSucc[u] = order[positionOf[u] + succNum[u] - 1];
        parent[root] = -1;
        pred[root] = -1;
        nextArc = 0;
        candidateCount = 0;
        return cycles;
    }

    /// <summary>
    /// What is wrong with the current spanning tree, for tests: each node but the root has a tree arc to its parent, the
    /// thread is a preorder with its reverse, subtree sizes and last successors agree with it, potentials make tree arcs'
    /// reduced costs zero, arcs off the tree sit at the bound their state names, and the tree is strongly feasible.
    /// </summary>
    internal List<string> TreeProblems()
    {
        var problems = new List<string>();
        var n = root + 1;
        for (var u = 0; u < root; u++)
        {
            var e = pred[u];
            if (e < 0 || state[e] != Tree) { problems.Add($"node {u}: no tree arc to its parent"); continue; }
            var up = predDir[u] == Up;
            if (up ? source[e] != u || target[e] != parent[u] : target[e] != u || source[e] != parent[u]) problems.Add($"node {u}: tree arc {e} does not join it to its parent");
            if (cost[e] + pi[source[e]] - pi[target[e]] != 0) problems.Add($"tree arc {e}: reduced cost not zero");
            if (up ? flow[e] >= capacity[e] : flow[e] <= 0) problems.Add($"node {u}: cannot send flow to the root through arc {e} (not strongly feasible)");
        }
        var treeArcs = 0;
        for (var e = 0; e < arcCount; e++)
        {
            if (state[e] == Tree) treeArcs++;
            else if (state[e] == Lower && flow[e] != 0) problems.Add($"arc {e}: at its lower bound with flow {flow[e]}");
            else if (state[e] == Upper && flow[e] != capacity[e]) problems.Add($"arc {e}: at its upper bound with flow {flow[e]}");
            if (flow[e] < 0 || flow[e] > capacity[e]) problems.Add($"arc {e}: flow {flow[e]} outside its bounds");
        }
        if (treeArcs != root) problems.Add($"{treeArcs} tree arcs for {n} nodes");
        // Preorder: walking the thread from the root visits every node once, each after its parent, subtrees contiguous.
        var position = new int[n];
        Array.Fill(position, -1);
        var x = root;
        for (var i = 0; i < n; i++)
        {
            if (position[x] >= 0) { problems.Add("the thread visits a node twice"); return problems; }
            position[x] = i;
            if (revThread[thread[x]] != x) problems.Add($"node {x}: reverse thread broken");
            x = thread[x];
        }
        if (x != root) problems.Add("the thread does not return to the root");
        var size = new int[n];
        for (var u = 0; u < n; u++) size[u] = 1;
        var order = new int[n];
        for (var u = 0; u < n; u++) if (position[u] >= 0) order[position[u]] = u;
        for (var i = n - 1; i > 0; i--) size[parent[order[i]]] += size[order[i]];
        for (var u = 0; u < n; u++)
        {
            if (u != root && position[u] <= position[parent[u]]) problems.Add($"node {u}: before its parent in the thread");
            if (succNum[u] != size[u]) problems.Add($"node {u}: subtree size {succNum[u]}, not {size[u]}");
            if (lastSucc[u] != order[position[u] + size[u] - 1]) problems.Add($"node {u}: wrong last successor");
        }
        return problems;
    }

    /// <summary>Total cost of the current flow.</summary>
    internal long TotalCost()
    {
        long total = 0;
        for (var e = 0; e < arcCount; e++) total += cost[e] * flow[e];
        return total;
    }

    /// <summary>
    /// Hangs forest trees whose root arcs are all full (a slot group filled through arcs at their upper bound) from a
    /// node already hanging from the root, through an arc at a bound that lets them send flow towards it: an arc into the
    /// tree with no flow, or an arc out of the hanging part that is full. Repeats until every tree hangs.
    /// </summary>
    void HangStranded(List<int> stranded, int[] component, List<int> hung)
    {
        var attached = new HashSet<int>(hung.Select(h => component[h])) { root };
        var pending = new HashSet<int>(stranded);
        while (pending.Count > 0)
        {
            var progress = false;
            for (var e = 0; e < arcCount; e++)
            {
                int u = source[e], v = target[e];
                int cu = component[u], cv = component[v];
                if (pending.Contains(cu) && attached.Contains(cv) && flow[e] < capacity[e])
                {
                    Evert(u); parent[u] = v; pred[u] = e;
                    pending.Remove(cu); attached.Add(cu); progress = true;
                }
                else if (pending.Contains(cv) && attached.Contains(cu) && flow[e] > 0)
                {
                    Evert(v); parent[v] = u; pred[v] = e;
                    pending.Remove(cv); attached.Add(cv); progress = true;
                }
            }
            if (!progress) throw new InvalidOperationException("a part of the starting flow cannot reach the root");
        }
    }

    /// <summary>Makes <paramref name="u"/> the root of its tree in the parent-pointer forest (reverses its path).</summary>
    void Evert(int u)
    {
        int previous = -1, previousArc = -1;
        var x = u;
        while (x >= 0)
        {
            var up = parent[x];
            var upArc = pred[x];
            parent[x] = previous;
            pred[x] = previousArc;
            previous = x;
            previousArc = upArc;
            x = up;
        }
    }

    public int Source(int arc) => source[arc];
    public int Target(int arc) => target[arc];
    public long Potential(int node) => pi[node];

    // Buffers of LargestPotentials, kept from call to call.
    int[] residualStart = [], residualFill = [], residualHead = [];
    long[] residualWeight = [], dist = [];
    bool[] done = [];
    readonly PriorityQueue<int, long> potentialQueue = new();

    /// <summary>
    /// The largest optimal potentials relative to the root (root = 0): shortest-path distances from the root in the
    /// residual network (Dijkstra on the simplex's reduced costs, which are non-negative at optimality). Of all optimal
    /// dual solutions these give nodes that send flow to the root the highest prices and nodes that receive from it the
    /// lowest. Call after <see cref="Solve"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public long[] LargestPotentials()
    {
        var n = root + 1;
        // Residual adjacency: forward arcs with room, backward arcs with flow (buffers kept from call to call).
        if (residualStart.Length < n + 1)
        {
            residualStart = new int[n + 1];
            residualFill = new int[n];
            dist = new long[n];
            done = new bool[n];
        }
        var degree = residualStart;
        Array.Clear(degree, 0, n + 1);
        for (var e = 0; e < arcCount; e++)
        {
            if (flow[e] < capacity[e]) degree[source[e] + 1]++;
            if (flow[e] > 0) degree[target[e] + 1]++;
        }
        for (var i = 0; i < n; i++) degree[i + 1] += degree[i];
        if (residualHead.Length < degree[n])
        {
            residualHead = new int[degree[n] + degree[n] / 4];
            residualWeight = new long[residualHead.Length];
        }
        var head = residualHead;
        var weight = residualWeight;
        var fill = residualFill;
        Array.Copy(degree, fill, n);
        for (var e = 0; e < arcCount; e++)
        {
            long rc = cost[e] + pi[source[e]] - pi[target[e]];
            if (flow[e] < capacity[e]) { head[fill[source[e]]] = target[e]; weight[fill[source[e]]++] = rc; }
            if (flow[e] > 0) { head[fill[target[e]]] = source[e]; weight[fill[target[e]]++] = -rc; }
        }
        Array.Fill(dist, long.MaxValue, 0, n);
        Array.Clear(done, 0, n);
        var queue = potentialQueue;
        queue.Clear();
        dist[root] = 0;
        queue.Enqueue(root, 0);
        while (queue.TryDequeue(out var u, out var d))
        {
            if (done[u]) continue;
            done[u] = true;
            for (var i = degree[u]; i < degree[u + 1]; i++)
            {
                var v = head[i];
                var nd = d + weight[i];
                if (nd < dist[v]) { dist[v] = nd; queue.Enqueue(v, nd); }
            }
        }
        var result = new long[n];
        for (var v = 0; v < n; v++)
        {
            // Unreachable nodes keep the simplex's potential (any value up to infinity would do).
            result[v] = dist[v] == long.MaxValue ? pi[v] - pi[root] : dist[v] + pi[v] - pi[root];
        }
        return result;
    }

    /// <summary>Pivots until no arc has a negative reduced cost in its residual direction.</summary>
    /// <summary>Blocks of a quarter of √arcs: near the optimum few arcs qualify, and a short block finds one sooner.</summary>
    const double BlockFactor = 0.25;

    /// <summary>Pivots made so far (all solves).</summary>
    public long Pivots { get; private set; }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Solve()
    {
        var blockSize = Math.Max(10, (int)(Math.Sqrt(arcCount) * BlockFactor));
        while (FindEnteringArc(blockSize))
        {
            Pivots++;
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

    // Altering candidate list (LEMON): arcs of negative reduced cost collected block by block; each pivot re-checks the
    // list, extends it from the next blocks, keeps the best few and enters the best.
    int[] candidates = [];
    long[] candidateCost = [];
    int candidateCount;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    bool FindEnteringArc(int blockSize)
    {
        var headLength = Math.Max(3, blockSize / 100);
        if (candidates.Length < headLength + blockSize + 1)
        {
            candidates = new int[headLength + blockSize + 1];
            candidateCost = new long[headLength + blockSize + 1];
            candidateCount = 0;
        }
        // Re-check the list.
        for (var i = 0; i < candidateCount; i++)
        {
            var e = candidates[i];
            var c = state[e] * (cost[e] + pi[source[e]] - pi[target[e]]);
            if (c < 0) candidateCost[i] = c;
            else
            {
                candidateCount--;
                candidates[i] = candidates[candidateCount];
                candidateCost[i] = candidateCost[candidateCount];
                i--;
            }
        }
        // Extend it.
        var count = blockSize;
        var limit = headLength;
        var m = arcCount;
        var found = false;
        int arc;
        for (arc = nextArc; arc < m; arc++)
        {
            var c = state[arc] * (cost[arc] + pi[source[arc]] - pi[target[arc]]);
            if (c < 0) { candidates[candidateCount] = arc; candidateCost[candidateCount++] = c; }
            if (--count == 0)
            {
                if (candidateCount > limit) { found = true; arc++; break; }
                limit = 0;
                count = blockSize;
            }
        }
        if (!found)
        {
            for (arc = 0; arc < nextArc; arc++)
            {
                var c = state[arc] * (cost[arc] + pi[source[arc]] - pi[target[arc]]);
                if (c < 0) { candidates[candidateCount] = arc; candidateCost[candidateCount++] = c; }
                if (--count == 0)
                {
                    if (candidateCount > limit) { found = true; arc++; break; }
                    limit = 0;
                    count = blockSize;
                }
            }
            if (!found && candidateCount == 0) return false;
        }
        nextArc = arc >= m ? 0 : arc;
        // Keep the best (headLength + 1), enter the best of them.
        var keep = Math.Min(headLength + 1, candidateCount);
        SelectSmallest(keep);
        var best = 0;
        for (var i = 1; i < keep; i++) if (candidateCost[i] < candidateCost[best]) best = i;
        inArc = candidates[best];
        candidates[best] = candidates[keep - 1];
        candidateCost[best] = candidateCost[keep - 1];
        candidateCount = keep - 1;
        return true;
    }

    /// <summary>Moves the <paramref name="keep"/> candidates of least reduced cost to the front (a max-heap over the front).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void SelectSmallest(int keep)
    {
        if (keep >= candidateCount) return;
        for (var i = keep / 2 - 1; i >= 0; i--) SiftDown(i, keep);
        for (var i = keep; i < candidateCount; i++)
        {
            if (candidateCost[i] >= candidateCost[0]) continue;
            (candidates[0], candidates[i]) = (candidates[i], candidates[0]);
            (candidateCost[0], candidateCost[i]) = (candidateCost[i], candidateCost[0]);
            SiftDown(0, keep);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void SiftDown(int i, int size)
    {
        while (true)
        {
            var child = 2 * i + 1;
            if (child >= size) return;
            if (child + 1 < size && candidateCost[child + 1] > candidateCost[child]) child++;
            if (candidateCost[child] <= candidateCost[i]) return;
            (candidates[i], candidates[child]) = (candidates[child], candidates[i]);
            (candidateCost[i], candidateCost[child]) = (candidateCost[child], candidateCost[i]);
            i = child;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void UpdatePotential()
    {
        var sigma = pi[vIn] - pi[uIn] - predDir[uIn] * cost[inArc];
        var end = thread[lastSucc[uIn]];
        for (var u = uIn; u != end; u = thread[u]) pi[u] += sigma;
    }
}
