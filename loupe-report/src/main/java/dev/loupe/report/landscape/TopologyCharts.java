package dev.loupe.report.landscape;

import dev.loupe.landscape.result.TopologyResult;
import dev.loupe.landscape.result.TopologyResult.TreeNode;
import dev.loupe.report.plot.Chart;
import dev.loupe.report.plot.Marks;
import dev.loupe.report.plot.Palette;
import dev.loupe.report.plot.Style;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** The topological landscape profile, the 0-dim persistence diagram and a drawing of the merge tree. */
public final class TopologyCharts {
    private static final double W = SliceCharts.W, H = SliceCharts.H;

    private TopologyCharts() {
    }

    /** Each basin's valley as its outline; leaves (minima) in blue, merged basins in grey. */
    public static Chart profile(TopologyResult t) {
        Chart c = new Chart(W, H).title(String.format(Locale.ROOT, "Topological landscape profile (%d minima, SMAD %.3g)",
                t.minima(), t.smad())).xTitle("samples (basin width)").yTitle("loss");
        boolean leafShown = false, mergedShown = false;
        for (TopologyResult.ProfileBasin b : t.profile()) {
            boolean leaf = t.mergeTree().get(b.node()).kind().equals("minimum");
            String label = leaf ? (leafShown ? null : "basin of a minimum") : (mergedShown ? null : "merged basin");
            leafShown |= leaf;
            mergedShown |= !leaf;
            c.add(new Marks.Line(label, b.x(), b.y(), Style.stroke(leaf ? Palette.BLUE : Palette.GREY, leaf ? 1.5 : 1)));
        }
        return focus(c, t);
    }

    /** Birth against death; the essential class (never dies) is drawn at the highest loss of the tree. */
    public static Chart persistence(TopologyResult t) {
        int n = t.persistence().size();
        double[] x = new double[n], y = new double[n];
        List<String> tips = new ArrayList<>();
        double[] f = focusRange(t);
        double top = f != null ? f[1] : t.mergeTree().stream().mapToDouble(TreeNode::loss).max().orElse(1);
        for (int i = 0; i < n; i++) {
            TopologyResult.PersistencePair q = t.persistence().get(i);
            x[i] = q.birth();
            y[i] = q.death() == null ? top : q.death();
            tips.add(String.format(Locale.ROOT, "birth %.4g, death %s", q.birth(),
                    q.death() == null ? "never" : String.format(Locale.ROOT, "%.4g", q.death())));
        }
        double lo = Arrays.stream(x).min().orElse(0);
        Chart c = new Chart(W, H).title(f != null ? "0-dim persistence diagram (essential class at the top edge)"
                        : "0-dim persistence diagram (essential class at the max loss)")
                .xTitle("birth (loss at the minimum)").yTitle("death (loss at the saddle)").legendAbove()
                .add(new Marks.Line("diagonal", new double[]{lo, top}, new double[]{lo, top},
                        Style.stroke(Palette.GREY, 1).withDash("4 3")))
                .add(new Marks.Points("pairs", x, y, 3.5, Style.fill(Palette.ORANGE), tips));
        // a little headroom so the essential class's dot on the top edge is drawn whole
        return f == null ? c : c.xRange(f[0], f[1]).yRange(f[0], f[1] + 0.04 * (f[1] - f[0]));
    }

    /**
     * The merge tree itself: node i at (x = its place in the layout, y = its loss), an edge from each node
     * to its parent; minima, saddles and the root marked apart.
     */
    public static Chart mergeTree(TopologyResult t) {
        List<TreeNode> nodes = t.mergeTree();
        double[] lx = layout(nodes);
        double[] ex = new double[3 * nodes.size()], ey = new double[ex.length];
        int k = 0;
        for (TreeNode n : nodes) {
            if (n.parent() >= 0) {
                ex[k] = lx[n.id()];
                ey[k++] = n.loss();
                ex[k] = lx[n.parent()];
                ey[k++] = nodes.get(n.parent()).loss();
                ex[k] = Double.NaN; // breaks the polyline: one segment per edge
                ey[k++] = Double.NaN;
            }
        }
        Chart c = new Chart(W, H).title("Merge tree (" + nodes.size() + " nodes, " + t.graph() + " graph)")
                .xTitle("layout order (minima left to right, lowest first)").yTitle("loss").legendAbove()
                .add(new Marks.Line("edge to parent", Arrays.copyOf(ex, k), Arrays.copyOf(ey, k), Style.stroke(Palette.AXIS, 1.2)));
        c.add(kind(nodes, lx, "minimum", "minima", 4, Style.fill(Palette.BLUE)));
        c.add(kind(nodes, lx, "saddle", "saddles", 4, Style.fill(Palette.ORANGE)));
        double[] f = focusRange(t);
        TreeNode root = nodes.stream().filter(n -> n.parent() < 0).findFirst().orElseThrow();
        String rootLabel = f != null && root.loss() > f[1]
                ? String.format(Locale.ROOT, "root (loss %.4g, above the chart)", root.loss()) : "root (max loss)";
        c.add(kind(nodes, lx, "root", rootLabel, 4.5, Style.fill(Palette.TEXT)));
        long leaves = nodes.stream().filter(n -> n.kind().equals("minimum")).count();
        return focus(c.xRange(-0.5, Math.max(leaves, 1) - 0.5), t);
    }

