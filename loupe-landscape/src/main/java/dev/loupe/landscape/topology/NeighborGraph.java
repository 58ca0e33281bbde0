package dev.loupe.landscape.topology;

import dev.loupe.core.LoupeException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The graph a sampled function lives on: adjacency lists over sample indices. For a regular grid it
 * is the axis-neighbour graph (2n neighbours in n dimensions); for scattered samples the symmetric
 * k-nearest-neighbour graph (Euclidean). Landscaper uses an empty-region (β-skeleton) graph from
 * nglpy instead; on a square grid the Gabriel graph (β=1) has exactly the axis edges too.
 */
public record NeighborGraph(int[][] adjacency) {

    /** Grid of {@code dims} points per axis, row-major with the last axis fastest. */
    public static NeighborGraph grid(int... dims) {
        int n = 1;
        for (int d : dims) {
            n = Math.multiplyExact(n, d);
        }
        int[][] adj = new int[n][];
        int[] stride = new int[dims.length];
        int s = 1;
        for (int k = dims.length - 1; k >= 0; k--) {
            stride[k] = s;
            s *= dims[k];
        }
        for (int v = 0; v < n; v++) {
            List<Integer> nb = new ArrayList<>();
            for (int k = 0; k < dims.length; k++) {
                int c = (v / stride[k]) % dims[k];
                if (c > 0) {
                    nb.add(v - stride[k]);
                }
                if (c < dims[k] - 1) {
                    nb.add(v + stride[k]);
                }
            }
            adj[v] = nb.stream().mapToInt(Integer::intValue).toArray();
        }
        return new NeighborGraph(adj);
    }

    /** Symmetric k-NN graph of points (an edge when either is among the other's k nearest). O(n²). */
    public static NeighborGraph knn(double[][] points, int k) {
        int n = points.length;
        if (n > 20_000) {
            throw new LoupeException(n + " samples are too many for the brute-force k-NN graph (limit 20,000)");
        }
        List<java.util.Set<Integer>> nb = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            nb.add(new java.util.TreeSet<>());
        }
        Integer[] order = new Integer[n];
        double[] dist = new double[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double d = 0;
                for (int c = 0; c < points[i].length; c++) {
                    double t = points[i][c] - points[j][c];
                    d += t * t;
                }
                dist[j] = d;
                order[j] = j;
            }
            Arrays.sort(order, (a, b) -> a.equals(b) ? 0 : Double.compare(dist[a], dist[b]) != 0
                    ? Double.compare(dist[a], dist[b]) : Integer.compare(a, b));
            int taken = 0;
            for (int t = 0; t < n && taken < k; t++) {
                int j = order[t];
                if (j != i) {
                    nb.get(i).add(j);
                    nb.get(j).add(i);
                    taken++;
                }
            }
        }
        int[][] adj = new int[n][];
        for (int i = 0; i < n; i++) {
            adj[i] = nb.get(i).stream().mapToInt(Integer::intValue).toArray();
        }
        return new NeighborGraph(adj);
    }

    public int size() {
        return adjacency.length;
    }
}
