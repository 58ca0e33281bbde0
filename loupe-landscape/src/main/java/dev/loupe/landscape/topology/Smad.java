package dev.loupe.landscape.topology;

/**
 * Saddle–Minimum Average Distance (Landscaper, arXiv 2602.07135; LossLandscape.smad in
 * Vis4SciML/Landscaper): the mean, over the merge tree's saddle–minimum edges, of the loss gap
 * |f(saddle) − f(minimum)|; 0 when the tree has no saddle (one basin). With {@code normalize} each
 * gap is divided by the loss range (max − min of the samples). Landscaper finds the pairs through
 * a Morse–Smale complex's topological indices; here a saddle–minimum edge is a leaf (minimum) of the
 * merge tree and its parent when that parent is a join node. Lower SMAD = smoother landscape.
 */
public final class Smad {
    private Smad() {
    }

    public static double of(MergeTree tree, boolean normalize) {
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
        for (double v : tree.values()) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        double range = max - min;
        double sum = 0;
        int count = 0;
        for (MergeTree.Node n : tree.nodes()) {
            if (n.kind() == MergeTree.Kind.MINIMUM && n.parent() >= 0
                    && tree.nodes().get(n.parent()).children().length >= 2) {
                double gap = Math.abs(tree.nodes().get(n.parent()).value() - n.value());
                sum += normalize && range > 0 ? gap / range : gap;
                count++;
            }
        }
        return count == 0 ? 0.0 : sum / count;
    }
}