    private static Chart focus(Chart c, TopologyResult t) {
        double[] f = focusRange(t);
        return f == null ? c : c.yRange(f[0], f[1]);
    }

    /**
     * The loss range where the tree's structure is: from the lowest minimum to a quarter above the highest
     * saddle. The root (the highest sample) is often far above and would squash every basin into a line;
     * null when there is no saddle or the root is close enough to show everything.
     */
    static double[] focusRange(TopologyResult t) {
        double lo = Double.POSITIVE_INFINITY, saddle = Double.NEGATIVE_INFINITY, root = Double.NEGATIVE_INFINITY;
        for (TreeNode n : t.mergeTree()) {
            lo = Math.min(lo, n.loss());
            if (n.kind().equals("saddle")) {
                saddle = Math.max(saddle, n.loss());
            } else if (n.parent() < 0) {
                root = n.loss();
            }
        }
        if (saddle == Double.NEGATIVE_INFINITY) {
            return null;
        }
        double span = Math.max(saddle - lo, 1e-12 * Math.max(1, Math.abs(lo)));
        double hi = saddle + 0.25 * span;
        return root <= hi ? null : new double[]{lo - 0.05 * span, hi};
    }

    private static Marks.Points kind(List<TreeNode> nodes, double[] lx, String kind, String label, double r, Style s) {
        List<TreeNode> ns = nodes.stream().filter(n -> n.kind().equals(kind)).toList();
        double[] x = new double[ns.size()], y = new double[ns.size()];
        List<String> tips = new ArrayList<>();
        for (int i = 0; i < ns.size(); i++) {
            x[i] = lx[ns.get(i).id()];
            y[i] = ns.get(i).loss();
            tips.add(describe(ns.get(i)));
        }
        return new Marks.Points(ns.isEmpty() ? null : label, x, y, r, s, tips);
    }

    /**
     * Horizontal positions: leaves 0, 1, 2… in depth-first order from the root (children lowest loss
     * first), each inner node at the mean of its children. Pure layout: no tree property is derived.
     */
    static double[] layout(List<TreeNode> nodes) {
        List<List<Integer>> kids = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            kids.add(new ArrayList<>());
        }
        int root = -1;
        for (TreeNode n : nodes) {
            if (n.parent() >= 0) {
                kids.get(n.parent()).add(n.id());
            } else {
                root = n.id();
            }
        }
        double[] x = new double[nodes.size()];
        if (root < 0) {
            return x;
        }
        double[] low = new double[nodes.size()];
        for (int id : postOrder(root, kids)) {
            low[id] = nodes.get(id).loss();
            for (int c : kids.get(id)) {
                low[id] = Math.min(low[id], low[c]);
            }
        }
        for (List<Integer> ks : kids) {
            ks.sort(Comparator.comparingDouble((Integer i) -> low[i]).thenComparingInt(i -> i));
        }
        int next = 0;
        for (int id : postOrder(root, kids)) {
            List<Integer> ks = kids.get(id);
            if (ks.isEmpty()) {
                x[id] = next++;
            } else {
                double s = 0;
                for (int c : ks) {
                    s += x[c];
                }
                x[id] = s / ks.size();
            }
        }
        return x;
    }

    /** Children before parents, without recursion: a long chain of merges must not overflow the stack. */
    private static List<Integer> postOrder(int root, List<List<Integer>> kids) {
        List<Integer> out = new ArrayList<>();
        List<int[]> stack = new ArrayList<>();
        stack.add(new int[]{root, 0});
        while (!stack.isEmpty()) {
            int[] top = stack.getLast();
            List<Integer> ks = kids.get(top[0]);
            if (top[1] < ks.size()) {
                stack.add(new int[]{ks.get(top[1]++), 0});
            } else {
                stack.removeLast();
                out.add(top[0]);
            }
        }
        return out;
    }

    static String describe(TreeNode n) {
        StringBuilder b = new StringBuilder(n.kind()).append(String.format(Locale.ROOT, ": loss %.5g, basin %d samples, at (",
                n.loss(), n.basinSize()));
        for (int i = 0; i < n.coords().length && i < 6; i++) {
            b.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.3g", n.coords()[i]));
        }
        return b.append(n.coords().length > 6 ? ", …)" : ")").toString();
    }
}
