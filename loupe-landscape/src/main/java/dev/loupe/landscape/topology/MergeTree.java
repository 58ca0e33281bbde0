package dev.loupe.landscape.topology;

import dev.loupe.core.LoupeException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The merge tree (join tree of sublevel sets) of a function sampled on a {@link NeighborGraph}, and
 * its 0-dimensional persistence diagram, by one sweep in increasing value with union-find.
 *
 * <p>Vertices are ordered by (value, index), which is the usual simulation of simplicity for ties.
 * A vertex with no lower neighbour starts a component: a minimum (leaf). A vertex whose lower
 * neighbours lie in two or more components joins them: a saddle (join node) whose children are the
 * components' current top nodes. The last vertex (global maximum) is the root. Every vertex is also
 * assigned to the arc it falls on, so a node's basin is the set of vertices in its subtree.
 * Persistence follows the elder rule: when components merge, the younger minima (higher value) die
 * at the saddle; the global minimum's class never dies (death = +∞).
 *
 * @param nodes  the critical nodes; {@code nodes.get(i).parent()} indexes this list, −1 for the root
 * @param arcOf  per vertex, the node whose arc (the part of the tree just below it) holds the vertex
 * @param pairs  0-dim persistence pairs (birth = minimum value, death = saddle value or +∞)
 */
public record MergeTree(List<Node> nodes, int[] arcOf, List<Pair> pairs, double[] values) {

    public enum Kind { MINIMUM, SADDLE, ROOT }

    /** One critical node: the sample {@code vertex} with {@code value}; {@code basinSize} counts its subtree's vertices. */
    public record Node(int vertex, double value, Kind kind, int parent, int[] children, int basinSize) {
    }

    /** A persistence pair with the vertices that create and destroy it (death vertex −1 for the essential class). */
    public record Pair(double birth, double death, int minimumVertex, int saddleVertex) {
        public double persistence() {
            return death - birth;
        }
    }

    public static MergeTree compute(double[] f, NeighborGraph graph) {
        int n = f.length;
        if (n == 0 || graph.size() != n) {
            throw new LoupeException("merge tree: " + n + " values on a graph of " + graph.size() + " vertices");
        }
        for (double v : f) {
            if (!Double.isFinite(v)) {
                throw new LoupeException("merge tree: the sampled loss has a non-finite value (" + v + ")");
            }
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> f[i]).thenComparingInt(i -> i));
        int[] rank = new int[n];
        for (int r = 0; r < n; r++) {
            rank[order[r]] = r;
        }
        int[] uf = new int[n];
        Arrays.fill(uf, -1);
        int[] head = new int[n];      // per component root: its current top tree node
        int[] birthNode = new int[n]; // per component root: the node of its oldest minimum
        int[] arcOf = new int[n];
        List<int[]> nodeData = new ArrayList<>(); // {vertex, kind, parent}
        List<List<Integer>> children = new ArrayList<>();
        List<Pair> pairs = new ArrayList<>();
        for (int r = 0; r < n; r++) {
            int v = order[r];
            uf[v] = v;
            List<Integer> roots = new ArrayList<>();
            for (int w : graph.adjacency()[v]) {
                if (rank[w] < r) {
                    int root = find(uf, w);
                    if (!roots.contains(root)) {
                        roots.add(root);
                    }
                }
            }
            boolean last = r == n - 1;
            if (roots.isEmpty()) {
                int id = addNode(nodeData, children, v, Kind.MINIMUM);
                head[v] = id;
                birthNode[v] = id;
                arcOf[v] = id;
            } else if (roots.size() == 1 && !last) {
                int root = roots.getFirst();
                uf[v] = root;
                arcOf[v] = head[root];
            } else {
                int id = addNode(nodeData, children, v, roots.size() == 1 ? Kind.ROOT : Kind.SADDLE);
                arcOf[v] = id;
                // elder rule: the component whose minimum is oldest (lowest rank) survives
                roots.sort(Comparator.comparingInt(root -> rank[nodeData.get(birthNode[root])[0]]));
                int survivor = roots.getFirst();
                for (int root : roots) {
                    nodeData.get(head[root])[2] = id;
                    children.get(id).add(head[root]);
                    if (root != survivor) {
                        int m = nodeData.get(birthNode[root])[0];
                        pairs.add(new Pair(f[m], f[v], m, v));
                    }
                }
                for (int root : roots) {
                    uf[root] = v;
                }
                head[v] = id;
                birthNode[v] = birthNode[survivor];
            }
        }
        int top = find(uf, order[n - 1]);
        int components = 0;
        for (int v = 0; v < n; v++) {
            if (uf[v] == v) {
                components++;
                int m = nodeData.get(birthNode[v])[0];
                pairs.add(new Pair(f[m], Double.POSITIVE_INFINITY, m, -1));
            }
        }
        if (components > 1) {
            throw new LoupeException("merge tree: the sample graph is not connected (" + components + " components)");
        }
        if (nodeData.size() == 1) { // a single vertex: it is both minimum and root
            nodeData.getFirst()[1] = Kind.ROOT.ordinal();
        }
        int[] basin = new int[nodeData.size()];
        for (int v = 0; v < n; v++) {
            basin[arcOf[v]]++;
        }
        List<Node> nodes = new ArrayList<>();
        for (int id = 0; id < nodeData.size(); id++) {
            nodes.add(null);
        }
        // children are created before parents, so one pass in id order accumulates subtree sizes
        for (int id = 0; id < nodeData.size(); id++) {
            int[] d = nodeData.get(id);
            int size = basin[id];
            for (int c : children.get(id)) {
                size += nodes.get(c).basinSize();
            }
            nodes.set(id, new Node(d[0], f[d[0]], Kind.values()[d[1]], d[2],
                    children.get(id).stream().mapToInt(Integer::intValue).toArray(), size));
        }
        assert top >= 0;
        pairs.sort(Comparator.comparingDouble(Pair::birth).thenComparingDouble(Pair::death));
        return new MergeTree(nodes, arcOf, pairs, f.clone());
    }

    /** Index of the root node. */
    public int root() {
        for (int i = 0; i < nodes.size(); i++) {
            if (nodes.get(i).parent() < 0) {
                return i;
            }
        }
        throw new IllegalStateException("no root");
    }

    public long minimaCount() {
        return nodes.stream().filter(x -> x.kind() == Kind.MINIMUM).count();
    }

    private static int addNode(List<int[]> data, List<List<Integer>> children, int vertex, Kind kind) {
        data.add(new int[]{vertex, kind.ordinal(), -1});
        children.add(new ArrayList<>());
        return data.size() - 1;
    }

    private static int find(int[] uf, int v) {
        while (uf[v] != v) {
            uf[v] = uf[uf[v]];
            v = uf[v];
        }
        return v;
    }
}
