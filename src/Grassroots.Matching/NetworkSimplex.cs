using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

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

    /// <summary>
    /// What the entering-arc search reads of an arc, in one 16-byte record: its ends and cost, with its state (Upper,
    /// Tree, Lower) in the top two bits of the source.
    /// </summary>
    internal struct ArcRecord
    {
        public int SourceState;
        public int Target;
        public long Cost;
    }

    /// <summary>An arc's flow and capacity, read together by the leaving-arc search.</summary>
    internal struct ArcRoom
    {
        public long Flow;
        public long Capacity;
    }

    /// <summary>What the walks up the tree read of a node, in one 16-byte record.</summary>
    struct TreeNode
    {
        public int Parent;
        public int Pred;
        public int SuccNum;
        public int LastSucc;
    }

    const int StateShift = 30;
    const int SourceMask = (1 << StateShift) - 1;

    readonly int root;
    int arcCount;
    ArcRecord[] arcs;
    ArcRoom[] room;

    readonly TreeNode[] tree;
    readonly int[] thread, revThread;
    readonly sbyte[] predDir;
    readonly long[] pi;
    readonly List<int> dirtyRevs = [];
    int nextArc;

    // Pivot state.
    int inArc, join, uIn, vIn, uOut, vOut;
    long delta;

    /// <summary>
    /// Arc arrays that finished networks gave back (<see cref="Release"/>), for the next networks of the same solve:
    /// regions are solved largest first, so the first regions' arrays serve all the later ones, and the large-object
    /// heap is not refilled region after region. Dropped with the solve.
    /// </summary>
    public sealed class Spares
    {
        readonly List<(ArcRecord[] Arcs, ArcRoom[] Room)> free = [];

        internal bool TryTake(int length, out ArcRecord[] arcs, out ArcRoom[] room)
        {
            lock (free)
            {
                var best = -1;
                for (var i = 0; i < free.Count; i++)
                {
                    if (free[i].Arcs.Length >= length && (best < 0 || free[i].Arcs.Length < free[best].Arcs.Length)) best = i;
                }
                if (best < 0) { arcs = []; room = []; return false; }
                (arcs, room) = free[best];
                free.RemoveAt(best);
                return true;
            }
        }

        internal void Give(ArcRecord[] arcs, ArcRoom[] room)
        {
            lock (free) free.Add((arcs, room));
        }
    }

    readonly Spares? spares;

    /// <summary>Creates the network with <paramref name="nodeCount"/> nodes besides the root, which is node <paramref name="nodeCount"/>.</summary>
    public NetworkSimplex(int nodeCount, int arcCapacityHint, Spares? spares = null)
    {
        root = nodeCount;
        var n = nodeCount + 1;
        if (nodeCount < 0 || nodeCount >= SourceMask) throw new ArgumentOutOfRangeException(nameof(nodeCount));
        this.spares = spares;
        // Given-back arrays need no clearing: every arc is written whole when added, and nothing past arcCount is read.
        if (spares is null || !spares.TryTake(Math.Max(4, arcCapacityHint), out arcs, out room))
        {
            arcs = new ArcRecord[Math.Max(4, arcCapacityHint)];
            room = new ArcRoom[arcs.Length];
        }
        tree = new TreeNode[n];
        thread = new int[n];
        revThread = new int[n];
        predDir = new sbyte[n];
        pi = new long[n];
    }

    /// <summary>Gives the arc arrays back to the solve's <see cref="Spares"/>; the network must not be used after this.</summary>
    public void Release()
    {
        if (spares is null || arcs.Length == 0) return;
        spares.Give(arcs, room);
        arcs = [];
        room = [];
        arcCount = 0;
    }

    public int Root => root;
    public int ArcCount => arcCount;

    /// <summary>Adds an arc at its lower bound (no flow) and returns its index.</summary>
    public int AddArc(int from, int to, long cap, long arcCost)
    {
        if ((uint)from > (uint)root || (uint)to > (uint)root) throw new ArgumentOutOfRangeException(nameof(from), "an arc's ends must be nodes of the network");
        if (arcCount == arcs.Length)
        {
            var size = arcs.Length * 2;
            Array.Resize(ref arcs, size);
            Array.Resize(ref room, size);
        }
        var e = arcCount++;
        arcs[e] = new ArcRecord { SourceState = from | (Lower << StateShift), Target = to, Cost = arcCost };
        room[e] = new ArcRoom { Flow = 0, Capacity = cap };
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
            if (Source(e) != u || arcs[e].Target != root || arcs[e].Cost != 0) throw new InvalidOperationException("initial tree arc must be a zero-cost arc to the root");
            tree[u].Parent = root;
            tree[u].Pred = e;
            predDir[u] = Up;
            thread[u] = u + 1;
            revThread[u + 1] = u;
            tree[u].SuccNum = 1;
            tree[u].LastSucc = u;
            SetState(e, Tree);
            room[e].Flow = initialFlow[u];
            pi[u] = 0;
        }
        tree[root].Parent = -1;
        tree[root].Pred = -1;
        thread[root] = 0;
        revThread[0] = root;
        tree[root].SuccNum = n + 1;
        tree[root].LastSucc = n == 0 ? root : n - 1;
        pi[root] = 0;
        nextArc = 0;
    }

    public long Flow(int arc) => room[arc].Flow;
    public long Capacity(int arc) => room[arc].Capacity;
    public long Cost(int arc) => arcs[arc].Cost;
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
            if (arcFlow[e] < 0 || arcFlow[e] > room[e].Capacity) throw new ArgumentException("flow outside an arc's bounds", nameof(arcFlow));
            room[e].Flow = arcFlow[e];
        }
        // The forest of free arcs (strictly between bounds), as parent pointers with the arc to the parent: first a
        // breadth-first spanning forest of the free arcs (from the root first, so trees are shallow), then each other
        // free arc closes a cycle, which is cancelled.
        for (var u = 0; u < n; u++) { tree[u].Parent = -1; tree[u].Pred = -1; }
        var freeStart = new int[n + 1];
        for (var e = 0; e < arcCount; e++)
        {
            if (room[e].Flow == 0 || room[e].Flow == room[e].Capacity) continue;
            freeStart[Source(e) + 1]++;
            freeStart[arcs[e].Target + 1]++;
        }
        for (var i = 0; i < n; i++) freeStart[i + 1] += freeStart[i];
        var freeArc = new int[freeStart[n]];
        var fillFree = freeStart[..n];
        for (var e = 0; e < arcCount; e++)
        {
            if (room[e].Flow == 0 || room[e].Flow == room[e].Capacity) continue;
            freeArc[fillFree[Source(e)]++] = e;
            freeArc[fillFree[arcs[e].Target]++] = e;
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
                    var y = Source(e) == x ? arcs[e].Target : Source(e);
                    if (visited[y]) continue;
                    visited[y] = true;
                    tree[y].Parent = x;
                    tree[y].Pred = e;
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
            if (room[e].Flow == 0 || room[e].Flow == room[e].Capacity || inForest[e]) continue;
            int u = Source(e), v = arcs[e].Target;
            // The tree path between u and v, if they share a tree: mark u's path to its root, walk v's until it meets it.
            stamp++;
            for (var x = u; x >= 0; x = tree[x].Parent) mark[x] = stamp;
            var meet = v;
            while (meet >= 0 && mark[meet] != stamp) meet = tree[meet].Parent;
            if (meet < 0)
            {
                // Different trees (an earlier cancellation split one): make u the root of its tree, hang it from v.
                Evert(u);
                tree[u].Parent = v;
                tree[u].Pred = e;
                continue;
            }
            // Same tree: the cycle u → v (e forwards), v up to meet, meet down to u. Each tree node x on it stands for
            // its arc tree[x].Pred; "forward" when the cycle's direction runs along that arc.
            cycles++;
            cycle.Clear();
            long cycleCost = arcs[e].Cost;
            forwardOf.Clear();
            for (var x = v; x != meet; x = tree[x].Parent)
            {
                var a = tree[x].Pred;
                var forward = Source(a) == x;
                cycle.Add(x);
                forwardOf.Add(forward);
                cycleCost += forward ? arcs[a].Cost : -arcs[a].Cost;
            }
            for (var x = u; x != meet; x = tree[x].Parent)
            {
                var a = tree[x].Pred;
                var forward = arcs[a].Target == x;
                cycle.Add(x);
                forwardOf.Add(forward);
                cycleCost += forward ? arcs[a].Cost : -arcs[a].Cost;
            }
            // Push around it in the direction that does not raise the cost, until an arc reaches a bound.
            var sign = cycleCost <= 0 ? 1 : -1;
            var theta = sign > 0 ? room[e].Capacity - room[e].Flow : room[e].Flow;
            for (var i = 0; i < cycle.Count; i++)
            {
                var a = tree[cycle[i]].Pred;
                theta = Math.Min(theta, forwardOf[i] == (sign > 0) ? room[a].Capacity - room[a].Flow : room[a].Flow);
            }
            room[e].Flow += sign * theta;
            for (var i = 0; i < cycle.Count; i++) room[tree[cycle[i]].Pred].Flow += forwardOf[i] == (sign > 0) ? theta : -theta;
            // Cut the tree arcs that reached a bound; hang e in if it is still free.
            foreach (var x in cycle)
            {
                var a = tree[x].Pred;
                if (room[a].Flow == 0 || room[a].Flow == room[a].Capacity) { tree[x].Parent = -1; tree[x].Pred = -1; }
            }
            if (room[e].Flow != 0 && room[e].Flow != room[e].Capacity)
            {
                Evert(u);
                tree[u].Parent = v;
                tree[u].Pred = e;
            }
        }
        // Hang the root's tree from the root, and every other tree from the root by the root arc of one of its nodes
        // that has room upwards.
        Evert(root);
        var kids = new int[n + 1];
        for (var u = 0; u < n; u++) if (tree[u].Parent >= 0) kids[tree[u].Parent + 1]++;
        for (var i = 0; i < n; i++) kids[i + 1] += kids[i];
        var kid = new int[Math.Max(1, kids[n])];
        var fillKids = kids[..n];
        for (var u = 0; u < n; u++) if (tree[u].Parent >= 0) kid[fillKids[tree[u].Parent]++] = u;
        Array.Clear(visited);
        var trees = new List<int>();
        var component = new int[n];          // the forest tree of each node, named by its root
        var stranded = new List<int>();      // trees with no root arc that has room upwards
        for (var s0 = n - 1; s0 >= 0; s0--)
        {
            var r = s0;
            if (visited[r]) continue;
            while (tree[r].Parent >= 0) r = tree[r].Parent;
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
                if (room[rootArc[x]].Flow < room[rootArc[x]].Capacity) hang = x;
            }
            if (hang >= 0) trees.Add(hang);
            else stranded.Add(r);
        }
        foreach (var hang in trees)
        {
            var e = rootArc[hang];
            if (Source(e) != hang || arcs[e].Target != root || arcs[e].Cost != 0) throw new InvalidOperationException("a root arc must be a zero-cost arc to the root");
            Evert(hang);
            tree[hang].Parent = root;
            tree[hang].Pred = e;
        }
        if (stranded.Count > 0) HangStranded(stranded, component, trees);
        for (var e = 0; e < arcCount; e++) SetState(e, room[e].Flow == 0 ? Lower : room[e].Flow == room[e].Capacity ? Upper : Tree);
        // Preorder thread, subtree sizes, last successors, directions and potentials.
        Array.Clear(kids);
        for (var u = 0; u < root; u++) kids[tree[u].Parent + 1]++;
        for (var i = 0; i < n; i++) kids[i + 1] += kids[i];
        kid = new int[root];
        fillKids = kids[..n];
        for (var u = 0; u < root; u++) kid[fillKids[tree[u].Parent]++] = u;
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
                var a = tree[u].Pred;
                SetState(a, Tree);
                if (Source(a) == u) { predDir[u] = Up; pi[u] = pi[tree[u].Parent] - arcs[a].Cost; }
                else { predDir[u] = Down; pi[u] = pi[tree[u].Parent] + arcs[a].Cost; }
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
        for (var i = 0; i < n; i++) { positionOf[order[i]] = i; tree[i].SuccNum = 1; }
        for (var i = n - 1; i > 0; i--) tree[tree[order[i]].Parent].SuccNum += tree[order[i]].SuccNum;
        for (var u = 0; u < n; u++) tree[u].LastSucc = order[positionOf[u] + tree[u].SuccNum - 1];
        tree[root].Parent = -1;
        tree[root].Pred = -1;
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
            var e = tree[u].Pred;
            if (e < 0 || State(e) != Tree) { problems.Add($"node {u}: no tree arc to its parent"); continue; }
            var up = predDir[u] == Up;
            if (up ? Source(e) != u || arcs[e].Target != tree[u].Parent : arcs[e].Target != u || Source(e) != tree[u].Parent) problems.Add($"node {u}: tree arc {e} does not join it to its parent");
            if (arcs[e].Cost + pi[Source(e)] - pi[arcs[e].Target] != 0) problems.Add($"tree arc {e}: reduced cost not zero");
            if (up ? room[e].Flow >= room[e].Capacity : room[e].Flow <= 0) problems.Add($"node {u}: cannot send flow to the root through arc {e} (not strongly feasible)");
        }
        var treeArcs = 0;
        for (var e = 0; e < arcCount; e++)
        {
            if (State(e) == Tree) treeArcs++;
            else if (State(e) == Lower && room[e].Flow != 0) problems.Add($"arc {e}: at its lower bound with flow {room[e].Flow}");
            else if (State(e) == Upper && room[e].Flow != room[e].Capacity) problems.Add($"arc {e}: at its upper bound with flow {room[e].Flow}");
            if (room[e].Flow < 0 || room[e].Flow > room[e].Capacity) problems.Add($"arc {e}: flow {room[e].Flow} outside its bounds");
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
        for (var i = n - 1; i > 0; i--) size[tree[order[i]].Parent] += size[order[i]];
        for (var u = 0; u < n; u++)
        {
            if (u != root && position[u] <= position[tree[u].Parent]) problems.Add($"node {u}: before its parent in the thread");
            if (tree[u].SuccNum != size[u]) problems.Add($"node {u}: subtree size {tree[u].SuccNum}, not {size[u]}");
            if (tree[u].LastSucc != order[position[u] + size[u] - 1]) problems.Add($"node {u}: wrong last successor");
        }
        return problems;
    }

    /// <summary>Total cost of the current flow.</summary>
    internal long TotalCost()
    {
        long total = 0;
        for (var e = 0; e < arcCount; e++) total += arcs[e].Cost * room[e].Flow;
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
                int u = Source(e), v = arcs[e].Target;
                int cu = component[u], cv = component[v];
                if (pending.Contains(cu) && attached.Contains(cv) && room[e].Flow < room[e].Capacity)
                {
                    Evert(u); tree[u].Parent = v; tree[u].Pred = e;
                    pending.Remove(cu); attached.Add(cu); progress = true;
                }
                else if (pending.Contains(cv) && attached.Contains(cu) && room[e].Flow > 0)
                {
                    Evert(v); tree[v].Parent = u; tree[v].Pred = e;
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
            var up = tree[x].Parent;
            var upArc = tree[x].Pred;
            tree[x].Parent = previous;
            tree[x].Pred = previousArc;
            previous = x;
            previousArc = upArc;
            x = up;
        }
    }

    public int Source(int arc) => arcs[arc].SourceState & SourceMask;

    /// <summary>The arc's state: Upper, Tree or Lower.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    sbyte State(int arc) => (sbyte)(arcs[arc].SourceState >> StateShift);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    void SetState(int arc, sbyte value)
    {
        ref var a = ref arcs[arc];
        a.SourceState = (a.SourceState & SourceMask) | (value << StateShift);
    }
    public int Target(int arc) => arcs[arc].Target;
    public long Potential(int node) => pi[node];

    // Buffers of LargestPotentials, kept from call to call.
    int[] residualStart = [], residualFill = [], residualHead = [];
    long[] residualWeight = [], dist = [];
    // Dijkstra's queue: a binary heap of nodes keyed by dist, with each node's place in it (−1: never queued, −2: done).
    int[] heap = [], heapPlace = [];

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
            heap = new int[n];
            heapPlace = new int[n];
        }
        var degree = residualStart;
        Array.Clear(degree, 0, n + 1);
        for (var e = 0; e < arcCount; e++)
        {
            if (room[e].Flow < room[e].Capacity) degree[Source(e) + 1]++;
            if (room[e].Flow > 0) degree[arcs[e].Target + 1]++;
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
            long rc = arcs[e].Cost + pi[Source(e)] - pi[arcs[e].Target];
            if (room[e].Flow < room[e].Capacity) { head[fill[Source(e)]] = arcs[e].Target; weight[fill[Source(e)]++] = rc; }
            if (room[e].Flow > 0) { head[fill[arcs[e].Target]] = Source(e); weight[fill[arcs[e].Target]++] = -rc; }
        }
        Array.Fill(dist, long.MaxValue, 0, n);
        Array.Fill(heapPlace, -1, 0, n);
        var size = 0;
        dist[root] = 0;
        HeapUp(root, size++);
        // Most residual arcs of an optimal tree cost nothing (every tree arc strictly between its bounds, both ways): a
        // node reached at the least distance by such an arc is settled there at once, from a stack, without the heap.
        var stack = zeroStack.Length >= n ? zeroStack : zeroStack = new int[n];
        var top = 0;
        while (size > 0)
        {
            var first = heap[0];
            heapPlace[first] = -2;
            if (--size > 0) HeapDown(heap[size], 0, size);
            var d = dist[first];
            stack[top++] = first;
            while (top > 0)
            {
                var u = stack[--top];
                for (var i = degree[u]; i < degree[u + 1]; i++)
                {
                    var v = head[i];
                    var nd = d + weight[i];
                    if (nd < dist[v])
                    {
                        dist[v] = nd;
                        var place = heapPlace[v];
                        if (nd == d)
                        {
                            // Settled: d is the least distance still open. Out of the heap if it was waiting there.
                            if (place >= 0) RemoveFromHeap(place, ref size);
                            heapPlace[v] = -2;
                            stack[top++] = v;
                        }
                        else if (place != -2) HeapUp(v, place >= 0 ? place : size++);
                    }
                }
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

    int[] zeroStack = [];

    /// <summary>Takes the node at heap place <paramref name="place"/> out of a heap of <paramref name="size"/>.</summary>
    void RemoveFromHeap(int place, ref int size)
    {
        var last = heap[--size];
        if (place == size) return;
        // The last node takes the place: up if it is less than the removed one's parent, else down.
        if (place > 0 && dist[last] < dist[heap[(place - 1) >> 1]]) HeapUp(last, place);
        else HeapDown(last, place, size);
    }

    /// <summary>Puts <paramref name="node"/> at heap place <paramref name="place"/> (a free one, or its own after its distance fell) and moves it up.</summary>
    void HeapUp(int node, int place)
    {
        var key = dist[node];
        while (place > 0)
        {
            var up = (place - 1) >> 1;
            var other = heap[up];
            if (dist[other] <= key) break;
            heap[place] = other;
            heapPlace[other] = place;
            place = up;
        }
        heap[place] = node;
        heapPlace[node] = place;
    }

    /// <summary>Puts <paramref name="node"/> at heap place <paramref name="place"/> of a heap of <paramref name="size"/> and moves it down.</summary>
    void HeapDown(int node, int place, int size)
    {
        var key = dist[node];
        while (true)
        {
            var child = 2 * place + 1;
            if (child >= size) break;
            if (child + 1 < size && dist[heap[child + 1]] < dist[heap[child]]) child++;
            var other = heap[child];
            if (dist[other] >= key) break;
            heap[place] = other;
            heapPlace[other] = place;
            place = child;
        }
        heap[place] = node;
        heapPlace[node] = place;
    }

    /// <summary>Blocks of a sixteenth of √arcs (at least 10): near the optimum few arcs qualify, and a short block finds one
    /// sooner. With arcs in one record a pivot is cheap enough that more, quicker-chosen pivots pay: at province scale
    /// 330,258 pivots in about 1.5–2.1 s against 309,838 in 2.5–2.6 s with a quarter (alternating runs).</summary>
    const double BlockFactor = 0.0625;

    /// <summary>Pivots made so far (all solves).</summary>
    public long Pivots { get; private set; }

    /// <summary>Pivots until no arc has a negative reduced cost in its residual direction.</summary>
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

    /// <summary>The arc's reduced cost in the direction it can move (negative: it may enter), read without bounds checks.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static long Violation(ref ArcRecord a, ref long pi0)
    {
        var sourceState = a.SourceState;
        return (sourceState >> StateShift) * (a.Cost + Unsafe.Add(ref pi0, sourceState & SourceMask) - Unsafe.Add(ref pi0, a.Target));
    }

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
        // Unchecked access: arcs below arcCount, nodes up to the root.
        ref var arc0 = ref MemoryMarshal.GetArrayDataReference(arcs);
        ref var pi0 = ref MemoryMarshal.GetArrayDataReference(pi);
        // Re-check the list.
        for (var i = 0; i < candidateCount; i++)
        {
            var c = Violation(ref Unsafe.Add(ref arc0, candidates[i]), ref pi0);
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
            var c = Violation(ref Unsafe.Add(ref arc0, arc), ref pi0);
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
                var c = Violation(ref Unsafe.Add(ref arc0, arc), ref pi0);
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
        int u = Source(inArc), v = arcs[inArc].Target;
        ref var tree0 = ref MemoryMarshal.GetArrayDataReference(tree);
        ref var nu = ref Unsafe.Add(ref tree0, u);
        ref var nv = ref Unsafe.Add(ref tree0, v);
        while (u != v)
        {
            if (nu.SuccNum < nv.SuccNum) { u = nu.Parent; nu = ref Unsafe.Add(ref tree0, u); }
            else { v = nv.Parent; nv = ref Unsafe.Add(ref tree0, v); }
        }
        join = u;
    }

    /// <summary>How much more an arc can carry forwards (<paramref name="forward"/>: room up to its capacity, infinite for an uncapacitated arc) or backwards (its flow).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static long Residual(long flow, long capacity, bool forward)
    {
        var room = capacity == Infinite ? Infinite : capacity - flow;
        return forward ? room : flow;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    bool FindLeavingArc()
    {
        int first, second;
        if (State(inArc) == Lower) { first = Source(inArc); second = arcs[inArc].Target; }
        else { first = arcs[inArc].Target; second = Source(inArc); }
        var best = room[inArc].Capacity;
        var result = 0;
        var leaving = uOut;
        // Unchecked access: every node on the tree paths has a tree arc.
        ref var tree0 = ref MemoryMarshal.GetArrayDataReference(tree);
        ref var room0 = ref MemoryMarshal.GetArrayDataReference(room);
        ref var dir0 = ref MemoryMarshal.GetArrayDataReference(predDir);
        for (var u = first; u != join;)
        {
            ref var node = ref Unsafe.Add(ref tree0, u);
            ref var r = ref Unsafe.Add(ref room0, node.Pred);
            var d = Residual(r.Flow, r.Capacity, Unsafe.Add(ref dir0, u) == Down);
            if (d < best) { best = d; leaving = u; result = 1; }
            u = node.Parent;
        }
        for (var u = second; u != join;)
        {
            ref var node = ref Unsafe.Add(ref tree0, u);
            ref var r = ref Unsafe.Add(ref room0, node.Pred);
            var d = Residual(r.Flow, r.Capacity, Unsafe.Add(ref dir0, u) == Up);
            if (d <= best) { best = d; leaving = u; result = 2; }
            u = node.Parent;
        }
        delta = best;
        uOut = leaving;
        if (result == 1) { uIn = first; vIn = second; }
        else { uIn = second; vIn = first; }
        return result != 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void ChangeFlow(bool change)
    {
        if (delta > 0)
        {
            var val = State(inArc) * delta;
            room[inArc].Flow += val;
            ref var tree0 = ref MemoryMarshal.GetArrayDataReference(tree);
            ref var room0 = ref MemoryMarshal.GetArrayDataReference(room);
            ref var dir0 = ref MemoryMarshal.GetArrayDataReference(predDir);
            for (var u = Source(inArc); u != join;)
            {
                ref var node = ref Unsafe.Add(ref tree0, u);
                Unsafe.Add(ref room0, node.Pred).Flow -= Unsafe.Add(ref dir0, u) * val;
                u = node.Parent;
            }
            for (var u = arcs[inArc].Target; u != join;)
            {
                ref var node = ref Unsafe.Add(ref tree0, u);
                Unsafe.Add(ref room0, node.Pred).Flow += Unsafe.Add(ref dir0, u) * val;
                u = node.Parent;
            }
        }
        if (change)
        {
            SetState(inArc, Tree);
            SetState(tree[uOut].Pred, room[tree[uOut].Pred].Flow == 0 ? Lower : Upper);
        }
        else
        {
            SetState(inArc, (sbyte)-State(inArc));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void UpdateTreeStructure()
    {
        var oldRevThread = revThread[uOut];
        var oldSuccNum = tree[uOut].SuccNum;
        var oldLastSucc = tree[uOut].LastSucc;
        vOut = tree[uOut].Parent;

        if (uIn == uOut)
        {
            tree[uIn].Parent = vIn;
            tree[uIn].Pred = inArc;
            predDir[uIn] = uIn == Source(inArc) ? Up : Down;
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
            var last = tree[uIn].LastSucc;
            int before, after = thread[last];
            thread[vIn] = uIn;
            dirtyRevs.Clear();
            dirtyRevs.Add(vIn);
            while (stem != uOut)
            {
                var nextStem = tree[stem].Parent;
                thread[last] = nextStem;
                dirtyRevs.Add(last);
                before = revThread[stem];
                thread[before] = after;
                revThread[after] = before;
                tree[stem].Parent = parStem;
                parStem = stem;
                stem = nextStem;
                last = tree[stem].LastSucc == tree[parStem].LastSucc ? revThread[parStem] : tree[stem].LastSucc;
                after = thread[last];
            }
            tree[uOut].Parent = parStem;
            thread[last] = threadContinue;
            revThread[threadContinue] = last;
            tree[uOut].LastSucc = last;
            if (oldRevThread != vIn)
            {
                thread[oldRevThread] = after;
                revThread[after] = oldRevThread;
            }
            foreach (var u in dirtyRevs) revThread[thread[u]] = u;

            int tmpSc = 0, tmpLs = tree[uOut].LastSucc;
            for (int u = uOut, p = tree[u].Parent; u != uIn; u = p, p = tree[u].Parent)
            {
                tree[u].Pred = tree[p].Pred;
                predDir[u] = (sbyte)-predDir[p];
                tmpSc += tree[u].SuccNum - tree[p].SuccNum;
                tree[u].SuccNum = tmpSc;
                tree[p].LastSucc = tmpLs;
            }
            tree[uIn].Pred = inArc;
            predDir[uIn] = uIn == Source(inArc) ? Up : Down;
            tree[uIn].SuccNum = oldSuccNum;
        }

        var upLimitOut = tree[join].LastSucc == vIn ? join : -1;
        var lastSuccOut = tree[uOut].LastSucc;
        for (var u = vIn; u != -1 && tree[u].LastSucc == vIn; u = tree[u].Parent) tree[u].LastSucc = lastSuccOut;
        if (join != oldRevThread && vIn != oldRevThread)
        {
            for (var u = vOut; u != upLimitOut && tree[u].LastSucc == oldLastSucc; u = tree[u].Parent) tree[u].LastSucc = oldRevThread;
        }
        else if (lastSuccOut != oldLastSucc)
        {
            for (var u = vOut; u != upLimitOut && tree[u].LastSucc == oldLastSucc; u = tree[u].Parent) tree[u].LastSucc = lastSuccOut;
        }
        for (var u = vIn; u != join; u = tree[u].Parent) tree[u].SuccNum += oldSuccNum;
        for (var u = vOut; u != join; u = tree[u].Parent) tree[u].SuccNum -= oldSuccNum;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void UpdatePotential()
    {
        var sigma = pi[vIn] - pi[uIn] - predDir[uIn] * arcs[inArc].Cost;
        var end = thread[tree[uIn].LastSucc];
        // Unchecked access: the thread holds nodes only.
        ref var thread0 = ref MemoryMarshal.GetArrayDataReference(thread);
        ref var pi0 = ref MemoryMarshal.GetArrayDataReference(pi);
        for (var u = uIn; u != end; u = Unsafe.Add(ref thread0, u)) Unsafe.Add(ref pi0, u) += sigma;
    }
}
