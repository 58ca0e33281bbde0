package dev.loupe.landscape.topology;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The topological landscape profile (arXiv 2411.12136, 2411.09807; as Landscaper's
 * topology_profile.py draws it): every merge-tree node is a valley whose half-width at height y is
 * half the number of its basin's samples with value ≤ y, topped by its parent's value; children sit
 * side by side inside their parent's valley, widest first, centred. So nesting follows the merge tree
 * and widths follow basin sizes. Unlike Landscaper (width 2 per sample) a sample adds width 1 here.
 *
 * @param basins one polygon per node, as (x, y) vertices from the left rim down to the bottom and up to the right rim
 */
public record TopologicalProfile(List<Basin> basins, double width) {

    /** A valley: the node index in the merge tree and its outline. */
    public record Basin(int node, double[] x, double[] y) {
    }

    public static TopologicalProfile of(MergeTree tree) {
        List<List<Integer>> members = new ArrayList<>();
        for (int i = 0; i < tree.nodes().size(); i++) {
            members.add(new ArrayList<>());
        }
        for (int v = 0; v < tree.arcOf().length; v++) {
            members.get(tree.arcOf()[v]).add(v);
        }
        double[][] sorted = new double[tree.nodes().size()][];
        for (int id = 0; id < tree.nodes().size(); id++) { // children have lower ids than parents
            List<Double> vals = new ArrayList<>();
            for (int v : members.get(id)) {
                vals.add(tree.values()[v]);
            }
            for (int c : tree.nodes().get(id).children()) {
                for (double d : sorted[c]) {
                    vals.add(d);
                }
            }
            sorted[id] = vals.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        }
        int root = tree.root();
        double[] center = new double[tree.nodes().size()];
        place(tree, root, 0, sorted[root].length, sorted, center);
        List<Basin> basins = new ArrayList<>();
        for (int id = 0; id < tree.nodes().size(); id++) {
            double[] vals = sorted[id];
            int parent = tree.nodes().get(id).parent();
            double top = parent >= 0 ? tree.nodes().get(parent).value() : vals[vals.length - 1];
            int k = vals.length;
            double[] x = new double[2 * k + 2];
            double[] y = new double[2 * k + 2];
            x[0] = center[id] - k / 2.0;
            y[0] = top;
            for (int i = 0; i < k; i++) { // left rim, descending
                int j = k - 1 - i;
                x[1 + i] = center[id] - (j + 1) / 2.0;
                y[1 + i] = vals[j];
            }
            for (int i = 0; i < k; i++) { // right rim, ascending
                x[1 + k + i] = center[id] + (i + 1) / 2.0;
                y[1 + k + i] = vals[i];
            }
            x[2 * k + 1] = center[id] + k / 2.0;
            y[2 * k + 1] = top;
            basins.add(new Basin(id, x, y));
        }
        return new TopologicalProfile(basins, sorted[root].length);
    }

    /** Centres node {@code id} in [start, end) and lays its children side by side in the middle, widest first. */
    private static void place(MergeTree tree, int id, double start, double end, double[][] sorted, double[] center) {
        center[id] = (start + end) / 2;
        int[] kids = tree.nodes().get(id).children().clone();
        if (kids.length == 0) {
            return;
        }
        Integer[] order = Arrays.stream(kids).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingInt((Integer c) -> -sorted[c].length).thenComparingInt(c -> c));
        double childWidth = 0;
        for (int c : order) {
            childWidth += sorted[c].length;
        }
        double left = center[id] - childWidth / 2;
        for (int c : order) {
            place(tree, c, left, left + sorted[c].length, sorted, center);
            left += sorted[c].length;
        }
    }
}
